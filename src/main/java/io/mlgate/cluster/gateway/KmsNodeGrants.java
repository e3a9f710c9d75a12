package io.mlgate.cluster.gateway;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.kms.api.KmsService;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** {@link NodeGrants} through the gateway's KMS, called as the execution role (its key policy and IAM apply). */
public final class KmsNodeGrants implements NodeGrants {

    private static final System.Logger LOG = System.getLogger(KmsNodeGrants.class.getName());

    private final KmsService kms;
    private final Function<String, PrincipalContext> roles;

    /** @param roles the principal of an execution role session by role ARN (built from the current IAM) */
    public KmsNodeGrants(KmsService kms, Function<String, PrincipalContext> roles) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.roles = Objects.requireNonNull(roles, "roles");
    }

    @Override
    public String create(String roleArn, String node, String keyId, Map<String, String> context) {
        ObjectNode body = JsonBodies.object().put("KeyId", keyId)
                .put("GranteePrincipal", NodePrincipals.arn(roleArn, node))
                .put("RetiringPrincipal", roleArn)
                .put("Name", NodePrincipals.SESSION_PREFIX + node);
        body.putArray("Operations").add("Decrypt");
        ObjectNode equals = body.putObject("Constraints").putObject("EncryptionContextEquals");
        context.forEach(equals::put);
        try {
            return kms.invoke("CreateGrant", body, roles.apply(roleArn), RequestContext.builder().build())
                    .path("GrantId").asString();
        } catch (JsonServiceException e) {
            throw new GrantException(e.code(), e.getMessage());
        }
    }

    @Override
    public void retire(String roleArn, String keyId, String grantId) {
        ObjectNode body = JsonBodies.object().put("KeyId", keyId).put("GrantId", grantId);
        try {
            kms.invoke("RetireGrant", body, roles.apply(roleArn), RequestContext.builder().build());
        } catch (JsonServiceException e) {
            if (!e.code().equals("NotFoundException")) {
                LOG.log(System.Logger.Level.WARNING, "could not retire a node's KMS grant on " + keyId + ": "
                        + e.code());
            }
        }
    }
}
