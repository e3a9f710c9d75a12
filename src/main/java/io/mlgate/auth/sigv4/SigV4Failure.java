package io.mlgate.auth.sigv4;

/** Why a SigV4 verification failed; the gateway maps each kind to the protocol's error code and status. */
public enum SigV4Failure {
    /** Neither an Authorization header nor presigned query parameters were sent. */
    MISSING_AUTHENTICATION,
    /** The authentication data is malformed, incomplete or leaves security-relevant headers unsigned. */
    INCOMPLETE_SIGNATURE,
    /** No secret is known for the access key id. */
    UNKNOWN_ACCESS_KEY,
    /** The signature does not match the one computed from the request. */
    SIGNATURE_MISMATCH,
    /** The request time is outside the allowed clock skew (too old or in the future). */
    REQUEST_EXPIRED_SKEW,
    /** A presigned URL is past its X-Amz-Expires lifetime. */
    PRESIGNED_URL_EXPIRED,
    /** The credential scope names a different service than the one the request was routed to. */
    WRONG_SERVICE,
    /** The credential scope names a region this gateway does not serve. */
    WRONG_REGION,
    /** The x-amz-content-sha256 header does not match the hash of the body actually received. */
    CONTENT_SHA256_MISMATCH,
    /** The session token is valid but its session has expired. */
    EXPIRED_TOKEN,
    /** The payload signing mode (UNSIGNED-PAYLOAD, STREAMING-*) is not accepted. */
    UNSUPPORTED_PAYLOAD
}
