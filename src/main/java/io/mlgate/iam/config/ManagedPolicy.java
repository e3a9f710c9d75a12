package io.mlgate.iam.config;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.policy.PolicyDocument;

/**
 * A customer managed policy from policies/managed-policies/, addressed by {@code arn:aws:iam::<acct>:policy/<path><name>}.
 * {@code createDate} is the file's {@code CreateDate}, or the file's modification time when it records none.
 */
public record ManagedPolicy(String accountId, String name, String path, String arn, String policyId, String description,
        PolicyDocument document, Instant createDate, Map<String, String> tags, SourcePosition definedAt) {

    public ManagedPolicy {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }
}
