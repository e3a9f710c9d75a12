package io.mlgate.iam.testing;

/**
 * Facts of a test case's call that only the OPA guardrails see (the {@code call:} member of a case): the variant or
 * model the caller targets and the request body's size and type. The endpoint name comes from the resource ARN and
 * the network from the context keys (aws:SourceIp, aws:SourceVpc, aws:SourceVpce).
 *
 * @param payloadBytes the body size, or -1 when not given
 */
public record CallFacts(String targetVariant, String targetModel, long payloadBytes, String contentType) {

    public static final CallFacts NONE = new CallFacts(null, null, -1, null);
}
