package io.mlgate.iam.admin;

import java.util.Objects;

/** One IAM tag (key and value) as given to CreateUser, CreateRole, CreatePolicy, TagUser and TagRole. */
public record Tag(String key, String value) {

    public Tag {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
