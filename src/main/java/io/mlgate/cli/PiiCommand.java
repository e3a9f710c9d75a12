package io.mlgate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongConsumer;

import io.mlgate.audit.AuditEvent;
import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.iam.config.Account;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.validate.ValidatedConfiguration;
import io.mlgate.pii.DetectorSettings;
import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.Redactor;
import io.mlgate.pii.discovery.DetectorConfig;
import io.mlgate.pii.discovery.DiscoveryJob;
import io.mlgate.pii.discovery.DiscoveryReport;
import io.mlgate.pii.discovery.DiscoverySummary;
import io.mlgate.pii.discovery.LocalAuditTrail;
import io.mlgate.pii.discovery.ReportHtml;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code mlgate pii}: PII discovery jobs over files and the model store (docs/pii-discovery.md). */
@Command(name = "pii", mixinStandardHelpOptions = true,
        description = "PII discovery: scan files, folders and the model store's metadata for personal data.",
        subcommands = {PiiCommand.Scan.class})
final class PiiCommand implements Runnable {

    /** Exit code: the job ran and was audited, but some files could not be read or scanned. */
    static final int FILES_FAILED = 1;
    /** Exit code: bad usage (no paths, a missing path, a bad detectors file). */
    static final int USAGE = 2;
    /** Exit code: the job's audit event could not be recorded (no report is written then), or the report failed. */
    static final int FAILED = 3;

