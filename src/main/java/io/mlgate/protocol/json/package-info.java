/**
 * The AWS JSON 1.1 protocol (KMS, the SageMaker control plane, CloudTrail) without HTTP: operations selected by
 * {@code X-Amz-Target}, JSON bodies parsed strictly, the service interface the gateway routes JSON calls to, and the
 * {@code {"__type","message"}} error. See shared/reference/aws-wire-protocols.md §2.2–2.4 and §3.
 */
package io.mlgate.protocol.json;
