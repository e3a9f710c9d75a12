package io.mlgate.gateway;

import io.mlgate.runtime.capture.CaptureWriter;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * Settings of SageMaker data capture ({@code mlgate.capture.*}).
 *
 * @param kmsKeyId    the KMS key of endpoints whose DataCaptureConfig has no KmsKeyId (default
 *                    {@value #DEFAULT_KEY_ALIAS}, created by the gateway as the account root when absent; any other
 *                    key must exist; empty: no default, every capture configuration must name its key)
 * @param maxFileSize a capture file is closed when the next record would take it past this size (default 64MB)
 * @param maxFileAge  a capture file is closed once it is this old (default 1h; files are also closed at the end
 *                    of their hour)
 */
@ConfigurationProperties("mlgate.capture")
public record CaptureProperties(String kmsKeyId, DataSize maxFileSize, Duration maxFileAge) {

    /** The default capture key's alias. */
    public static final String DEFAULT_KEY_ALIAS = "alias/mlgate/capture";

    public CaptureProperties {
        CaptureWriter.Rolling d = CaptureWriter.Rolling.defaults();
        kmsKeyId = kmsKeyId == null ? DEFAULT_KEY_ALIAS : kmsKeyId.strip();
        maxFileSize = maxFileSize == null ? DataSize.ofBytes(d.maxFileBytes()) : maxFileSize;
        maxFileAge = maxFileAge == null ? d.maxFileAge() : maxFileAge;
    }

    CaptureWriter.Rolling rolling() {
        return new CaptureWriter.Rolling(maxFileSize.toBytes(), maxFileAge);
    }
}
