package io.mlgate.sagemaker;

/**
 * How an asynchronous deployment ended: in service, or failed with a reason the endpoint reports as its
 * {@code FailureReason} (shown to the caller: no secrets, at most 1024 characters are kept).
 */
public record DeploymentOutcome(boolean inService, String failureReason) {

    public DeploymentOutcome {
        if (inService && failureReason != null) {
            throw new IllegalArgumentException("a successful deployment has no failure reason");
        }
        if (!inService && (failureReason == null || failureReason.isBlank())) {
            throw new IllegalArgumentException("a failed deployment needs a reason");
        }
        if (failureReason != null && failureReason.length() > 1024) {
            failureReason = failureReason.substring(0, 1024);
        }
    }

    public static DeploymentOutcome serving() {
        return new DeploymentOutcome(true, null);
    }

    public static DeploymentOutcome failed(String reason) {
        return new DeploymentOutcome(false, reason);
    }
}
