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
 * An IAM user from policies/users/: identity, tags, group memberships (group names in the same account), attached
 * managed policy ARNs and inline policies. Access keys live elsewhere; users are found by ARN. {@code createDate} is
 * the file's {@code CreateDate}, or the file's modification time when the file does not record one.
 */
public record IamUser(String accountId, String name, String path, String arn, String userId, Map<String, String> tags,
        List<String> groupNames, List<String> attachedPolicyArns, Map<String, PolicyDocument> inlinePolicies,
        Optional<String> permissionsBoundaryArn, Instant createDate, SourcePosition definedAt) {

    public IamUser {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        groupNames = List.copyOf(groupNames);
        attachedPolicyArns = List.copyOf(attachedPolicyArns);
        inlinePolicies = Collections.unmodifiableMap(new LinkedHashMap<>(inlinePolicies));
    }
}
