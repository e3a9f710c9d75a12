package io.mlgate.cli;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.batch.InvocationClient;
import io.mlgate.batch.ProgressFile;
import io.mlgate.batch.RemoteBatchTransform;
import io.mlgate.pki.PemTrust;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

/**
 * {@code mlgate batch-transform}: sends every line of a file to an endpoint of the running gateway
 * (InvokeEndpoint, SigV4-signed over HTTPS) and writes one output line per input line, failed lines reported in
 * {@code OUT.errors}; a killed run started again with the same arguments resumes from {@code OUT.progress}
 * (docs/batch-transform.md).
 */
@Command(name = "batch-transform", mixinStandardHelpOptions = true,
        description = "Transform a file line by line through an endpoint of the running gateway; resumable.")
final class BatchTransformCommand implements Callable<Integer> {

    /** Exit code: every line was answered. */
    static final int OK = 0;
    /** Exit code: the run completed, and at least one line failed (see OUT.errors). */
    static final int LINES_FAILED = 1;
    /** Exit code: bad usage. */
    static final int USAGE = 2;
    /** Exit code: the run stopped (gateway unreachable or refusing, file error); OUT.progress is kept. */
    static final int FAILED = 3;

    private static final Pattern ENDPOINT = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    private static final Set<String> CONTENT_TYPES = Set.of("text/csv", "application/jsonlines");

    @Option(names = "--endpoint", required = true, paramLabel = "NAME", description = "the endpoint to invoke")
    String endpoint;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "input: one record per line")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "output: one line per input line (FILE.errors: failed lines; FILE.progress: checkpoint)")
    Path out;

    @Option(names = "--content-type", defaultValue = "text/csv", paramLabel = "TYPE",
            description = "text/csv or application/jsonlines (default: ${DEFAULT-VALUE})")
    String contentType;

    @Option(names = "--batch-strategy", defaultValue = "SingleRecord", paramLabel = "STRATEGY",
            description = "SingleRecord (one line per request) or MultiRecord (default: ${DEFAULT-VALUE})")
    String batchStrategy;

    @Option(names = "--max-records", defaultValue = "100", paramLabel = "N",
            description = "lines per request with MultiRecord, 1-1000 (default: ${DEFAULT-VALUE})")
    int maxRecords;

    @Option(names = "--concurrency", defaultValue = "4", paramLabel = "N",
            description = "requests in flight, 1-64 (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--url", defaultValue = "https://127.0.0.1:8443",
            description = "the running gateway (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--profile", defaultValue = "demo-analyst",
            description = "profile in the credentials file, unless AWS_ACCESS_KEY_ID is set (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--credentials", description = "credentials file (default: <home>/keys/demo-credentials)")
    Path credentials;

    @Option(names = "--ca", description = "CA certificate to trust (default: <home>/keys/dev-ca.pem)")
    Path ca;

    @Option(names = "--no-progress", description = "no progress bar, even on a terminal")
    boolean noProgress;

    @Override
    public Integer call() {
        String usage = usageProblem();
        if (usage != null) {
            System.err.println("batch-transform: " + usage);
            return USAGE;
        }
        RemoteBatchTransform transform;
        try {
            transform = new RemoteBatchTransform(client(), new RemoteBatchTransform.Options(in, out, endpoint,
                    contentType, batchStrategy.equals("MultiRecord"), maxRecords, concurrency));
        } catch (Exception e) {
            System.err.println("batch-transform: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return e instanceof IllegalArgumentException ? USAGE : FAILED;
        }
        Path progressFile = RemoteBatchTransform.progressFileOf(out);
        try {
            ProgressFile.Checkpoint start = transform.checkpoint();
            if (start.line() > 0) {
                System.err.println("batch-transform: resuming " + in + " at line " + (start.line() + 1) + " ("
                        + start.records() + " lines done, " + start.failed() + " failed)");
            }
            RemoteBatchTransform.Summary summary;
            if (System.console() != null && !noProgress) {
                try (ProgressBar bar = new ProgressBarBuilder().setTaskName("batch-transform")
                        .setInitialMax(Math.max(1, Files.size(in))).setUnit("KiB", 1024)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
                    bar.stepTo(start.inputOffset());
                    summary = transform.run((offset, records, failed) -> {
                        bar.stepTo(offset);
                        bar.setExtraMessage(records + " lines, " + failed + " failed");
                    });
                }
            } else {
                summary = transform.run((offset, records, failed) -> { });
            }
            System.out.println("batch-transform: " + summary.records() + " lines of " + in + " -> " + out + ": "
                    + (summary.records() - summary.failed()) + " answered, " + summary.failed() + " failed"
                    + (summary.errors() == null ? "" : " (line numbers, codes and messages in " + summary.errors()
                    + ")") + (summary.resumedAtLine() > 0 ? "; resumed after line " + summary.resumedAtLine() : ""));
            return summary.failed() > 0 ? LINES_FAILED : OK;
        } catch (RemoteBatchTransform.RunFailure e) {
            System.err.println("batch-transform: " + e.getMessage());
            if (Files.exists(progressFile)) {
                System.err.println("batch-transform: the checkpoint " + progressFile + " is kept: run the same "
                        + "command again to resume.");
            }
            return FAILED;
        } catch (IOException e) {
            System.err.println("batch-transform: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FAILED;
        }
    }

    private String usageProblem() {
        if (!ENDPOINT.matcher(endpoint).matches()) {
            return "--endpoint must be an endpoint name ([a-zA-Z0-9](-*[a-zA-Z0-9])*, at most 63 characters)";
        }
        String essence = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!CONTENT_TYPES.contains(essence)) {
            return "--content-type must be text/csv or application/jsonlines";
        }
        if (!Set.of("SingleRecord", "MultiRecord").contains(batchStrategy)) {
            return "--batch-strategy must be SingleRecord or MultiRecord";
        }
        if (maxRecords < 1 || maxRecords > 1000) {
            return "--max-records must be 1 to 1000";
        }
        if (concurrency < 1 || concurrency > 64) {
            return "--concurrency must be 1 to 64";
        }
        if (!Files.isRegularFile(in)) {
            return "--in " + in + " is not a file";
        }
        Path outAbs = out.toAbsolutePath().normalize();
        if (outAbs.equals(in.toAbsolutePath().normalize())) {
            return "--out must not be the input file";
        }
        if (outAbs.getParent() == null || !Files.isDirectory(outAbs.getParent())) {
            return "--out " + out + ": its folder does not exist";
        }
        return null;
    }

    private InvocationClient client() throws Exception {
        String accessKey = System.getenv("AWS_ACCESS_KEY_ID");
        String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
        String token = System.getenv("AWS_SESSION_TOKEN");
        if (accessKey == null || secret == null) {
            String[] keys = BenchCommand.profileKeys(credentials, profile);
            accessKey = keys[0];
            secret = keys[1];
            token = null;
        }
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        SigV4Signer signer = SigV4Signer.builder().credentials(accessKey, secret.toCharArray()).sessionToken(token)
                .region(region).service("sagemaker").build();
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, PemTrust.trustManagers(BenchCommand.caFile(ca)), null);
        return new InvocationClient(url, endpoint, signer, ssl);
    }
}
