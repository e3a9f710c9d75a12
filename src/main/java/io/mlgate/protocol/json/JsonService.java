package io.mlgate.protocol.json;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One AWS service spoken in JSON 1.1. The gateway routes a request whose {@code X-Amz-Target} is
 * {@code api().targetPrefix() + operation} here, checks the SigV4 scope against {@code api().signingName()}, parses
 * the body strictly (one JSON object, no duplicate keys), asks {@link #target} what the call acts on, authorizes it
 * (unless {@link #authorizesInternally}), and then calls {@link #invoke}. Implementations are plain Java; invoke
 * may block (file writes), so the gateway never calls it on an event-loop thread.
 */
public interface JsonService {

    JsonApi api();

    /** The operations served (the part of X-Amz-Target after the prefix). */
    Set<String> operations();

    /** The largest request body accepted, in bytes. */
    default int maxBodyBytes() {
        return 1024 * 1024;
    }

    /**
     * What the call acts on, for authorization and audit; validates the members the target depends on.
     *
     * @param accountId the account of the caller
     */
    JsonTarget target(String operation, JsonNode body, String accountId, PrincipalContext caller)
            throws JsonServiceException;

    /**
     * The service-specific condition keys of a call (e.g. {@code application-autoscaling:service-namespace}), added
     * to the request context the gateway evaluates the {@link #target} with; called after {@code target} accepted
     * the body. None by default.
     */
    default Map<String, List<String>> conditionKeys(String operation, JsonNode body) {
        return Map.of();
    }

    /**
     * True for operations whose whole IAM decision the service makes itself in {@code invoke} (KMS: the key policy,
     * grants and IAM together); the gateway then does not evaluate the target.
     */
    default boolean authorizesInternally(String operation) {
        return false;
    }

    /**
     * Performs an authorized call and returns the response body (a JSON object; an empty object for operations with
     * no output).
     *
     * @param context the request's condition keys as the gateway built them (aws:SourceIp, times, session keys)
     */
    JsonNode invoke(String operation, JsonNode body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException;
}
