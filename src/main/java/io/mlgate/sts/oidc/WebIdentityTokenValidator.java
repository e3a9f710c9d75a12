package io.mlgate.sts.oidc;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Validates OIDC ID tokens for AssumeRoleWithWebIdentity: only RS256, ES256 and PS256; the key is looked up by
 * {@code kid} in the issuer's configured JWKS only (headers {@code jku}, {@code x5u}, {@code jwk}, {@code x5c} and
 * {@code crit} make the token invalid; they are never followed); exact {@code iss}; an {@code aud} among the
 * provider's client ids; {@code exp}, {@code nbf} and {@code iat} with bounded skew; a maximum token age; at most
 * 20000 characters. JWKS URLs are fetched over HTTPS with timeouts, no redirects and a size limit, and cached.
 */
public final class WebIdentityTokenValidator {

    /** AWS's limit on WebIdentityToken. */
    public static final int MAX_TOKEN_CHARS = 20_000;
    private static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.PS256);
    private static final int MAX_JWKS_BYTES = 256 * 1024;
    private static final Duration JWKS_TTL = Duration.ofHours(1);
    private static final Duration JWKS_REFETCH_MIN = Duration.ofMinutes(1);

    private final Supplier<OidcProviders> providers;
    private final Clock clock;
    private final HttpClient http;
    private final Map<URI, CachedJwks> jwksCache = new ConcurrentHashMap<>();

    private record CachedJwks(JWKSet keys, Instant fetchedAt) {
    }

    /** @param providers the current providers (read per call, so reloads apply) */
    public WebIdentityTokenValidator(Supplier<OidcProviders> providers, Clock clock) {
        this.providers = Objects.requireNonNull(providers, "providers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Validates a token presented for a role in {@code accountId}.
     *
     * @throws WebIdentityException with the STS error to return
     */
    public WebIdentity validate(String token, String accountId) throws WebIdentityException {
        if (token == null || token.length() < 4) {
            throw WebIdentityException.invalid("The ID token provided is not a valid JWT.");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw WebIdentityException.invalid("The ID token is larger than " + MAX_TOKEN_CHARS + " characters.");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw WebIdentityException.invalid("The ID token provided is not a valid signed JWT.");
        }
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!ALLOWED.contains(alg)) {
            throw WebIdentityException.invalid("The ID token uses an unsupported signing algorithm; "
                    + "only RS256, ES256 and PS256 are accepted.");
        }
        if (header.getJWKURL() != null || header.getX509CertURL() != null || header.getJWK() != null
                || (header.getX509CertChain() != null && !header.getX509CertChain().isEmpty())) {
            throw WebIdentityException.invalid("The ID token header names its own key (jku, x5u, jwk or x5c); "
                    + "keys come only from the provider's configured JWKS.");
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw WebIdentityException.invalid("The ID token has critical header parameters that are not supported.");
        }
        String kid = header.getKeyID();
        if (kid == null || kid.isEmpty()) {
            throw WebIdentityException.invalid("The ID token header has no key id (kid).");
        }
        String iss = claims.getIssuer();
        OidcProvider provider = providers.get().byIssuer(iss).orElse(null);
        if (provider == null || !provider.accounts().contains(accountId)) {
            throw WebIdentityException.invalid("No OpenIDConnect provider found in your account for "
                    + printable(iss) + ".");
        }
        JWK key = findKey(provider, kid, alg, false);
        if (key == null && provider.jwksUri() != null) {
            key = findKey(provider, kid, alg, true);
        }
        if (key == null) {
            throw WebIdentityException.invalid("The ID token's key id does not match a signing key of the provider.");
        }
        try {
            JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa.toRSAPublicKey())
                    : new ECDSAVerifier(((ECKey) key).toECPublicKey());
            if (!jwt.verify(verifier)) {
                throw WebIdentityException.invalid("The ID token signature is not valid.");
            }
        } catch (JOSEException | RuntimeException e) {
            throw WebIdentityException.invalid("The ID token signature could not be verified.");
        }
        Instant now = clock.instant();
        long skew = provider.clockSkew().getSeconds();
        Date exp = claims.getExpirationTime();
        Date iat = claims.getIssueTime();
        if (exp == null || iat == null) {
            throw WebIdentityException.invalid("The ID token must have exp and iat claims.");
        }
        if (now.getEpochSecond() > exp.toInstant().getEpochSecond() + skew) {
            throw WebIdentityException.expired("Token expired: current date/time " + now.getEpochSecond()
                    + " must be before the expiration date/time " + exp.toInstant().getEpochSecond());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.getEpochSecond() + skew < nbf.toInstant().getEpochSecond()) {
            throw WebIdentityException.invalid("The ID token is not valid yet (nbf is in the future).");
        }
        if (now.getEpochSecond() + skew < iat.toInstant().getEpochSecond()) {
            throw WebIdentityException.invalid("The ID token was issued in the future (iat).");
        }
        if (now.getEpochSecond() - iat.toInstant().getEpochSecond() > provider.maxTokenAge().getSeconds()) {
            throw WebIdentityException.rejected("The ID token was issued too long ago.");
        }
        List<String> aud = claims.getAudience();
        String matched = null;
        for (String a : aud) {
            if (provider.clientIds().contains(a)) {
                matched = a;
                break;
            }
        }
        if (matched == null) {
            throw WebIdentityException.invalid("Incorrect token audience.");
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isEmpty() || sub.length() > 255) {
            throw WebIdentityException.rejected("The ID token has no valid sub claim.");
        }
        String prefix = provider.keyPrefix();
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put(prefix + ":sub", List.of(sub));
        String azp = stringClaim(claims, "azp");
        if (prefix.equals("accounts.google.com") && azp != null) {
            keys.put(prefix + ":aud", List.of(azp));
            keys.put(prefix + ":oaud", List.of(matched));
        } else {
            keys.put(prefix + ":aud", List.of(matched));
        }
        List<String> amr = stringList(claims, "amr");
        if (!amr.isEmpty()) {
            keys.put(prefix + ":amr", amr);
        }
        return new WebIdentity(provider.issuer(), prefix, sub, matched, iat.toInstant(), keys);
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s ? s : null;
    }

    private static List<String> stringList(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private JWK findKey(OidcProvider provider, String kid, JWSAlgorithm alg, boolean refresh)
            throws WebIdentityException {
        JWKSet set = provider.staticKeys() != null ? provider.staticKeys() : fetched(provider.jwksUri(), refresh);
        for (JWK k : set.getKeys()) {
            if (!kid.equals(k.getKeyID()) || k.isPrivate()) {
                continue;
            }
            if (k.getKeyUse() != null && !KeyUse.SIGNATURE.equals(k.getKeyUse())) {
                continue;
            }
            if (k.getAlgorithm() != null && !k.getAlgorithm().getName().equals(alg.getName())) {
                continue;
            }
            boolean rsaAlg = alg.equals(JWSAlgorithm.RS256) || alg.equals(JWSAlgorithm.PS256);
            if (rsaAlg && k instanceof RSAKey) {
                return k;
            }
            if (alg.equals(JWSAlgorithm.ES256) && k instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
                return k;
            }
        }
        return null;
    }

    private JWKSet fetched(URI uri, boolean refresh) throws WebIdentityException {
        Instant now = clock.instant();
        CachedJwks c = jwksCache.get(uri);
        boolean fresh = c != null && now.isBefore(c.fetchedAt.plus(JWKS_TTL));
        boolean mayRefetch = c == null || !now.isBefore(c.fetchedAt.plus(JWKS_REFETCH_MIN));
        if (fresh && !(refresh && mayRefetch)) {
            return c.keys;
        }
        if (c != null && !mayRefetch) {
            return c.keys;
        }
        try {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET()
                    .header("Accept", "application/json").build();
            HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw WebIdentityException.communication("The identity provider's key set could not be fetched.");
                }
                byte[] body = in.readNBytes(MAX_JWKS_BYTES + 1);
                if (body.length > MAX_JWKS_BYTES) {
                    throw WebIdentityException.communication("The identity provider's key set is too large.");
                }
                JWKSet set = OidcProviders.publicJwks(new String(body, StandardCharsets.UTF_8), uri);
                jwksCache.put(uri, new CachedJwks(set, now));
                return set;
            }
        } catch (IOException | OidcConfigurationException e) {
            if (c != null) {
                return c.keys;
            }
            throw WebIdentityException.communication("The identity provider could not be reached.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw WebIdentityException.communication("The identity provider could not be reached.");
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 120 ? s.substring(0, 120) : s;
        StringBuilder b = new StringBuilder();
        for (char c : cut.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
