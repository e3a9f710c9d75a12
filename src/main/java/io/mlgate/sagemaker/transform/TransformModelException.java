package io.mlgate.sagemaker.transform;

/** The job's model cannot be served; the message is the job's FailureReason (no secrets, no stack trace). */
public final class TransformModelException extends Exception {

    public TransformModelException(String failureReason) {
        super(failureReason, null, false, false);
    }
}
