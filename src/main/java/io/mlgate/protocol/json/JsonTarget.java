package io.mlgate.protocol.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one JSON-protocol call asks for, worked out from its body before it is authorized: the IAM action, the
 * resource it acts on (ARN, or {@code *}), the CloudTrail resource type and readOnly flag, and the request
 * parameters the audit record may show (never plaintext, key material or secrets).
 */
public record JsonTarget(String action, String resourceArn, String resourceType, boolean readOnly,
                         Map<String, Object> requestParameters) {

    public JsonTarget {
        requestParameters = requestParameters == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(requestParameters));
    }
}
