package io.mlgate.iam.admin;

import java.util.Objects;

import io.mlgate.iam.config.ManagedPolicy;

/**
 * A customer managed policy as CreatePolicy and GetPolicy show it: the policy, and how many users, groups and roles
 * attach it and how many users and roles use it as their permissions boundary.
 */
public record PolicyDetails(ManagedPolicy policy, int attachmentCount, int permissionsBoundaryUsageCount) {

    public PolicyDetails {
        Objects.requireNonNull(policy, "policy");
    }
}
