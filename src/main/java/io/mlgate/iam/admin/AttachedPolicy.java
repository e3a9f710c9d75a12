package io.mlgate.iam.admin;

/** A managed policy attached to a user, as ListAttachedUserPolicies shows it. */
public record AttachedPolicy(String policyName, String policyArn) {
}
