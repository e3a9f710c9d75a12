package io.mlgate.runtime;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.policy.IdentityPolicy;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IAM role an endpoint's runtime acts as (SageMaker's execution role): the principal of a session
 * {@value #SESSION_NAME} of that role, built from the current IAM configuration the way STS builds role sessions
 * (role tags, inline and attached policies, permissions boundary), without issuing any credentials.
 */
public final class ExecutionRole {

    /** The session name in the principal's ARN: {@code arn:aws:sts::ACCT:assumed-role/ROLE/mlgate-runtime}. */
    public static final String SESSION_NAME = "mlgate-runtime";
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:aws:iam::([0-9]{12}):role/(?:[\\x21-\\x7E]*/)?([\\w+=,.@-]{1,64})");

    private final String roleArn;
    private final String accountId;
    private final String roleName;
    private final Supplier<IamConfiguration> configuration;

    /**
     * @param roleArn       {@code arn:aws:iam::ACCT:role[/path/]NAME}
     * @param configuration the current IAM configuration, read on every {@link #principal()} (hot reloads apply)
     */
    public ExecutionRole(String roleArn, Supplier<IamConfiguration> configuration) {
        Matcher m = ROLE_ARN.matcher(Objects.requireNonNull(roleArn, "roleArn"));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a role ARN: " + roleArn);
        }
        this.roleArn = roleArn;
        this.accountId = m.group(1);
        this.roleName = m.group(2);
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    public String roleArn() {
        return roleArn;
    }

    /** The ARN calls made as this role show. */
    public String sessionArn() {
        return "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + SESSION_NAME;
    }

    /**
     * The role session's principal under the current configuration. A role that no longer exists yields a principal
     * without identity policies (every request implicitly denied), as for a session of a deleted role in AWS.
     */
    public PrincipalContext principal() {
        IamConfiguration config = configuration.get();
        Optional<IamRole> role = config.role(roleArn);
        PrincipalContext.Builder b = PrincipalContext.builder(sessionArn(), accountId, PrincipalType.ASSUMED_ROLE)
                .roleArn(roleArn)
                .userId(role.map(IamRole::roleId).orElse("AROA-UNKNOWN") + ":" + SESSION_NAME);
        role.ifPresent(r -> {
            b.tags(r.tags());
            b.identityPolicies(config.identityPoliciesOf(r));
            r.permissionsBoundaryArn().flatMap(config::managedPolicy).ifPresent(p ->
                    b.permissionsBoundary(IdentityPolicy.managed(p.name(), p.arn(), r.arn(), p.document())));
        });
        config.applyOrganization(b, accountId);
        return b.build();
    }

    @Override
    public String toString() {
        return "ExecutionRole[" + roleArn + "]";
    }
}
