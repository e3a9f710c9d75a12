package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Exception;

/**
 * An error as the client sees it: wire code, HTTP status and a message that is safe to show (no secrets, no stack
 * traces). {@link #forProtocol} picks the code each protocol uses for the same failure.
 */
public record AwsError(int status, String code, String message) {

    public static AwsError accessDenied(AwsProtocol protocol, String message) {
        return new AwsError(403, protocol == AwsProtocol.QUERY ? "AccessDenied" : "AccessDeniedException", message);
    }

    public static AwsError validation(AwsProtocol protocol, String message) {
        return new AwsError(400, switch (protocol) {
            case REST_JSON -> "ValidationError";
            case JSON_1_1 -> "ValidationException";
            case QUERY -> "ValidationError";
        }, message);
    }

    public static AwsError unknownOperation(String message) {
        return new AwsError(404, "UnknownOperationException", message);
    }

    public static AwsError internal(AwsProtocol protocol) {
        return new AwsError(500, protocol == AwsProtocol.JSON_1_1 ? "InternalFailure" : "InternalFailure",
                "We encountered an internal error. Please try again.");
    }

    public static AwsError serviceUnavailable(String message) {
        return new AwsError(503, "ServiceUnavailable", message);
    }

    /** Maps a SigV4 verification failure to the code and status the protocol's clients expect. */
    public static AwsError forProtocol(AwsProtocol protocol, SigV4Exception failure) {
        boolean query = protocol == AwsProtocol.QUERY;
        String message = failure.getMessage();
        return switch (failure.failure()) {
            case MISSING_AUTHENTICATION -> new AwsError(403,
                    query ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException",
                    "Missing Authentication Token");
            case INCOMPLETE_SIGNATURE, UNSUPPORTED_PAYLOAD -> new AwsError(400,
                    query ? "IncompleteSignature" : "IncompleteSignatureException", message);
            case UNKNOWN_ACCESS_KEY -> new AwsError(403,
                    query ? "InvalidClientTokenId" : "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
            case SIGNATURE_MISMATCH -> new AwsError(403,
                    query ? "SignatureDoesNotMatch" : "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you provided. "
                            + "Check your AWS Secret Access Key and signing method. "
                            + "Consult the service documentation for details.");
            case REQUEST_EXPIRED_SKEW, WRONG_SERVICE, WRONG_REGION -> new AwsError(403,
                    query ? "SignatureDoesNotMatch" : "InvalidSignatureException", message);
            case EXPIRED_TOKEN -> new AwsError(400, query ? "ExpiredToken" : "ExpiredTokenException",
                    "The security token included in the request is expired");
            case PRESIGNED_URL_EXPIRED -> new AwsError(403, "RequestExpired", message);
            case CONTENT_SHA256_MISMATCH -> new AwsError(400, "XAmzContentSHA256Mismatch",
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        };
    }
}
