package io.mlgate.sagemaker.transform;

import java.util.Objects;

/**
 * What became of one record: its output bytes, or an error code ({@code ValidationError} for a record the model
 * cannot read, {@code ModelError} for a record the model failed on) and a message that quotes no record content.
 */
public record RecordOutcome(byte[] output, String errorCode, String errorMessage) {

    public RecordOutcome {
        if ((output == null) == (errorCode == null)) {
            throw new IllegalArgumentException("an outcome is an output or an error");
        }
    }

    public static RecordOutcome ok(byte[] output) {
        return new RecordOutcome(Objects.requireNonNull(output, "output"), null, null);
    }

    public static RecordOutcome failed(String code, String message) {
        return new RecordOutcome(null, Objects.requireNonNull(code, "code"), message == null ? "" : message);
    }

    public boolean failed() {
        return errorCode != null;
    }
}
