package io.mlgate.iam.admin;

import java.util.List;
import java.util.Objects;

/**
 * The input of CreateUser: a name, an optional path ({@code null}: {@code /}), an optional permissions boundary
 * policy ARN ({@code null}: none) and tags (may be empty).
 */
public record NewUser(String userName, String path, String permissionsBoundaryArn, List<Tag> tags) {

    public NewUser {
        tags = List.copyOf(Objects.requireNonNullElse(tags, List.of()));
    }

    /** A user with just a name: path {@code /}, no boundary, no tags. */
    public static NewUser named(String userName) {
        return new NewUser(userName, null, null, List.of());
    }
}
