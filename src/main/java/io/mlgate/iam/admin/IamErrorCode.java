package io.mlgate.iam.admin;

/** The IAM API errors the administration core reports, with the wire code and HTTP status of the IAM service model. */
public enum IamErrorCode {
    /** The input breaks a constraint of the operation's model (length, pattern, range, required). */
    VALIDATION_ERROR("ValidationError", 400),
    INVALID_INPUT("InvalidInput", 400),
    MALFORMED_POLICY_DOCUMENT("MalformedPolicyDocument", 400),
    NO_SUCH_ENTITY("NoSuchEntity", 404),
    ENTITY_ALREADY_EXISTS("EntityAlreadyExists", 409),
    DELETE_CONFLICT("DeleteConflict", 409),
    LIMIT_EXCEEDED("LimitExceeded", 409),
    CONCURRENT_MODIFICATION("ConcurrentModification", 409),
    SERVICE_FAILURE("ServiceFailure", 500);

    private final String wireCode;
    private final int httpStatus;

    IamErrorCode(String wireCode, int httpStatus) {
        this.wireCode = wireCode;
        this.httpStatus = httpStatus;
    }

    /** The error code on the wire, e.g. {@code NoSuchEntity}. */
    public String wireCode() {
        return wireCode;
    }

    /** The HTTP status the IAM service model gives this error. */
    public int httpStatus() {
        return httpStatus;
    }
}
