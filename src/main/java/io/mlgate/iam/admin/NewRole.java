package io.mlgate.iam.admin;

import java.util.List;
import java.util.Objects;

/**
 * The input of CreateRole: name, trust policy (JSON text), and optional path, description, maximum session duration
 * in seconds, permissions boundary ARN ({@code null} for any optional member that is absent) and tags.
 */
public record NewRole(String roleName, String assumeRolePolicyDocument, String path, String description,
        Integer maxSessionDuration, String permissionsBoundaryArn, List<Tag> tags) {

    public NewRole {
        tags = List.copyOf(Objects.requireNonNullElse(tags, List.of()));
    }

    /** A role with just a name and a trust policy. */
    public static NewRole of(String roleName, String assumeRolePolicyDocument) {
        return new NewRole(roleName, assumeRolePolicyDocument, null, null, null, null, List.of());
    }
}
