package io.mlgate.runtime.capture;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@code DestinationS3Uri} puts captured data: {@code s3://mlgate-capture/PREFIX} (or
 * {@code mlgate://capture/PREFIX}) is the folder {@code <capture root>/PREFIX}; the prefix is optional. Any other
 * bucket or scheme is not served by mlgate and is refused, and so is a prefix that could leave the capture root
 * (only letters, digits, {@code . _ = -} in non-empty segments, no {@code .} or {@code ..} segment).
 */
public final class CaptureDestination {

    /** The bucket name in a DestinationS3Uri that means "mlgate's capture folder". */
    public static final String BUCKET = "mlgate-capture";

    private static final Pattern URI = Pattern.compile("(?:s3://" + BUCKET + "|mlgate://capture)(?:/(.*))?");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._=-]{1,128}");

    private CaptureDestination() {
    }

    /**
     * The folder a destination URI names under {@code root}.
     *
     * @throws IllegalArgumentException with a message for DescribeEndpoint's FailureReason, if mlgate cannot write
     *                                  there
     */
    public static Path resolve(Path root, String destinationUri) {
        Objects.requireNonNull(root, "root");
        Matcher m = destinationUri == null ? null : URI.matcher(destinationUri);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("DestinationS3Uri " + destinationUri + " is not mlgate's capture "
                    + "folder: use s3://" + BUCKET + "/[PREFIX] (written under the data directory's capture/).");
        }
        String prefix = m.group(1) == null ? "" : m.group(1);
        if (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        Path folder = root;
        if (prefix.isEmpty()) {
            return folder;
        }
        String[] segments = prefix.split("/", -1);
        if (segments.length > 16) {
            throw new IllegalArgumentException("DestinationS3Uri " + destinationUri + " has more than 16 folders.");
        }
        for (String s : segments) {
            if (!SEGMENT.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("DestinationS3Uri " + destinationUri + ": the prefix may hold "
                        + "only letters, digits and . _ = - in non-empty folders other than . and ..");
            }
            folder = folder.resolve(s);
        }
        return folder;
    }
}
