package io.mlgate.sts.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.mlgate.sts.oidc.OidcProviders;
import io.mlgate.sts.oidc.WebIdentity;
import io.mlgate.sts.oidc.WebIdentityTokenValidator;

/**
 * Web-identity (OIDC ID token) validation latency with the provider's JWKS already in memory (target: at most
 * 100 µs): an RS256 token signed by a 2048-bit RSA key and an ES256 token (P-256) for comparison, both checked by
 * {@link WebIdentityTokenValidator#validate} for the full rule set (header, kid lookup, signature, iss, aud, exp,
 * nbf, iat, age, sub). Run: {@code bench/jmh.sh WebIdentityBenchmark}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class WebIdentityBenchmark {

    private static final String ISSUER = "https://token.bench.example";
    private static final String ACCOUNT = "123456789012";

    private WebIdentityTokenValidator validator;
    private String rs256Token;
    private String es256Token;

    @Setup
    public void setUp() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-2048").keyUse(KeyUse.SIGNATURE).generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-p256").keyUse(KeyUse.SIGNATURE).generate();
        JWKSet publicKeys = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()));

        // a provider file with an inline JWKS: the keys are in memory, as after a JWKS URL fetch has been cached
        Path policies = Files.createTempDirectory("oidc-bench");
        Path dir = Files.createDirectories(policies.resolve(OidcProviders.DIRECTORY));
        Files.writeString(dir.resolve("bench.json"), "{\"Url\":\"" + ISSUER + "\",\"Accounts\":[\"" + ACCOUNT
                + "\"],\"ClientIDList\":[\"sts.amazonaws.com\"],\"Jwks\":" + publicKeys.toString(true) + "}");
        OidcProviders providers = OidcProviders.load(policies);
        validator = new WebIdentityTokenValidator(() -> providers, Clock.systemUTC());

        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject("repo:example/model-service:ref:refs/heads/main")
                .audience("sts.amazonaws.com")
                .issueTime(Date.from(now.minusSeconds(10)))
                .notBeforeTime(Date.from(now.minusSeconds(10)))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .claim("amr", List.of("pwd", "mfa"))
                .build();
        SignedJWT rs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-2048").build(), claims);
        rs.sign(new RSASSASigner(rsa));
        rs256Token = rs.serialize();
        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-p256").build(), claims);
        es.sign(new ECDSASigner(ec));
        es256Token = es.serialize();
        // fail at setup, not in the measurement, if either token is refused
        validator.validate(rs256Token, ACCOUNT);
        validator.validate(es256Token, ACCOUNT);
    }

    @Benchmark
    public WebIdentity rs256() throws Exception {
        return validator.validate(rs256Token, ACCOUNT);
    }

    @Benchmark
    public WebIdentity es256() throws Exception {
        return validator.validate(es256Token, ACCOUNT);
    }
}
