package io.mlgate.sagemaker.transform;

import java.util.Optional;

/**
 * SageMaker's {@code TransformJobStatus}: a job is InProgress until it is Completed or Failed; StopTransformJob moves
 * it to Stopping, and the engine to Stopped once the batch in flight is written.
 */
public enum TransformJobStatus {
    IN_PROGRESS("InProgress"), COMPLETED("Completed"), FAILED("Failed"), STOPPING("Stopping"), STOPPED("Stopped");

    private final String wireName;

    TransformJobStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Completed, Failed or Stopped: the job will not change again. */
    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == STOPPED;
    }

    public static Optional<TransformJobStatus> fromWire(String name) {
        for (TransformJobStatus s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
