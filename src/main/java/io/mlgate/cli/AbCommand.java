package io.mlgate.cli;

import io.mlgate.abtest.AbReport;
import io.mlgate.abtest.CaptureReader;
import io.mlgate.abtest.GroundTruth;
import io.mlgate.client.KmsClient;
import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.runtime.capture.CaptureFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mlgate ab}: A/B evaluation of an endpoint's captured predictions (docs/ab-testing.md). */
@Command(name = "ab", mixinStandardHelpOptions = true,
        description = "A/B evaluation of captured predictions against ground truth (see docs/ab-testing.md).",
        subcommands = {AbCommand.Report.class})
final class AbCommand implements Runnable {

    /** Exit code when the capture folder or labels file cannot be read (the reason is printed on stderr). */
    static final int FAILED = 3;
    /** Exit code when KMS refuses the caller the data key of a capture file (AccessDeniedException). */
    static final int DENIED = 1;
    /** Exit code for a malformed labels file or a bad option. */
    static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    enum Format { text, json }

    /**
     * {@code mlgate ab report --endpoint E --labels FILE [--capture-dir DIR] [--home DIR] [--format text|json]}:
     * joins the endpoint's captured predictions with the labels by inference id and prints per variant the number
     * joined, accuracy, macro precision, recall and F1, one-vs-rest macro ROC AUC and the unmatched counts. The
     * capture files are encrypted: each file's data key is a KMS Decrypt by the running gateway, as the caller
     * ({@code --url --profile --credentials --ca}).
     */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Per-variant accuracy, precision, recall, F1 and ROC AUC of an endpoint's captured "
                    + "predictions, joined with ground-truth labels by inference id.")
    static final class Report implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--endpoint", required = true, paramLabel = "E", description = "the endpoint's name")
        String endpoint;

        @Option(names = "--labels", required = true, paramLabel = "FILE",
                description = "ground truth: CSV inference_id,label (with that header) or JSON lines "
                        + "{\"inferenceId\":..,\"label\":..}")
        Path labels;

        @Option(names = "--capture-dir", paramLabel = "DIR",
                description = "the folder holding <endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl.mlgc: the data directory's "
                        + "capture/ plus the DestinationS3Uri prefix (default: <home>/data/capture)")
        Path captureDir;

        @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
        Path home;

        @Option(names = "--format", paramLabel = "F", defaultValue = "text",
                description = "text (a table) or json (default: ${DEFAULT-VALUE})")
        Format format;

        @Mixin
        GatewayClientOptions gateway;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!endpoint.matches("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")) {
                err.println("--endpoint " + endpoint + " is not a SageMaker endpoint name");
                return USAGE;
            }
            Path homeDir = home != null ? home : Path.of(Main.defaultHome());
            Path dir = captureDir != null ? captureDir : homeDir.resolve("data").resolve("capture");
            Map<String, String> truth;
            try {
                truth = GroundTruth.read(labels);
            } catch (IllegalArgumentException e) {
                err.println(e.getMessage());
                return USAGE;
            } catch (IOException e) {
                err.println("cannot read the labels " + labels + ": " + e.getClass().getSimpleName());
                return FAILED;
            }
            if (!java.nio.file.Files.isDirectory(dir.resolve(endpoint))) {
                err.println(noCaptures(dir));
                return FAILED;
            }
            KmsClient kms;
            try {
                kms = gateway.kmsClient(homeDir);
            } catch (Exception e) {
                err.println("cannot call the gateway's KMS: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                return USAGE;
            }
            CaptureReader.Captures captures;
            try {
                captures = CaptureReader.read(dir, endpoint, kms.captureFileKeys());
            } catch (NoSuchFileException e) {
                err.println(noCaptures(dir));
                return FAILED;
            } catch (KeyServiceException e) {
                if (KeyServiceException.ACCESS_DENIED.equals(e.errorCode())) {
                    err.println("access denied: " + gateway.caller() + " may not kms:Decrypt the capture files of "
                            + "endpoint " + endpoint + " (KMS said: " + e.getMessage() + ")");
                    return DENIED;
                }
                err.println("KMS refused the data key of a capture file: " + e.errorCode() + ": " + e.getMessage());
                return FAILED;
            } catch (CaptureFileException e) {
                err.println(e.getMessage());
                return FAILED;
            } catch (UncheckedIOException e) {
                err.println("the gateway's KMS at " + gateway.url + " cannot be reached: "
                        + e.getCause().getClass().getSimpleName());
                return FAILED;
            } catch (IOException e) {
                err.println("cannot read the capture files under " + dir + ": " + e.getClass().getSimpleName());
                return FAILED;
            }
            AbReport report = AbReport.of(endpoint, captures, truth);
            out.print(format == Format.json ? report.toJson() + System.lineSeparator() : report.toText());
            out.flush();
            return 0;
        }

        private String noCaptures(Path dir) {
            return "no captured data for endpoint " + endpoint + " in " + dir
                    + " (is DataCaptureConfig enabled, and does --capture-dir include its prefix?)";
        }
    }
}
