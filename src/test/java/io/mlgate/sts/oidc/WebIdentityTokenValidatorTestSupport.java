package io.mlgate.sts.oidc;

import java.nio.file.Path;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;

/** Lets tests outside this package write the test provider and sign tokens with its key. */
public final class WebIdentityTokenValidatorTestSupport {

    private WebIdentityTokenValidatorTestSupport() {
    }

    public static void writeProvider(Path policies, String account) throws Exception {
        if (WebIdentityTokenValidatorTest.rsa == null) {
            WebIdentityTokenValidatorTest.keys();
        }
        WebIdentityTokenValidatorTest.writeProvider(policies, account);
    }

    /** An RS256 token from the test provider. */
    public static String token(JWTClaimsSet claims) throws Exception {
        return WebIdentityTokenValidatorTest.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                claims, new RSASSASigner(WebIdentityTokenValidatorTest.rsa));
    }

    public static JWTClaimsSet.Builder claims(java.time.Instant now) {
        return new JWTClaimsSet.Builder().issuer(WebIdentityTokenValidatorTest.ISSUER).subject("repo:x")
                .audience("gateway").issueTime(java.util.Date.from(now.minusSeconds(10)))
                .expirationTime(java.util.Date.from(now.plusSeconds(300)));
    }
}
