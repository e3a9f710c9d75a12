package io.mlgate.iam.admin;

import java.util.List;
import java.util.Objects;

/**
 * The input of CreatePolicy: name, policy document (JSON text), and optional path and description ({@code null}
 * when absent) and tags.
 */
public record NewPolicy(String policyName, String policyDocument, String path, String description, List<Tag> tags) {

    public NewPolicy {
        tags = List.copyOf(Objects.requireNonNullElse(tags, List.of()));
    }

    /** A policy with just a name and a document. */
    public static NewPolicy of(String policyName, String policyDocument) {
        return new NewPolicy(policyName, policyDocument, null, null, List.of());
    }
}
