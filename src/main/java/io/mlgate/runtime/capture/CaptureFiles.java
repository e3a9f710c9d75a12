package io.mlgate.runtime.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds an endpoint's encrypted capture files, {@code <capture dir>/<endpoint>/<variant>/yyyy/mm/dd/hh/*.jsonl.mlgc},
 * and reads them with the encryption context checked against where each file lies: a file moved to another
 * endpoint's, variant's or hour's folder, or renamed, is refused ({@link CaptureFileException}) rather than counted
 * where it does not belong. Files in the capture layout with any other name (such as plaintext {@code .jsonl} files
 * of mlgate versions before capture encryption) are not read; {@link Listing#ignored()} counts them.
 */
public final class CaptureFiles {

    private static final Pattern HOUR = Pattern.compile("\\d{4}/\\d{2}/\\d{2}/\\d{2}");

    private CaptureFiles() {
    }

    /** One capture file: its path, its variant, the hour its folder names, and its name under the variant folder. */
    public record CaptureFile(Path path, String endpoint, String variant, Instant hour, String relativeName) {
        public CaptureFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(variant, "variant");
            Objects.requireNonNull(hour, "hour");
            Objects.requireNonNull(relativeName, "relativeName");
        }

        /** The encryption context the file's header must carry. */
        public Map<String, String> expectedContext() {
            return CaptureFileHeader.context(endpoint, variant, relativeName);
        }
    }

    /** The files found (by variant, then time), and the other files in the layout that were not read. */
    public record Listing(List<CaptureFile> files, int ignored) {
        public Listing {
            files = List.copyOf(files);
        }
    }

    /**
     * Lists the endpoint's capture files whose hour overlaps {@code [from, to)}.
     *
     * @param variant only this variant's files, or every variant when null
     * @param from    earliest time of interest, or null
     * @param to      end of the time of interest (exclusive), or null
     * @throws NoSuchFileException if the endpoint (or the variant) has no capture folder there
     */
    public static Listing list(Path captureDir, String endpoint, String variant, Instant from, Instant to)
            throws IOException {
        Path endpointDir = captureDir.resolve(endpoint);
        if (!Files.isDirectory(endpointDir)) {
            throw new NoSuchFileException(endpointDir.toString(), null, "no capture folder for endpoint " + endpoint);
        }
        List<Path> variants;
        if (variant != null) {
            Path dir = endpointDir.resolve(variant);
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "no capture folder for variant " + variant);
            }
            variants = List.of(dir);
        } else {
            try (Stream<Path> s = Files.list(endpointDir)) {
                variants = s.filter(Files::isDirectory).sorted().toList();
            }
        }
        List<CaptureFile> files = new ArrayList<>();
        int ignored = 0;
        for (Path variantDir : variants) {
            List<Path> all;
            try (Stream<Path> s = Files.walk(variantDir)) {
                all = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path p : all) {
                String relative = variantDir.relativize(p).toString().replace('\\', '/');
                int slash = relative.lastIndexOf('/');
                String name = p.getFileName().toString();
                if (slash < 0 || !HOUR.matcher(relative.substring(0, slash)).matches()
                        || !name.endsWith(CaptureFileHeader.EXTENSION)) {
                    ignored++;
                    continue;
                }
                Instant hour;
                try {
                    hour = LocalDateTime.parse(relative.substring(0, slash).replace('/', '-')
                            .replaceFirst("-(\\d{2})$", "T$1:00")).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    ignored++;
                    continue;
                }
                if ((from != null && !hour.plus(Duration.ofHours(1)).isAfter(from))
                        || (to != null && !hour.isBefore(to))) {
                    continue;
                }
                files.add(new CaptureFile(p, endpoint, variantDir.getFileName().toString(), hour, relative));
            }
        }
        return new Listing(files, ignored);
    }

    /**
     * Reads one file's records, its encryption context checked against its location.
     *
     * @throws CaptureFileException if the file cannot be trusted
     * @throws io.mlgate.kms.artifact.KeyServiceException if KMS refuses its data key
     */
    public static CaptureFileReader.Contents read(CaptureFile file, CaptureFileKeys keys,
                                                  CaptureFileReader.RecordSink sink) throws IOException {
        return CaptureFileReader.read(file.path(), file.expectedContext(), keys, sink);
    }
}
