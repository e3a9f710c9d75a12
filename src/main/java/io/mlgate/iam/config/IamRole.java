package io.mlgate.iam.config;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.policy.PolicyDocument;

/**
 * An IAM role from policies/roles/: trust policy (who may assume it), tags, permissions (attached and inline) and
 * the maximum session duration in seconds (3600-43200). {@code trustPolicyJson} is the trust policy as compact JSON
 * text (as GetRole returns it); {@code createDate} is the file's {@code CreateDate}, or its modification time.
 */
public record IamRole(String accountId, String name, String path, String arn, String roleId, String description,
        PolicyDocument trustPolicy, String trustPolicyJson, int maxSessionDurationSeconds, Map<String, String> tags,
        List<String> attachedPolicyArns, Map<String, PolicyDocument> inlinePolicies,
        Optional<String> permissionsBoundaryArn, Instant createDate, SourcePosition definedAt) {

    public IamRole {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        attachedPolicyArns = List.copyOf(attachedPolicyArns);
        inlinePolicies = Collections.unmodifiableMap(new LinkedHashMap<>(inlinePolicies));
    }
}
