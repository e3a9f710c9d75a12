package io.mlgate.gateway;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.sts.SessionClaims;

/**
 * An authenticated caller: the access key that signed the request, the IAM principal it belongs to, and for
 * temporary credentials the session they were issued for.
 *
 * @param accessKeyId the key id from the verified signature
 * @param principal   the IAM principal with its effective identity policies and tags
 * @param session     the claims of the session token, or null for a long-term access key
 */
public record Caller(String accessKeyId, PrincipalContext principal, SessionClaims session) {

    public Caller(String accessKeyId, PrincipalContext principal) {
        this(accessKeyId, principal, null);
    }
}
