package io.mlgate.protocol.json;

/**
 * Who a JSON 1.1 API is on the wire: its SigV4 signing name (also the IAM action prefix), the {@code X-Amz-Target}
 * prefix that selects it, and its CloudTrail event source.
 */
public record JsonApi(String signingName, String targetPrefix, String eventSource) {

    /** AWS KMS ({@code TrentService.<Operation>}). */
    public static final JsonApi KMS = new JsonApi("kms", "TrentService.", "kms.amazonaws.com");

    /** The SageMaker control plane ({@code SageMaker.<Operation>}). */
    public static final JsonApi SAGEMAKER = new JsonApi("sagemaker", "SageMaker.", "sagemaker.amazonaws.com");

    /** Application Auto Scaling ({@code AnyScaleFrontendService.<Operation>}). */
    public static final JsonApi APPLICATION_AUTOSCALING = new JsonApi("application-autoscaling",
            "AnyScaleFrontendService.", "application-autoscaling.amazonaws.com");

    /** AWS CloudTrail. */
    public static final JsonApi CLOUDTRAIL = new JsonApi("cloudtrail",
            "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.", "cloudtrail.amazonaws.com");

    /**
     * mlgate's own audit-trail operations that CloudTrail has no API for ({@code MlgateAudit_20261126.<Operation>}),
     * signed for {@code cloudtrail} so the same credentials scope works; IAM actions are {@code mlgate:*}.
     */
    public static final JsonApi MLGATE_AUDIT = new JsonApi("cloudtrail", "MlgateAudit_20261126.",
            "cloudtrail.amazonaws.com");

    /**
     * The web console's own operations ({@code MlgateConsole_20261127.<Operation>}, docs/console.md), signed for
     * {@code mlgate}; IAM actions are {@code mlgate:<Operation>}.
     */
    public static final JsonApi MLGATE_CONSOLE = new JsonApi("mlgate", "MlgateConsole_20261127.",
            "mlgate.amazonaws.com");
}
