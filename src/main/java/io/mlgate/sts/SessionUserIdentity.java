package io.mlgate.sts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CloudTrail {@code userIdentity} of a request made with session credentials (shared/reference/cloudtrail.md §2):
 * {@code AssumedRole} with {@code sessionContext.sessionIssuer} the role, {@code FederatedUser} with the IAM user
 * (or root) as issuer, or the {@code IAMUser}/{@code Root} behind a GetSessionToken session; always with
 * {@code sessionContext.attributes{creationDate, mfaAuthenticated}} and, for web identity, {@code webIdFederationData}.
 * Holds no secret: the access key id is the only credential named.
 */
public final class SessionUserIdentity {

    private SessionUserIdentity() {
    }

    /** The userIdentity object for requests made with the session, as JSON-ready maps and strings. */
    public static Map<String, Object> of(SessionClaims c, String userIdOfUser) {
        Map<String, Object> id = new LinkedHashMap<>();
        Map<String, Object> issuer = new LinkedHashMap<>();
        switch (c.kind()) {
            case ASSUMED_ROLE, WEB_IDENTITY -> {
                String roleArn = c.roleArn().orElseThrow();
                id.put("type", "AssumedRole");
                id.put("principalId", c.roleId().orElseThrow() + ":" + c.sessionName().orElseThrow());
                issuer.put("type", "Role");
                issuer.put("principalId", c.roleId().orElseThrow());
                issuer.put("arn", roleArn);
                issuer.put("accountId", c.accountId());
                issuer.put("userName", roleArn.substring(roleArn.lastIndexOf('/') + 1));
            }
            case FEDERATED_USER -> {
                String user = c.sourceArn().orElseThrow();
                boolean root = user.endsWith(":root");
                id.put("type", "FederatedUser");
                id.put("principalId", c.accountId() + ":" + c.sessionName().orElseThrow());
                issuer.put("type", root ? "Root" : "IAMUser");
                issuer.put("principalId", root ? c.accountId() : userIdOfUser);
                issuer.put("arn", user);
                issuer.put("accountId", c.accountId());
                if (!root) {
                    issuer.put("userName", user.substring(user.lastIndexOf('/') + 1));
                }
            }
            case USER_SESSION -> {
                boolean root = c.principalArn().endsWith(":root");
                id.put("type", root ? "Root" : "IAMUser");
                id.put("principalId", root ? c.accountId() : userIdOfUser);
                if (!root) {
                    id.put("userName", c.principalArn().substring(c.principalArn().lastIndexOf('/') + 1));
                }
            }
        }
        id.put("arn", c.principalArn());
        id.put("accountId", c.accountId());
        id.put("accessKeyId", c.accessKeyId());
        Map<String, Object> session = new LinkedHashMap<>();
        if (!issuer.isEmpty()) {
            session.put("sessionIssuer", issuer);
        }
        if (c.kind().isRoleSession()) {
            Map<String, Object> web = new LinkedHashMap<>();
            c.webIdentityProviderArn().ifPresent(p -> {
                web.put("federatedProvider", c.webIdentityProvider().orElseThrow());
                web.put("attributes", Map.of());
            });
            session.put("webIdFederationData", web);
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("creationDate", c.issuedAt().toString());
        attributes.put("mfaAuthenticated", Boolean.toString(c.mfaPresent()));
        session.put("attributes", attributes);
        c.sourceIdentity().ifPresent(s -> session.put("sourceIdentity", s));
        id.put("sessionContext", session);
        return id;
    }
}
