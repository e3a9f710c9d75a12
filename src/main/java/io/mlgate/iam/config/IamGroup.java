package io.mlgate.iam.config;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.policy.PolicyDocument;

/**
 * An IAM group from policies/groups/: its attached managed policy ARNs and inline policies apply to its members.
 * {@code createDate} is the file's {@code CreateDate}, or the file's modification time when it records none.
 */
public record IamGroup(String accountId, String name, String path, String arn, String groupId,
        List<String> attachedPolicyArns, Map<String, PolicyDocument> inlinePolicies, Instant createDate,
        SourcePosition definedAt) {

    public IamGroup {
        attachedPolicyArns = List.copyOf(attachedPolicyArns);
        inlinePolicies = Collections.unmodifiableMap(new LinkedHashMap<>(inlinePolicies));
    }
}
