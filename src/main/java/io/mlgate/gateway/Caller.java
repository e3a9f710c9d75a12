package io.mlgate.gateway;

import io.mlgate.iam.eval.PrincipalContext;

/**
 * An authenticated caller: the access key that signed the request and the IAM principal it belongs to.
 *
 * @param accessKeyId the key id from the verified signature
 * @param principal   the IAM principal with its effective identity policies and tags
 */
public record Caller(String accessKeyId, PrincipalContext principal) {}
