package io.mlgate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.mlgate.audit.integrity.AuditPublicKey;
import io.mlgate.audit.integrity.AuditSigningKeys;
import io.mlgate.audit.integrity.DigestWriter;
import io.mlgate.audit.integrity.PublicKeyList;
import io.mlgate.audit.integrity.TrailProblem;
import io.mlgate.audit.integrity.TrailValidator;
import io.mlgate.audit.integrity.ValidationOptions;
import io.mlgate.audit.integrity.ValidationReport;
import io.mlgate.audit.integrity.Witness;
import io.mlgate.audit.integrity.WrittenDigest;
import io.mlgate.iam.config.Account;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.validate.ValidatedConfiguration;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.root.RootKeySettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlgate audit}: validates an audit trail offline, prints its witness and public keys, rotates the digest
 * signing key, and writes a digest now when no gateway is running (docs/audit-trail.md).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit trail: validate, witness, public-keys, rotate-key, digest --now, export, verify-bundle.",
        subcommands = {AuditCommand.Validate.class, AuditCommand.WitnessValue.class, AuditCommand.PublicKeys.class,
                AuditCommand.RotateKey.class, AuditCommand.Digest.class, AuditExportCommand.class,
                AuditVerifyBundleCommand.class})
final class AuditCommand implements Runnable {

    /** Exit code: the trail has problems. */
    static final int INVALID = 1;
    /** Exit code: bad usage. */
    static final int USAGE = 2;
    /** Exit code: a file or key could not be read, or the gateway holds the folder. */
    static final int FAILED = 3;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static Path auditDir(Path dir) {
        return dir != null ? dir : Path.of(Main.defaultHome()).resolve("audit");
    }

    static Path home(Path home) {
        return home != null ? home : Path.of(Main.defaultHome());
    }

