package io.mlgate.protocol.query;

import java.util.Map;

/**
 * What one query-protocol call asks for, worked out from its parameters before it is authorized: the IAM action,
 * the resource it acts on (ARN, or {@code *} for actions without a resource), the CloudTrail resource type and
 * readOnly flag, and the request parameters the audit record may show (never secrets).
 */
public record QueryTarget(String action, String resourceArn, String resourceType, boolean readOnly,
                          Map<String, Object> requestParameters) {

    public QueryTarget {
        requestParameters = requestParameters == null ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(requestParameters));
    }
}
