package io.mlgate.sts.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * An OpenID Connect provider trusted for AssumeRoleWithWebIdentity, as declared in
 * {@code policies/oidc-providers/*.json}: issuer URL, the accounts it is registered in, accepted client ids
 * (audiences), where its signing keys come from (inline or file JWKS, or an HTTPS JWKS URL), optional TLS thumbprints
 * and token age/skew limits.
 */
public final class OidcProvider {

    private final String issuer;
    private final String keyPrefix;
    private final Set<String> accounts;
    private final List<String> clientIds;
    private final JWKSet staticKeys;
    private final URI jwksUri;
    private final List<String> thumbprints;
    private final Duration maxTokenAge;
    private final Duration clockSkew;

    OidcProvider(String issuer, Set<String> accounts, List<String> clientIds, JWKSet staticKeys, URI jwksUri,
                 List<String> thumbprints, Duration maxTokenAge, Duration clockSkew) {
        this.issuer = Objects.requireNonNull(issuer);
        this.keyPrefix = prefixOf(issuer);
        this.accounts = Set.copyOf(accounts);
        this.clientIds = List.copyOf(clientIds);
        this.staticKeys = staticKeys;
        this.jwksUri = jwksUri;
        this.thumbprints = List.copyOf(thumbprints);
        this.maxTokenAge = maxTokenAge;
        this.clockSkew = clockSkew;
        if ((staticKeys == null) == (jwksUri == null)) {
            throw new IllegalArgumentException("a provider needs exactly one key source");
        }
    }

    /** The issuer without {@code https://} and trailing slash: the condition-key prefix and provider ARN suffix. */
    static String prefixOf(String issuer) {
        String s = issuer.startsWith("https://") ? issuer.substring(8) : issuer;
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** The {@code iss} value tokens must carry, exactly. */
    public String issuer() {
        return issuer;
    }

    /** E.g. {@code token.actions.githubusercontent.com}. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** Accounts in which the provider is registered (its ARN exists there). */
    public Set<String> accounts() {
        return accounts;
    }

    public List<String> clientIds() {
        return clientIds;
    }

    JWKSet staticKeys() {
        return staticKeys;
    }

    URI jwksUri() {
        return jwksUri;
    }

    public List<String> thumbprints() {
        return thumbprints;
    }

    public Duration maxTokenAge() {
        return maxTokenAge;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    @Override
    public String toString() {
        return "OidcProvider[" + issuer + "]";
    }
}
