package io.mlgate.gateway;

import org.springframework.security.authentication.AbstractAuthenticationToken;

import java.util.List;

/** Spring Security's view of a SigV4-authenticated {@link Caller}; IAM policies, not authorities, decide access. */
public final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    public CallerAuthentication(Caller caller) {
        super(List.of());
        this.caller = caller;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.principal().arn();
    }
}
