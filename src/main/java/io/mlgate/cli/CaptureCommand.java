package io.mlgate.cli;

import io.mlgate.client.KmsClient;
import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.runtime.capture.CaptureDestination;
import io.mlgate.runtime.capture.CaptureFileException;
import io.mlgate.runtime.capture.CaptureFileReader;
import io.mlgate.runtime.capture.CaptureFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code mlgate capture}: the endpoints' encrypted data capture files (docs/ab-testing.md). */
@Command(name = "capture", mixinStandardHelpOptions = true,
        description = "Read the encrypted data capture files (see docs/ab-testing.md).",
        subcommands = {CaptureCommand.Read.class})
final class CaptureCommand implements Runnable {

    /** Exit code: the records were printed. */
    static final int OK = 0;
    /** Exit code: KMS refused the caller a file's data key (AccessDeniedException). */
    static final int DENIED = 1;
    /** Exit code: bad usage. */
    static final int USAGE = 2;
    /** Exit code: no capture folder, an untrustworthy file, another KMS error, or the gateway unreachable. */
    static final int FAILED = 3;

    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code mlgate capture read --endpoint E [--variant V] [--from T] [--to T] [--prefix P] [--out FILE]}: finds the
     * endpoint's capture files under {@code <home>/data/capture[/P]}, asks the running gateway's KMS to Decrypt each
     * file's data key as the caller, and prints the decrypted JSON-lines records.
     */
    @Command(name = "read", mixinStandardHelpOptions = true,
            description = "Decrypt an endpoint's captured records through the running gateway's KMS (kms:Decrypt as "
                    + "you: every file is an authorized, audited Decrypt) and print them as JSON lines.")
    static final class Read implements Callable<Integer> {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--endpoint", required = true, paramLabel = "E", description = "the endpoint's name")
        String endpoint;

        @Option(names = "--variant", paramLabel = "V", description = "only this production variant's records")
        String variant;

        @Option(names = "--from", paramLabel = "T",
                description = "only records at or after T (UTC: 2026-11-27T10:00:00Z, 2026-11-27T10:00 or 2026-11-27)")
        String from;

        @Option(names = "--to", paramLabel = "T", description = "only records before T (same forms as --from)")
        String to;

        @Option(names = "--prefix", paramLabel = "P",
                description = "the DestinationS3Uri prefix: s3://mlgate-capture/P is <home>/data/capture/P")
        String prefix;

        @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
        Path home;

        @Option(names = "--out", paramLabel = "FILE",
                description = "write the records to FILE (created owner-only; must not exist) instead of stdout")
        Path out;

        @Mixin
        GatewayClientOptions gateway;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            Path homeDir = home != null ? home : Path.of(Main.defaultHome());
            Instant fromTime;
            Instant toTime;
            Path captureRoot = homeDir.resolve("data").resolve("capture");
            Path dir;
            try {
                if (!NAME.matcher(endpoint).matches()) {
                    throw new IllegalArgumentException("--endpoint " + endpoint + " is not a SageMaker endpoint name");
                }
                if (variant != null && !NAME.matcher(variant).matches()) {
                    throw new IllegalArgumentException("--variant " + variant + " is not a SageMaker variant name");
                }
                fromTime = time("--from", from);
                toTime = time("--to", to);
                if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
                    throw new IllegalArgumentException("--from must be before --to");
                }
                dir = prefix == null || prefix.isEmpty() ? captureRoot
                        : CaptureDestination.resolve(captureRoot, "s3://" + CaptureDestination.BUCKET + "/" + prefix);
            } catch (IllegalArgumentException e) {
                err.println("capture read: " + e.getMessage().replace("DestinationS3Uri", "--prefix"));
                err.flush();
                return USAGE;
            }
            CaptureFiles.Listing listing;
            try {
                listing = CaptureFiles.list(dir, endpoint, variant, fromTime, toTime);
            } catch (NoSuchFileException e) {
                err.println("capture read: no captured data for endpoint " + endpoint
                        + (variant == null ? "" : " variant " + variant) + " in " + dir
                        + " (is DataCaptureConfig enabled, and does --prefix name its DestinationS3Uri prefix?)");
                err.flush();
                return FAILED;
            } catch (IOException e) {
                err.println("capture read: cannot list " + dir + ": " + e.getClass().getSimpleName());
                err.flush();
                return FAILED;
            }
            KmsClient kms;
            try {
                kms = gateway.kmsClient(homeDir);
            } catch (Exception e) {
                err.println("capture read: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                err.flush();
                return USAGE;
            }
            OutputStream sink = null;
            Counts counts = new Counts();
            try {
                sink = out == null ? null : create(out);
                for (CaptureFiles.CaptureFile file : listing.files()) {
                    counts.file = file;
                    OutputStream target = sink;
                    CaptureFileReader.Contents c = CaptureFiles.read(file, kms.captureFileKeys(), record -> {
                        try {
                            if (selected(record, fromTime, toTime)) {
                                counts.printed++;
                                if (target != null) {
                                    target.write(record);
                                } else {
                                    spec.commandLine().getOut().print(new String(record, StandardCharsets.UTF_8));
                                }
                            }
                        } finally {
                            Arrays.fill(record, (byte) 0);
                        }
                    });
                    counts.files++;
                    counts.records += c.records();
                    counts.torn += c.tornTail() ? 1 : 0;
                }
                spec.commandLine().getOut().flush();
                err.println("capture read: " + counts.printed + " records of endpoint " + endpoint
                        + (variant == null ? "" : " variant " + variant) + " from " + counts.files + " files"
                        + (counts.printed != counts.records ? " (" + counts.records + " read)" : "")
                        + (counts.torn > 0 ? "; " + counts.torn + " files end in a torn frame (a crash, or being "
                        + "written), skipped" : "")
                        + (listing.ignored() > 0 ? "; " + listing.ignored() + " other files ignored (not "
                        + "encrypted capture files)" : "")
                        + (out == null ? "" : "; written to " + out));
                return OK;
            } catch (KeyServiceException e) {
                String key = keyOf(counts.file);
                if (KeyServiceException.ACCESS_DENIED.equals(e.errorCode())) {
                    err.println("capture read: access denied: " + gateway.caller() + " may not kms:Decrypt with the "
                            + "KMS key " + key + ", which encrypts the capture files of endpoint " + endpoint
                            + " (ask for kms:Decrypt on that key; the key policy and IAM decide).");
                    err.println("capture read: KMS said: " + e.getMessage());
                    return DENIED;
                }
                err.println("capture read: KMS refused the data key of a capture file under the key " + key + ": "
                        + e.errorCode() + (e.getMessage() == null || e.getMessage().isEmpty() ? ""
                        : ": " + e.getMessage()));
                return FAILED;
            } catch (CaptureFileException e) {
                err.println("capture read: " + e.getMessage());
                return FAILED;
            } catch (FileAlreadyExistsException e) {
                err.println("capture read: --out " + out + " exists; records are never written over a file");
                return USAGE;
            } catch (UncheckedIOException e) {
                err.println("capture read: the gateway's KMS at " + gateway.url + " cannot be reached: "
                        + e.getCause().getClass().getSimpleName()
                        + (e.getCause().getMessage() == null ? "" : ": " + e.getCause().getMessage()));
                return FAILED;
            } catch (IOException e) {
                err.println("capture read: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                return FAILED;
            } finally {
                err.flush();
                if (sink != null) {
                    try {
                        sink.close();
                    } catch (IOException e) {
                        err.println("capture read: closing " + out + " failed: " + e.getClass().getSimpleName());
                    }
                }
            }
        }

        /** What was read so far, and the file being read (for messages). */
        private static final class Counts {
            CaptureFiles.CaptureFile file;
            int files;
            long records;
            long printed;
            int torn;
        }

        /** The ARN of the key that wraps the file's data key (from its header), for messages. */
        private static String keyOf(CaptureFiles.CaptureFile file) {
            try {
                return file == null ? "?" : CaptureFileReader.header(file.path()).keyArn() + " (of " + file.path()
                        + ")";
            } catch (IOException | RuntimeException e) {
                return "of " + file.path();
            }
        }

        private static boolean selected(byte[] record, Instant from, Instant to) {
            if (from == null && to == null) {
                return true;
            }
            try {
                JsonNode time = JSON.readTree(record).path("eventMetadata").path("inferenceTime");
                Instant t = Instant.parse(time.asString(""));
                return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
            } catch (JacksonException | DateTimeParseException e) {
                return false;
            }
        }

        private static Instant time(String option, String value) {
            if (value == null) {
                return null;
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                // not an instant: a UTC date-time or a date
            }
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                // a date?
            }
            try {
                return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(option + " " + value + " is not a UTC time (2026-11-27T10:00:00Z,"
                        + " 2026-11-27T10:00 or 2026-11-27)");
            }
        }

        /** A new owner-only file: decrypted captures are the callers' data. */
        private static OutputStream create(Path file) throws IOException {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
                return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            }
            return Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }
}
