package io.mlgate.cluster.gateway;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The principal a runtime node acts as when it asks for a model's data key: a session {@code mlgate-node-NAME} of the
 * variant's execution role, {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/mlgate-node-NAME}. It carries no IAM policy
 * and no role ARN (so grants and key policies naming the role do not apply to it): only the grant the gateway
 * created for that node, as the execution role, when it placed the variant there lets its Decrypt through.
 */
public final class NodePrincipals {

    /** The session name prefix. */
    public static final String SESSION_PREFIX = "mlgate-node-";

    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws:iam::([0-9]{12}):role/(?:[\\x21-\\x7E]*/)?([\\w+=,.@-]{1,64})");

    private NodePrincipals() {
    }

    /**
     * @throws IllegalArgumentException if {@code roleArn} is not a role ARN
     */
    public static String arn(String roleArn, String node) {
        Matcher m = match(roleArn);
        return "arn:aws:sts::" + m.group(1) + ":assumed-role/" + m.group(2) + "/" + SESSION_PREFIX + node;
    }

    /** The node's principal for calls into the gateway's KMS: no identity policies. */
    public static PrincipalContext principal(String roleArn, String node) {
        Matcher m = match(roleArn);
        return PrincipalContext.builder(arn(roleArn, node), m.group(1), PrincipalType.ASSUMED_ROLE)
                .userId("AROA-NODE:" + SESSION_PREFIX + node).build();
    }

    private static Matcher match(String roleArn) {
        Matcher m = ROLE_ARN.matcher(Objects.requireNonNull(roleArn, "roleArn"));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a role ARN");
        }
        return m;
    }
}
