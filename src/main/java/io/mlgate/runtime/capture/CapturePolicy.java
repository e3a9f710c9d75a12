package io.mlgate.runtime.capture;

import io.mlgate.sagemaker.DataCaptureConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One endpoint's data capture as mlgate applies it: the folder its records go under (the destination's; each
 * record then goes to {@code <endpoint>/<variant>/yyyy/mm/dd/hh/}), the share of calls captured, whether the
 * request and the response are captured, and the content types whose payloads are written as text (CSV, JSON);
 * any other payload is base64, as in SageMaker (which base64-encodes everything when no CaptureContentTypeHeader
 * is given). Every capture file is encrypted: {@code keyId} is the KMS key its data keys come from (the
 * configuration's KmsKeyId, else the gateway's default capture key), generated as the execution role of the
 * variant whose records the file holds ({@code executionRoles}: variant name to role ARN).
 */
public record CapturePolicy(Path folder, int samplingPercentage, boolean input, boolean output,
                            List<String> csvContentTypes, List<String> jsonContentTypes, String keyId,
                            Map<String, String> executionRoles) {

    /** KMS's forms of a key reference: key id, key ARN, alias name, alias ARN (as SageMaker's KmsKeyId allows). */
    private static final Pattern KEY_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                    + "|mrk-[0-9a-f]{32}"
                    + "|alias/[a-zA-Z0-9/_-]{1,250}"
                    + "|arn:aws[a-z-]*:kms:[a-z0-9-]{1,32}:[0-9]{12}:(?:key/[a-zA-Z0-9-]{1,64}|alias/[a-zA-Z0-9/_-]{1,250})");

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
        Objects.requireNonNull(keyId, "keyId");
        executionRoles = Map.copyOf(executionRoles);
    }

    /**
     * The policy of a configuration, or {@code null} when it captures nothing ({@code EnableCapture} false).
     *
     * @param root           the capture root ({@code <dataDir>/capture})
     * @param defaultKeyId   the key used when the configuration names none (null or empty: none)
     * @param executionRoles the execution role of each variant (may be empty when only validating)
     * @throws IllegalArgumentException with the reason, when mlgate cannot honour an enabled configuration: a
     *                                  destination outside the capture root, a KmsKeyId that is no form of KMS
     *                                  key reference, or no key at all (capture files are always encrypted)
     */
    public static CapturePolicy of(Path root, DataCaptureConfig config, String defaultKeyId,
                                   Map<String, String> executionRoles) {
        Objects.requireNonNull(config, "config");
        if (!config.enableCapture()) {
            return null; // nothing is written: any destination and key will do
        }
        Path folder = CaptureDestination.resolve(root, config.destinationS3Uri());
        String keyId = keyIdOf(config, defaultKeyId);
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
                config.jsonContentTypes(), keyId, executionRoles);
    }

    /**
     * The KMS key the configuration's capture files are encrypted under: its KmsKeyId, or {@code defaultKeyId} when
     * that is absent or empty.
     *
     * @throws IllegalArgumentException if the KmsKeyId is not a key id, key ARN, alias name or alias ARN, or there
     *                                  is no key at all
     */
    public static String keyIdOf(DataCaptureConfig config, String defaultKeyId) {
        String given = config.kmsKeyId();
        if (given != null && !given.isEmpty()) {
            if (!KEY_ID.matcher(given).matches()) {
                throw new IllegalArgumentException("KmsKeyId " + given + " is not a KMS key ID, key ARN, alias name "
                        + "(alias/NAME) or alias ARN.");
            }
            return given;
        }
        if (defaultKeyId == null || defaultKeyId.isEmpty()) {
            throw new IllegalArgumentException("no KmsKeyId is given and the gateway has no default capture key "
                    + "(mlgate.capture.kms-key-id): mlgate encrypts every capture file.");
        }
        return defaultKeyId;
    }

    /** The execution role of a variant's records, or null if the policy does not know the variant. */
    public String executionRoleOf(String variantName) {
        return executionRoles.get(variantName);
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