    private static Instant time(String value, String option) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " is not an ISO-8601 instant such as 2026-11-26T16:00:00Z");
        }
    }

    /** {@code mlgate audit validate [--dir DIR] [--from T] [--to T] [--public-keys FILE] [--witness V]}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Validate the digest chain and every log file; exit 0 only when VALID.")
    static final class Validate implements Callable<Integer> {

        @Option(names = "--dir", paramLabel = "DIR", description = "the audit folder (default: <home>/audit)")
        Path dir;

        @Option(names = "--from", paramLabel = "T", description = "only digests ending at or after T (ISO-8601)")
        String from;

        @Option(names = "--to", paramLabel = "T", description = "only digests starting at or before T (ISO-8601)")
        String to;

        @Option(names = "--public-keys", paramLabel = "FILE",
                description = "a public-keys.json kept elsewhere, trusted instead of the folder's own")
        Path publicKeys;

        @Option(names = "--witness", paramLabel = "VALUE", description = "a value printed earlier by audit witness")
        String witness;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            ValidationOptions options;
            try {
                options = ValidationOptions.defaults().withRange(time(from, "--from"), time(to, "--to"))
                        .withPublicKeys(publicKeys).withWitness(witness == null ? null : Witness.parse(witness));
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return USAGE;
            }
            Path audit = auditDir(dir);
            ValidationReport report;
            try {
                report = new TrailValidator().validate(audit, options);
            } catch (IOException e) {
                System.err.println("cannot validate " + audit + ": " + e.getMessage());
                return FAILED;
            }
            out.println(report.valid() ? "VALID" : "INVALID: " + report.problems().size() + " problems");
            for (TrailProblem p : report.problems()) {
                out.println("  " + p.type() + " " + p.file() + ": " + p.detail());
            }
            out.println("checked " + report.digestsChecked() + " digests, " + report.logFilesChecked()
                    + " log files, " + report.bytesHashed() + " bytes hashed");
            if (!report.notYetDigested().isEmpty()) {
                out.println("not yet digested: " + String.join(", ", report.notYetDigested()));
            }
            report.information().forEach(i -> out.println("note: " + i));
            return report.valid() ? 0 : INVALID;
        }
    }

    /** {@code mlgate audit witness [--dir DIR]}. */
    @Command(name = "witness", mixinStandardHelpOptions = true,
            description = "Print the witness of the newest digest; store it outside the trail.")
    static final class WitnessValue implements Callable<Integer> {

        @Option(names = "--dir", paramLabel = "DIR", description = "the audit folder (default: <home>/audit)")
        Path dir;

        @Override
        public Integer call() {
            try {
                System.out.println(Witness.current(auditDir(dir)).value());
                return 0;
            } catch (IOException e) {
                System.err.println("no witness: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** {@code mlgate audit public-keys [--dir DIR]}. */
    @Command(name = "public-keys", mixinStandardHelpOptions = true,
            description = "Print public-keys.json (ListPublicKeys shape).")
    static final class PublicKeys implements Callable<Integer> {

        @Option(names = "--dir", paramLabel = "DIR", description = "the audit folder (default: <home>/audit)")
        Path dir;

        @Override
        public Integer call() {
            Path file = auditDir(dir).resolve(PublicKeyList.FILE);
            try {
                System.out.println(new String(PublicKeyList.read(file).toJson(), StandardCharsets.UTF_8));
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                System.err.println("cannot read " + file + ": " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** Shared: unlocking the signing keys of a home folder. */
    abstract static class WithKeys {

        @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
        Path home;

        /** Environment lookup; tests replace it. */
        Function<String, String> env = System::getenv;

        AuditSigningKeys signingKeys(Path homeDir) throws IOException {
            Path keys = homeDir.resolve("keys");
            RootKey root = RootKey.unlock(RootKeySettings.fromEnvironment(env), keys);
            return AuditSigningKeys.loadOrCreate(keys, root, Clock.systemUTC());
        }
    }

    /** {@code mlgate audit rotate-key [--home DIR]}. */
    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = "End the current digest signing key and start a new one (old public keys stay published).")
    static final class RotateKey extends WithKeys implements Callable<Integer> {

        @Override
        public Integer call() {
            Path homeDir = home(home);
            try {
                AuditSigningKeys keys = signingKeys(homeDir);
                AuditPublicKey fresh = keys.rotate();
                keys.writePublicKeys(homeDir.resolve("audit"));
                System.out.println("new digest signing key " + fresh.fingerprint() + " valid from "
                        + fresh.validityStartTime() + "; " + homeDir.resolve("audit").resolve(PublicKeyList.FILE)
                        + " updated (a running gateway signs with it from its next digest)");
                return 0;
            } catch (KeyCustodyException e) {
                System.err.println("cannot unlock the signing keys: " + e.getMessage());
                return FAILED;
            } catch (IOException e) {
                System.err.println("rotate-key failed: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /**
     * {@code mlgate audit digest --now}: closes the current log file and writes a signed digest at once. With no
     * gateway running the command opens the audit folder itself (recovering and closing any segment a stopped gateway
     * left open); when a gateway holds the folder it asks that gateway with a SigV4-signed {@code CreateDigest} call,
     * authorized and audited like every call.
     */
    @Command(name = "digest", mixinStandardHelpOptions = true,
            description = "Close the current log file and write a digest now (before an export or a backup).")
    static final class Digest extends WithKeys implements Callable<Integer> {

        @Option(names = "--now", required = true, description = "write the digest now")
        boolean now;

        @Option(names = "--account", paramLabel = "ID",
                description = "the hosting account id (default: the first account of policies/accounts.json)")
        String account;

        @Option(names = "--digest-period", paramLabel = "DURATION", description = "the gateway's digest period, for"
                + " the head's next-digest time (default PT1H)")
        Duration period = Duration.ofHours(1);

        @Option(names = "--url", defaultValue = "https://127.0.0.1:8443",
                description = "the running gateway, when one holds the folder (default: ${DEFAULT-VALUE})")
        java.net.URI url;

        @Option(names = "--profile", defaultValue = "demo-admin",
                description = "profile in the credentials file, unless AWS_ACCESS_KEY_ID is set (default: ${DEFAULT-VALUE})")
        String profile;

        @Option(names = "--credentials", description = "credentials file (default: <home>/keys/demo-credentials)")
        Path credentials;

        @Option(names = "--ca", description = "CA certificate to trust (default: <home>/keys/dev-ca.pem)")
        Path ca;

        @Override
        public Integer call() {
            Path homeDir = home(home);
            Path audit = homeDir.resolve("audit");
            String accountId;
            try {
                accountId = account != null ? account : ValidatedConfiguration.load(homeDir.resolve("policies"))
                        .configuration().accounts().stream().map(Account::id).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("policies/accounts.json names no account"));
            } catch (ConfigurationException | IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return USAGE;
            }
            io.mlgate.audit.AuditLog log;
            try {
                log = io.mlgate.audit.AuditLog.open(audit, io.mlgate.audit.AuditLogSettings.builder()
                        .accountId(accountId).build());
            } catch (IOException e) {
                if (!io.mlgate.audit.AuditLog.writerLockHeld(audit)) {
                    System.err.println("cannot open " + audit + ": " + e.getMessage());
                    return FAILED;
                }
                return remote(homeDir);
            }
            try (log) {
                DigestWriter writer = new DigestWriter(audit, signingKeys(homeDir), accountId, Clock.systemUTC(),
                        period);
                io.mlgate.audit.ClosedSegments closed = log.rollNow().get(5, java.util.concurrent.TimeUnit.MINUTES);
                WrittenDigest d = writer.write(Math.max(closed.highestClosedSequence(), writer.coveredSequence()));
                d.repairs().forEach(r -> System.out.println("repaired: " + r));
                System.out.println("wrote " + d.digestS3Object() + " covering " + (d.firstLogSequence() == null
                        ? "no new log file" : "log files " + d.firstLogSequence() + ".." + d.lastLogSequence())
                        + (d.missingLogFiles().isEmpty() ? "" : " (missing: " + d.missingLogFiles() + ")"));
                System.out.println("witness: " + d.witness().value());
                return 0;
            } catch (KeyCustodyException e) {
                System.err.println("cannot unlock the signing keys: " + e.getMessage());
                return FAILED;
            } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                System.err.println("digest failed: " + e.getMessage());
                return FAILED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return FAILED;
            }
        }

    
        /** Asks the running gateway: {@code MlgateAudit_20261126.CreateDigest}, SigV4-signed for cloudtrail. */
        private int remote(Path homeDir) {
            try {
                String accessKey = System.getenv("AWS_ACCESS_KEY_ID");
                String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
                String token = System.getenv("AWS_SESSION_TOKEN");
                if (accessKey == null || secret == null) {
                    String[] keys = BenchCommand.profileKeys(credentials != null ? credentials
                            : homeDir.resolve("keys/demo-credentials"), profile);
                    accessKey = keys[0];
                    secret = keys[1];
                    token = null;
                }
                String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
                io.mlgate.auth.sigv4.SigV4Signer signer = io.mlgate.auth.sigv4.SigV4Signer.builder()
                        .credentials(accessKey, secret.toCharArray()).sessionToken(token)
                        .region(region).service("cloudtrail").build();
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                java.net.URI endpoint = url.resolve("/");
                java.util.Map<String, java.util.List<String>> headers = new java.util.LinkedHashMap<>();
                headers.put("content-type", java.util.List.of("application/x-amz-json-1.1"));
                headers.put("x-amz-target", java.util.List.of("MlgateAudit_20261126.CreateDigest"));
                java.util.Map<String, String> signed = signer.sign("POST", endpoint, headers, body);
                java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(endpoint)
                        .timeout(Duration.ofMinutes(3))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
                headers.forEach((k, v) -> request.header(k, v.get(0)));
                signed.forEach(request::header);
                Path caFile = ca != null ? ca : homeDir.resolve("keys/dev-ca.pem");
                javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
                ssl.init(null, io.mlgate.pki.PemTrust.trustManagers(caFile), null);
                java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder().sslContext(ssl)
                        .connectTimeout(Duration.ofSeconds(10)).build()
                        .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                tools.jackson.databind.JsonNode answer = tools.jackson.databind.json.JsonMapper.builder().build()
                        .readTree(response.body());
                if (response.statusCode() != 200) {
                    System.err.println("the gateway at " + url + " refused: " + response.statusCode() + " "
                            + answer.path("__type").asString("") + " " + answer.path("message").asString(""));
                    return FAILED;
                }
                System.out.println("the gateway at " + url + " wrote " + answer.path("DigestS3Object").asString()
                        + " covering " + (answer.has("FirstLogSequence") ? "log files "
                        + answer.path("FirstLogSequence").asLong() + ".." + answer.path("LastLogSequence").asLong()
                        : "no new log file"));
                System.out.println("witness: " + answer.path("Witness").asString());
                return 0;
            } catch (Exception e) {
                System.err.println("a gateway holds the audit folder, and asking it for a digest failed: "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                return FAILED;
            }
        }
    }
}
