package io.mlgate.iam.config;

import java.util.Objects;

/** An account of the gateway: a 12-digit id, an alias (as for the AWS sign-in URL) and a display name. */
public record Account(String id, String alias, String name) {

    public Account {
        Objects.requireNonNull(id, "id");
    }
}
