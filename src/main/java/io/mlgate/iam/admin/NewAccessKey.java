package io.mlgate.iam.admin;

import java.util.Objects;

import io.mlgate.credentials.IssuedAccessKey;

/**
 * The result of CreateAccessKey: the owner's user name and the issued key, whose secret is shown to the caller this
 * once. {@link #toString()} redacts the secret.
 */
public record NewAccessKey(String userName, IssuedAccessKey key) {

    public NewAccessKey {
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
        return "NewAccessKey[" + userName + ", " + key + "]";
    }
}
