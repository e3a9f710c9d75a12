package io.mlgate.iam.admin;

import java.util.Objects;

/**
 * An IAM management call was refused or failed: the IAM error (code and status) and a message safe to show to the
 * caller. Messages name entities and configuration problems, never secrets or request bodies.
 */
public final class IamAdminException extends Exception {

    private static final long serialVersionUID = 1L;

    private final IamErrorCode error;

    public IamAdminException(IamErrorCode error, String message) {
        super(message, null, false, false);
        this.error = Objects.requireNonNull(error, "error");
    }

    public IamErrorCode error() {
        return error;
    }
}
