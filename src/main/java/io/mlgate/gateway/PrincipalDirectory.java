package io.mlgate.gateway;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.eval.PrincipalContext;

import java.util.HashMap;
import java.util.Map;

/**
 * The IAM principals callers can authenticate as, resolved once per configuration load so that authentication does
 * a single map lookup per request (principal with tags and effective identity policies already attached).
 */
public final class PrincipalDirectory {

    private volatile Map<String, PrincipalContext> byArn;
    private volatile IamConfiguration configuration;

    public PrincipalDirectory(IamConfiguration configuration) {
        use(configuration);
    }

    /** Switches to a new, fully validated configuration in one step. */
    public void use(IamConfiguration configuration) {
        Map<String, PrincipalContext> principals = new HashMap<>();
        for (IamUser user : configuration.users()) {
            configuration.principalForUser(user.arn()).ifPresent(p -> principals.put(user.arn(), p));
        }
        this.byArn = Map.copyOf(principals);
        this.configuration = configuration;
    }

    /** The principal of a user ARN, or null when the configuration has no such user. */
    public PrincipalContext find(String userArn) {
        return userArn == null ? null : byArn.get(userArn);
    }

    public IamConfiguration configuration() {
        return configuration;
    }
}
