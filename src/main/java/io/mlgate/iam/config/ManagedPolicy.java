package io.mlgate.iam.config;

import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.policy.PolicyDocument;

/** A customer managed policy from policies/managed-policies/, addressed by {@code arn:aws:iam::<acct>:policy/<path><name>}. */
public record ManagedPolicy(String accountId, String name, String path, String arn, String policyId, String description,
        PolicyDocument document, SourcePosition definedAt) {
}
