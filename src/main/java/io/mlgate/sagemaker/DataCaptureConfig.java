package io.mlgate.sagemaker;

import java.util.List;
import java.util.Objects;

/**
 * An endpoint configuration's data capture settings, validated against SageMaker's model and kept as given:
 * whether capture is on, the sampling percentage, where captures go, the key that encrypts them, what is captured
 * (Input, Output, InputAndOutput) and which content types are treated as CSV or JSON.
 */
public record DataCaptureConfig(boolean enableCapture, int initialSamplingPercentage, String destinationS3Uri,
                                String kmsKeyId, List<String> captureModes, List<String> csvContentTypes,
                                List<String> jsonContentTypes) {

    public DataCaptureConfig {
        if (initialSamplingPercentage < 0 || initialSamplingPercentage > 100) {
            throw new IllegalArgumentException("sampling percentage must be 0..100");
        }
        Objects.requireNonNull(destinationS3Uri, "destinationS3Uri");
        captureModes = List.copyOf(captureModes);
        csvContentTypes = csvContentTypes == null ? null : List.copyOf(csvContentTypes);
        jsonContentTypes = jsonContentTypes == null ? null : List.copyOf(jsonContentTypes);
    }
}
