package io.mlgate.gateway;

/**
 * The AWS wire protocols the gateway speaks; each has its own error shape (see docs/ARCHITECTURE.md and
 * shared/reference/aws-wire-protocols.md §3).
 */
public enum AwsProtocol {
    /** sagemaker-runtime: REST paths, raw payloads, {@code x-amzn-ErrorType} + {"message"} errors. */
    REST_JSON,
    /** SageMaker control plane, KMS, CloudTrail: {@code X-Amz-Target}, {"__type","message"} errors. */
    JSON_1_1,
    /** STS and IAM: form-encoded POST, XML {@code ErrorResponse}. */
    QUERY
}