    /** The operation a running gateway records a job's event with. */
    static final String TARGET = "MlgateAudit_20261126.RecordPiiDiscoveryJob";

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * {@code mlgate pii scan PATH... [--model-store] [--format text|json] [--report-dir DIR] [--no-progress]}: one
     * discovery job. The job is recorded in the audit trail before anything reports success: straight into
     * {@code <home>/audit} when no gateway holds it, else through the running gateway
     * ({@code MlgateAudit_20261126.RecordPiiDiscoveryJob}, SigV4-signed, authorized as
     * {@code mlgate:RecordPiiDiscoveryJob} and audited like every call). When neither works the command fails and
     * writes no report.
     */
    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = "Scan files and folders (CSV by column, JSON/JSONL by field, other text) and, with "
                    + "--model-store, the model store's descriptors and metadata; report counts and locations "
                    + "(never values) and record the job in the audit trail.")
    static final class Scan implements Callable<Integer> {

        @Parameters(paramLabel = "PATH", arity = "0..*", description = "files or folders to scan")
        List<Path> paths = new ArrayList<>();

        @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
                description = "what to print: a readable summary (text, default) or the report as JSON")
        String format;

        @Option(names = "--report-dir", paramLabel = "DIR",
                description = "where report.json and report.html go (default: <home>/data/pii-reports/<jobId>)")
        Path reportDir;

        @Option(names = "--model-store", description = "also scan the model store's descriptors and metadata "
                + "(<home>/data/models)")
        boolean modelStore;

        @Option(names = "--no-progress", description = "no progress bar (there is none when stderr is not a "
                + "terminal either)")
        boolean noProgress;

        @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
        Path home;

        @Option(names = "--detectors", paramLabel = "FILE", description = "detector settings: the gateway's "
                + "properties file (mlgate.pii.*) or a JSON file (default: $MLGATE_PII_DETECTORS, else the "
                + "built-in defaults)")
        Path detectors;

        @Option(names = "--account", paramLabel = "ID", description = "the hosting account of the audit event "
                + "(default: $MLGATE_ACCOUNT_ID, else the first account of policies/accounts.json)")
        String account;

        @Option(names = "--region", defaultValue = "us-east-1", description = "the region of the audit event "
                + "(default: ${DEFAULT-VALUE})")
        String region;

        @Option(names = "--url", defaultValue = "https://127.0.0.1:8443",
                description = "the running gateway, when one holds the audit folder (default: ${DEFAULT-VALUE})")
        URI url;

        @Option(names = "--profile", defaultValue = "demo-admin",
                description = "profile in the credentials file, unless AWS_ACCESS_KEY_ID is set "
                        + "(default: ${DEFAULT-VALUE})")
        String profile;

        @Option(names = "--credentials", description = "credentials file (default: <home>/keys/demo-credentials)")
        Path credentials;

        @Option(names = "--ca", description = "CA certificate to trust (default: <home>/keys/dev-ca.pem)")
        Path ca;

        /** Environment lookup; tests replace it. */
        Function<String, String> env = System::getenv;

        /** The limits of the job; tests shrink them to reach chunk boundaries with small files. */
        DiscoveryJob.Limits limits = DiscoveryJob.Limits.defaults();

        @Override
        public Integer call() {
            PrintStream out = System.out;
            PrintStream err = System.err;
            if (!format.equals("text") && !format.equals("json")) {
                err.println("pii scan: --format is text or json");
                return USAGE;
            }
            if (paths.isEmpty() && !modelStore) {
                err.println("pii scan: give at least one PATH, or --model-store");
                return USAGE;
            }
            Path homeDir = (home != null ? home : Path.of(Main.defaultHome())).toAbsolutePath().normalize();
            Path auditDir = homeDir.resolve("audit");
            if (!Files.isDirectory(auditDir) && !Files.isDirectory(homeDir.resolve("policies"))) {
                err.println("pii scan: " + homeDir + " is not an mlgate home (no audit/ or policies/ folder): "
                        + "give --home or set MLGATE_HOME");
                return USAGE;
            }
            Path detectorsFile = detectors;
            if (detectorsFile == null && env.apply("MLGATE_PII_DETECTORS") != null
                    && !env.apply("MLGATE_PII_DETECTORS").isBlank()) {
                detectorsFile = Path.of(env.apply("MLGATE_PII_DETECTORS"));
            }
            DetectorSettings settings;
            PiiScanner scanner;
            try {
                settings = DetectorConfig.load(detectorsFile);
                scanner = PiiScanner.of(settings);
            } catch (IllegalArgumentException e) {
                err.println("pii scan: detector settings: " + e.getMessage());
                return USAGE;
            } catch (IOException e) {
                err.println("pii scan: cannot read " + detectorsFile + " (" + e.getClass().getSimpleName() + ")");
                return USAGE;
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key); // Redactor wants a tokenization key; names are masked by REPLACE only
            Redactor redactor = new Redactor(key);
            java.util.Arrays.fill(key, (byte) 0);

            boolean viaGateway = Files.isDirectory(auditDir) && io.mlgate.audit.AuditLog.writerLockHeld(auditDir);
            String[] keys = null;
            if (viaGateway) {
                try {
                    keys = credentials(homeDir);
                } catch (IOException | IllegalArgumentException e) {
                    err.println("pii scan: a gateway holds " + auditDir + " and the job's audit event must go "
                            + "through it, but there are no credentials to call it: " + e.getMessage()
                            + " (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or --profile/--credentials)");
                    return FAILED;
                }
            }

            DiscoveryJob job = new DiscoveryJob(settings, scanner, redactor, limits, Clock.systemUTC());
            DiscoveryJob.Plan plan;
            try {
                plan = job.plan(paths, modelStore ? homeDir.resolve("data/models") : null);
            } catch (NoSuchFileException e) {
                err.println("pii scan: no such file or folder: " + e.getFile());
                return USAGE;
            } catch (IOException e) {
                err.println("pii scan: cannot list the files (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + ")");
                return FAILED;
            }
            DiscoveryReport report = run(job, plan, err);
            DiscoverySummary summary = DiscoverySummary.of(report, paths.size());

            // the audit event first: no report, and no success, without it
            String recorded;
            try {
                recorded = record(summary, auditDir, homeDir, viaGateway, keys);
            } catch (IOException | RuntimeException e) {
                err.println("pii scan: job " + report.jobId() + " ran, but its audit event could not be recorded: "
                        + e.getMessage() + ". The job failed and no report was written; run it again once the "
                        + "audit trail is writable (docs/pii-discovery.md).");
                return FAILED;
            }

            Path dir = reportDir != null ? reportDir : homeDir.resolve("data/pii-reports").resolve(report.jobId());
            byte[] json = report.toJson();
            try {
                writeReport(dir, json, ReportHtml.render(report));
            } catch (IOException e) {
                err.println("pii scan: job " + report.jobId() + " was audited (" + recorded + ") but its report "
                        + "could not be written to " + dir + ": " + e.getClass().getSimpleName() + " "
                        + e.getMessage());
                return FAILED;
            }
            if (format.equals("json")) {
                out.println(new String(json, StandardCharsets.UTF_8));
            } else {
                printSummary(out, report, dir, recorded);
            }
            if (report.filesFailed() > 0) {
                err.println("pii scan: " + report.filesFailed() + " file(s) could not be scanned (listed under "
                        + "\"failed\" in the report)");
                return FILES_FAILED;
            }
            return 0;
        }

        private DiscoveryReport run(DiscoveryJob job, DiscoveryJob.Plan plan, PrintStream err) {
            if (noProgress || System.console() == null || plan.totalBytes() == 0) {
                return job.run(plan, n -> { });
            }
            try (ProgressBar bar = new ProgressBarBuilder().setTaskName("pii scan")
                    .setInitialMax(plan.totalBytes()).setUnit("MiB", 1 << 20)
                    .setConsumer(new ConsoleProgressBarConsumer(err)).build()) {
                LongConsumer step = bar::stepBy;
                return job.run(plan, step);
            }
        }

        /**
         * Records the job's event, locally or through the gateway as the folder's lock says now (a gateway started
         * or stopped since the scan began is handled); returns how, for the summary.
         */
        String record(DiscoverySummary summary, Path auditDir, Path homeDir, boolean viaGateway,
                      String[] keys) throws IOException {
            if (!viaGateway) {
                try {
                    return local(summary, auditDir, homeDir);
                } catch (LocalAuditTrail.HeldException e) {
                    return remote(summary, homeDir, credentials(homeDir)); // a gateway started meanwhile
                }
            }
            try {
                return remote(summary, homeDir, keys);
            } catch (IOException e) {
                if (io.mlgate.audit.AuditLog.writerLockHeld(auditDir)) {
                    throw e;
                }
                return local(summary, auditDir, homeDir); // the gateway stopped meanwhile: the folder is free
            }
        }

        private String local(DiscoverySummary summary, Path auditDir, Path homeDir) throws IOException {
            String accountId = accountId(homeDir);
            AuditEvent event = summary.event(Clock.systemUTC().instant(), region, accountId,
                    DiscoverySummary.Origin.local(System.getProperty("user.name")));
            LocalAuditTrail.append(auditDir, event, region, accountId, Duration.ofMinutes(1));
            return "event " + event.eventID() + " written to " + auditDir;
        }

        private String accountId(Path homeDir) {
            if (account != null) {
                return account;
            }
            String fromEnv = env.apply("MLGATE_ACCOUNT_ID");
            if (fromEnv != null && !fromEnv.isBlank()) {
                return fromEnv.strip();
            }
            Path policies = homeDir.resolve("policies");
            if (!Files.isDirectory(policies)) {
                return null;
            }
            try {
                return ValidatedConfiguration.load(policies).configuration().accounts().stream().map(Account::id)
                        .findFirst().orElse(null);
            } catch (ConfigurationException | RuntimeException e) {
                return null;
            }
        }

        /** Access key id, secret and session token (or null) to sign the call to the gateway. */
        private String[] credentials(Path homeDir) throws IOException {
            String accessKey = env.apply("AWS_ACCESS_KEY_ID");
            String secret = env.apply("AWS_SECRET_ACCESS_KEY");
            if (accessKey != null && secret != null) {
                return new String[] {accessKey, secret, env.apply("AWS_SESSION_TOKEN")};
            }
            String[] k = BenchCommand.profileKeys(credentials != null ? credentials
                    : homeDir.resolve("keys/demo-credentials"), profile);
            return new String[] {k[0], k[1], null};
        }

        /** Sends the summary to the running gateway, which writes the event; returns its event id. */
        private String remote(DiscoverySummary summary, Path homeDir, String[] keys) throws IOException {
            try {
                String signingRegion = env.apply("AWS_REGION") != null ? env.apply("AWS_REGION") : region;
                SigV4Signer signer = SigV4Signer.builder().credentials(keys[0], keys[1].toCharArray())
                        .sessionToken(keys[2]).region(signingRegion).service("cloudtrail").build();
                byte[] body = summary.toRequest();
                URI endpoint = url.resolve("/");
                Map<String, List<String>> headers = new LinkedHashMap<>();
                headers.put("content-type", List.of("application/x-amz-json-1.1"));
                headers.put("x-amz-target", List.of(TARGET));
                Map<String, String> signed = signer.sign("POST", endpoint, headers, body);
                HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(2))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach((k, v) -> request.header(k, v.get(0)));
                signed.forEach(request::header);
                javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
                ssl.init(null, io.mlgate.pki.PemTrust.trustManagers(ca != null ? ca
                        : homeDir.resolve("keys/dev-ca.pem")), null);
                HttpResponse<String> response = HttpClient.newBuilder().sslContext(ssl)
                        .connectTimeout(Duration.ofSeconds(10)).build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode answer = JsonMapper.builder().build().readTree(response.body());
                if (response.statusCode() != 200) {
                    throw new IOException("the gateway at " + url + " refused it: " + response.statusCode() + " "
                            + answer.path("__type").asString("") + " " + answer.path("message").asString(""));
                }
                return "event " + answer.path("EventId").asString() + " recorded by the gateway at " + url;
            } catch (IOException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking the gateway at " + url);
            } catch (Exception e) {
                throw new IOException("a gateway holds the audit folder, and asking it failed: "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
            }
        }
    }

    /** Writes report.json and report.html into {@code dir} (owner-only where POSIX permissions exist). */
    static void writeReport(Path dir, byte[] json, byte[] html) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        write(dir.resolve("report.json"), json, posix);
        write(dir.resolve("report.html"), html, posix);
    }

    private static void write(Path file, byte[] bytes, boolean posix) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        if (posix) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void printSummary(PrintStream out, DiscoveryReport r, Path dir, String recorded) {
        out.println("PII discovery job " + r.jobId() + ": " + r.filesScanned() + " files scanned ("
                + r.bytesScanned() + " bytes), " + r.filesSkipped() + " skipped, " + r.filesFailed() + " failed; "
                + r.findings() + " findings");
        r.countsByType().forEach((type, n) -> out.printf("  %-20s %d%n", type, n));
        int shown = 0;
        for (DiscoveryReport.FileReport f : r.files()) {
            if (shown++ == 20) {
                out.println("  ... and " + (r.files().size() - 20) + " more files with findings (see the report)");
                break;
            }
            StringBuilder line = new StringBuilder("  ").append(f.path()).append(": ");
            List<String> parts = new ArrayList<>();
            f.countsByType().forEach((t, n) -> parts.add(t + " " + n));
            line.append(String.join(", ", parts));
            if (!f.fields().isEmpty()) {
                List<String> fields = new ArrayList<>();
                f.fields().forEach((name, byType) -> fields.add(name));
                line.append(" (in ").append(String.join(", ", fields.subList(0, Math.min(5, fields.size()))))
                        .append(fields.size() > 5 ? ", ..." : "").append(")");
            }
            out.println(line);
        }
        out.println("report: " + dir.resolve("report.json") + ", " + dir.resolve("report.html"));
        out.println("audit: " + recorded);
    }
}
