package io.mlgate.sts.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.mlgate.sts.MutableClock;

class WebIdentityTokenValidatorTest {

    static final String ISSUER = "https://idp.example.com";
    static final String ACCOUNT = "123456789012";
    static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    static RSAKey rsa;
    static RSAKey attacker;
    static ECKey ec;

    @TempDir
    Path policies;
    MutableClock clock = new MutableClock(NOW);
    WebIdentityTokenValidator validator;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        attacker = new RSAKeyGenerator(2048).keyID("k1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
    }

    /** Writes a provider file trusting {@link #rsa} and {@link #ec} (public parts only). */
    static void writeProvider(Path policies, String account) throws Exception {
        Path dir = Files.createDirectories(policies.resolve(OidcProviders.DIRECTORY));
        String jwks = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString();
        Files.writeString(dir.resolve("idp.json"), "{\"Url\":\"" + ISSUER + "\",\"Accounts\":[\"" + account + "\"],"
                + "\"ClientIDList\":[\"gateway\"],\"Jwks\":" + jwks + ",\"MaxTokenAgeSeconds\":3600}");
    }

    @BeforeEach
    void setUp() throws Exception {
        writeProvider(policies, ACCOUNT);
        OidcProviders providers = OidcProviders.load(policies);
        validator = new WebIdentityTokenValidator(() -> providers, clock);
    }

    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("repo:x").audience(List.of("other", "gateway"))
                .issueTime(Date.from(NOW.minusSeconds(10))).expirationTime(Date.from(NOW.plusSeconds(300)));
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    static String rs256(JWTClaimsSet claims) throws Exception {
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims, new RSASSASigner(rsa));
    }

    private void assertRefused(String token, String code) {
        assertThatThrownBy(() -> validator.validate(token, ACCOUNT))
                .isInstanceOfSatisfying(WebIdentityException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).doesNotContain(token);
                });
    }

    @Test
    void validRs256TokenGivesIdentityAndConditionKeys() throws Exception {
        WebIdentity id = validator.validate(rs256(claims().claim("amr", List.of("pwd")).build()), ACCOUNT);
        assertThat(id.subject()).isEqualTo("repo:x");
        assertThat(id.audience()).isEqualTo("gateway");
        assertThat(id.issuer()).isEqualTo(ISSUER);
        assertThat(id.providerArn(ACCOUNT)).isEqualTo("arn:aws:iam::123456789012:oidc-provider/idp.example.com");
        assertThat(id.conditionKeys()).containsEntry("idp.example.com:sub", List.of("repo:x"))
                .containsEntry("idp.example.com:aud", List.of("gateway"))
                .containsEntry("idp.example.com:amr", List.of("pwd"));
    }

    @Test
    void es256AndPs256AreAccepted() throws Exception {
        validator.validate(sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("e1").build(), claims().build(),
                new ECDSASigner(ec)), ACCOUNT);
        validator.validate(sign(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("k1").build(), claims().build(),
                new RSASSASigner(rsa)), ACCOUNT);
    }

    @Test
    void algNoneIsRefused() throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims().build().toString().getBytes(StandardCharsets.UTF_8)) + ".";
        assertRefused(token, "InvalidIdentityToken");
    }

    @Test
    void hs256SignedWithTheRsaPublicKeyIsRefused() throws Exception {
        byte[] publicKey = rsa.toRSAPublicKey().getEncoded();
        assertRefused(sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build(),
                new MACSigner(publicKey)), "InvalidIdentityToken");
    }

    @Test
    void unknownKidIsRefused() throws Exception {
        assertRefused(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k9").build(), claims().build(),
                new RSASSASigner(rsa)), "InvalidIdentityToken");
    }

    @Test
    void keyCarryingHeadersAreRefusedEvenWithAGoodSignature() throws Exception {
        JWSHeader jku = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1")
                .jwkURL(URI.create("https://attacker.example/jwks")).build();
        JWSHeader x5u = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1")
                .x509CertURL(URI.create("https://attacker.example/cert.pem")).build();
        JWSHeader jwk = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").jwk(attacker.toPublicJWK()).build();
        assertRefused(sign(jku, claims().build(), new RSASSASigner(attacker)), "InvalidIdentityToken");
        assertRefused(sign(x5u, claims().build(), new RSASSASigner(attacker)), "InvalidIdentityToken");
        assertRefused(sign(jwk, claims().build(), new RSASSASigner(attacker)), "InvalidIdentityToken");
        assertRefused(sign(jku, claims().build(), new RSASSASigner(rsa)), "InvalidIdentityToken");
    }

    @Test
    void signatureFromAnotherKeyWithTheSameKidIsRefused() throws Exception {
        assertRefused(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims().build(),
                new RSASSASigner(attacker)), "InvalidIdentityToken");
    }

    @Test
    void tamperedPayloadIsRefused() throws Exception {
        String token = rs256(claims().build());
        String[] parts = token.split("\\.");
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims().subject("repo:admin").build().toString().getBytes(StandardCharsets.UTF_8));
        assertRefused(parts[0] + "." + payload + "." + parts[2], "InvalidIdentityToken");
    }

    @Test
    void expiryHonoursSkew() throws Exception {
        validator.validate(rs256(claims().expirationTime(Date.from(NOW.minusSeconds(30))).build()), ACCOUNT);
        assertRefused(rs256(claims().expirationTime(Date.from(NOW.minusSeconds(120))).build()), "ExpiredTokenException");
    }

    @Test
    void notBeforeAndIssuedAtInTheFutureAreRefused() throws Exception {
        validator.validate(rs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(30))).build()), ACCOUNT);
        assertRefused(rs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(300))).build()), "InvalidIdentityToken");
        assertRefused(rs256(claims().issueTime(Date.from(NOW.plusSeconds(300))).build()), "InvalidIdentityToken");
    }

    @Test
    void tooOldTokenIsRejectedClaim() throws Exception {
        assertRefused(rs256(claims().issueTime(Date.from(NOW.minusSeconds(7200))).build()), "IDPRejectedClaim");
    }

    @Test
    void wrongIssuerAndAccountAreRefused() throws Exception {
        assertRefused(rs256(claims().issuer("https://idp.example.com/").build()), "InvalidIdentityToken");
        assertRefused(rs256(claims().issuer("https://evil.example.com").build()), "InvalidIdentityToken");
        String good = rs256(claims().build());
        assertThatThrownBy(() -> validator.validate(good, "210987654321")).isInstanceOf(WebIdentityException.class);
    }

    @Test
    void wrongAudienceIsRefused() throws Exception {
        assertRefused(rs256(claims().audience("someone-else").build()), "InvalidIdentityToken");
    }

    @Test
    void tooLargeTokenIsRefused() throws Exception {
        String token = rs256(claims().claim("pad", "x".repeat(20_000)).build());
        assertRefused(token, "InvalidIdentityToken");
    }

    @Test
    void missingSubjectIsRejected() throws Exception {
        assertRefused(rs256(claims().subject(null).build()), "IDPRejectedClaim");
    }

    @Test
    void providerFilesAreStrict(@TempDir Path other) throws Exception {
        Path dir = Files.createDirectories(other.resolve(OidcProviders.DIRECTORY));
        Files.writeString(dir.resolve("p.json"), "{\"Url\":\"" + ISSUER + "\",\"Accounts\":[\"" + ACCOUNT + "\"],"
                + "\"ClientIDList\":[\"gateway\"],\"Jwks\":" + new JWKSet(rsa).toString(false) + "}");
        assertThatThrownBy(() -> OidcProviders.load(other)).isInstanceOf(OidcConfigurationException.class)
                .hasMessageContaining("private key");
        Files.writeString(dir.resolve("p.json"), "{\"Url\":\"http://idp.example.com\",\"Accounts\":[\"" + ACCOUNT
                + "\"],\"ClientIDList\":[\"gateway\"],\"JwksUrl\":\"https://idp.example.com/jwks\"}");
        assertThatThrownBy(() -> OidcProviders.load(other)).hasMessageContaining("https://");
        Files.writeString(dir.resolve("p.json"), "{\"Url\":\"" + ISSUER + "\",\"Accounts\":[\"" + ACCOUNT + "\"],"
                + "\"ClientIDList\":[\"gateway\"],\"JwksFile\":\"idp.jwks.json\"}");
        Files.writeString(dir.resolve("idp.jwks.json"), new JWKSet(rsa.toPublicJWK()).toString());
        assertThat(OidcProviders.load(other).byIssuer(ISSUER)).isPresent();
        Files.writeString(dir.resolve("p.json"), "{\"Url\":\"" + ISSUER + "\",\"Accounts\":[\"" + ACCOUNT + "\"],"
                + "\"ClientIDList\":[\"gateway\"],\"JwksFile\":\"../../secret.json\"}");
        assertThatThrownBy(() -> OidcProviders.load(other)).isInstanceOf(OidcConfigurationException.class);
    }
}
