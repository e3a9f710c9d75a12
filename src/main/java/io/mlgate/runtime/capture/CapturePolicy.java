package io.mlgate.runtime.capture;

import io.mlgate.sagemaker.DataCaptureConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One endpoint's data capture as mlgate applies it: the folder its records go under (the destination's; each
 * record then goes to {@code <endpoint>/<variant>/yyyy/mm/dd/hh/}), the share of calls captured, whether the
 * request and the response are captured, and the content types whose payloads are written as text (CSV, JSON);
 * any other payload is base64, as in SageMaker (which base64-encodes everything when no CaptureContentTypeHeader
 * is given).
 */
public record CapturePolicy(Path folder, int samplingPercentage, boolean input, boolean output,
                            List<String> csvContentTypes, List<String> jsonContentTypes) {

    /** The {@code encoding} of a payload written as text from a CSV content type. */
    public static final String CSV = "CSV";
    /** The {@code encoding} of a payload written as text from a JSON content type. */
    public static final String JSON = "JSON";
    /** The {@code encoding} of any other payload. */
    public static final String BASE64 = "BASE64";

    public CapturePolicy {
        Objects.requireNonNull(folder, "folder");
        if (samplingPercentage < 0 || samplingPercentage > 100) {
            throw new IllegalArgumentException("sampling percentage must be 0..100");
        }
        csvContentTypes = essences(csvContentTypes);
        jsonContentTypes = essences(jsonContentTypes);
    }

    /**
     * The policy of a configuration, or {@code null} when it captures nothing ({@code EnableCapture} false).
     *
     * @param root the capture root ({@code <dataDir>/capture})
     * @throws IllegalArgumentException with the reason, when mlgate cannot honour an enabled configuration: a
     *                                  destination outside the capture root, or a KmsKeyId (mlgate does not encrypt
     *                                  capture files, and will not pretend to)
     */
    public static CapturePolicy of(Path root, DataCaptureConfig config) {
        Objects.requireNonNull(config, "config");
        if (!config.enableCapture()) {
            return null; // nothing is written: any destination and key will do
        }
        Path folder = CaptureDestination.resolve(root, config.destinationS3Uri());
        if (config.kmsKeyId() != null && !config.kmsKeyId().isEmpty()) {
            throw new IllegalArgumentException("KmsKeyId " + config.kmsKeyId() + " cannot be honoured: mlgate "
                    + "writes capture files unencrypted (owner-only files under the data directory); "
                    + "leave KmsKeyId out.");
        }
        boolean in = false;
        boolean out = false;
        for (String mode : config.captureModes()) {
            switch (mode) {
                case "Input" -> in = true;
                case "Output" -> out = true;
                case "InputAndOutput" -> {
                    in = true;
                    out = true;
                }
                default -> throw new IllegalArgumentException("unknown CaptureMode " + mode);
            }
        }
        return new CapturePolicy(folder, config.initialSamplingPercentage(), in, out, config.csvContentTypes(),
                config.jsonContentTypes());
    }

    /** {@link #CSV}, {@link #JSON} or {@link #BASE64} for a payload of that content type. */
    public String encodingOf(String contentType) {
        String essence = essence(contentType);
        if (essence != null && csvContentTypes.contains(essence)) {
            return CSV;
        }
        if (essence != null && jsonContentTypes.contains(essence)) {
            return JSON;
        }
        return BASE64;
    }

    private static List<String> essences(List<String> types) {
        return types == null ? List.of() : types.stream().map(CapturePolicy::essence).filter(Objects::nonNull)
                .distinct().toList();
    }

    /** {@code type/subtype} in lower case, without parameters; null if absent. */
    static String essence(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semicolon = contentType.indexOf(';');
        String e = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        return e.isEmpty() ? null : e;
    }
}
