package io.mlgate.gateway;

import java.util.Map;

/**
 * One decoded AWS API call: which protocol and operation, the IAM action and resource it asks for, and the
 * audit-safe request parameters. Built from signed data only (path, {@code X-Amz-Target}, form {@code Action}).
 *
 * @param protocol           wire protocol (decides the error shape)
 * @param signingService     the SigV4 credential-scope service the call must be signed for
 * @param eventSource        CloudTrail eventSource
 * @param operation          API operation name (CloudTrail eventName)
 * @param action             IAM action, e.g. {@code sagemaker:InvokeEndpoint}
 * @param resourceArn        the resource the action is on
 * @param resourceType       CloudTrail resource type, e.g. {@code AWS::SageMaker::Endpoint}
 * @param accountId          the account that owns the resource
 * @param readOnly           CloudTrail readOnly
 * @param dataEvent          true for data-plane calls (eventCategory Data)
 * @param maxBodyBytes       the largest request body accepted for this operation
 * @param requestParameters  what the audit record shows of the request (never the body)
 * @param validationError    non-null when the request is well-routed but its input is invalid
 */
public record ApiCall(
        AwsProtocol protocol,
        String signingService,
        String eventSource,
        String operation,
        String action,
        String resourceArn,
        String resourceType,
        String accountId,
        boolean readOnly,
        boolean dataEvent,
        int maxBodyBytes,
        Map<String, Object> requestParameters,
        String validationError) {

    /** Operation name of a query-protocol call whose body has not been read yet. */
    public static final String PENDING_QUERY = "PendingQueryCall";

    /**
     * A query-protocol call ({@code POST /} with a form body, or {@code GET /?Action=}) before its parameters are
     * read: the operation, service, action and resource are not known yet.
     */
    public static ApiCall pendingQuery(String accountId, int maxBodyBytes) {
        return new ApiCall(AwsProtocol.QUERY, null, "gateway.mlgate", PENDING_QUERY, null, null, null, accountId,
                true, false, maxBodyBytes, Map.of(), null);
    }

    public boolean isPendingQuery() {
        return protocol == AwsProtocol.QUERY && PENDING_QUERY.equals(operation);
    }

    /**
     * A JSON 1.1 call routed by its (signed) {@code X-Amz-Target}: service and operation are known, the resource is
     * not until the body is read.
     */
    public static ApiCall pendingJson(String signingService, String eventSource, String operation, String accountId,
                                      int maxBodyBytes) {
        return new ApiCall(AwsProtocol.JSON_1_1, signingService, eventSource, operation,
                signingService + ":" + operation, null, null, accountId, true, false, maxBodyBytes, Map.of(), null);
    }

    /** The name in the path of an InvokeEndpoint call, or null for other operations. */
    public String endpointName() {
        Object name = requestParameters.get("endpointName");
        return name instanceof String s ? s : null;
    }
}
