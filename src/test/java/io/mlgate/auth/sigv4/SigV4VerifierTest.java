package io.mlgate.auth.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One passing and one failing case for every rule of {@link SigV4Verifier}. */
class SigV4VerifierTest {

    static final String AKID = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final Instant T = Instant.parse("2026-11-26T07:41:44Z");
    static final String BODY = "{\"x\":1}";

    // ------------------------------------------------------------------------------------------ fixtures

    static SigV4Signer.Builder signerAt(Instant at) {
        return SigV4Signer.builder().credentials(AKID, SECRET.toCharArray()).region("us-east-1")
                .service("sagemaker").clock(Clock.fixed(at, ZoneOffset.UTC));
    }

    /** An InvokeEndpoint request as the Java SDK v2 would send it, before signing. */
    static SignedRequest.Builder invoke() {
        return SignedRequest.builder().method("POST").rawPath("/endpoints/my-endpoint/invocations")
                .header("Host", "127.0.0.1:18090")
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("X-Amzn-SageMaker-Custom-Attributes", "a=b")
                .body(BODY.getBytes(StandardCharsets.UTF_8));
    }

    static SignedRequest signed() {
        return signerAt(T).build().sign(invoke().build());
    }

    static SignedRequest withAuthorization(SignedRequest req, UnaryOperator<String> edit) {
        String authz = edit.apply(req.firstHeader("authorization"));
        return req.toBuilder().removeHeader("authorization").header("Authorization", authz).build();
    }

    static SecretLookup lookup() {
        return (akid, token) -> akid.equals(AKID) ? Optional.of(SigningSecret.of(SECRET.toCharArray(), "alice"))
                : Optional.empty();
    }

    static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(SigV4Policy.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build(), lookup());
    }

    static SigV4Verifier verifier() {
        return verifierAt(T);
    }

    static void assertFails(ThrowingCallable call, SigV4Failure kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SigV4Exception.class,
                e -> assertThat(e.failure()).isEqualTo(kind));
    }

    static void assertFails(ThrowingCallable call, SigV4Failure kind, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SigV4Exception.class, e -> {
            assertThat(e.failure()).isEqualTo(kind);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    // ------------------------------------------------------------------------------------------ basics

    @Test
    void signedRequestVerifiesAndReportsItsFacts() {
        VerifiedSignature v = verifier().verify(signed(), "sagemaker");
        assertThat(v.accessKeyId()).isEqualTo(AKID);
        assertThat(v.region()).isEqualTo("us-east-1");
        assertThat(v.service()).isEqualTo("sagemaker");
        assertThat(v.signingDate()).isEqualTo(LocalDate.of(2026, 11, 26));
        assertThat(v.requestTime()).isEqualTo(T);
        assertThat(v.owner(String.class)).isEqualTo("alice");
        assertThat(v.signedHeaders()).containsExactly("accept", "content-type", "host", "x-amz-date",
                "x-amzn-sagemaker-custom-attributes");
        assertThat(v.securityToken()).isEmpty();
        assertThat(v.presigned()).isFalse();
        assertThat(v.expiresAt()).isEmpty();
    }

    @Test
    void missingAuthentication() {
        SignedRequest unsigned = invoke().header("X-Amz-Date", "20261126T074144Z").build();
        assertFails(() -> verifier().verify(unsigned, "sagemaker"), SigV4Failure.MISSING_AUTHENTICATION,
                "Missing Authentication Token");
        // ordinary query parameters are not query authentication
        SignedRequest withQuery = unsigned.toBuilder().rawQuery("Action=GetCallerIdentity").build();
        assertFails(() -> verifier().verify(withQuery, "sagemaker"), SigV4Failure.MISSING_AUTHENTICATION);
        verifier().verify(signed(), "sagemaker");
    }

    @Test
    void unknownAccessKey() {
        SigV4Verifier other = new SigV4Verifier(SigV4Policy.builder().clock(Clock.fixed(T, ZoneOffset.UTC)).build(),
                (akid, token) -> Optional.empty());
        assertFails(() -> other.verify(signed(), "sagemaker"), SigV4Failure.UNKNOWN_ACCESS_KEY);
        verifier().verify(signed(), "sagemaker");
    }

    @Test
    void theSignedSessionTokenReachesTheLookupAndAnExpiredSessionFailsAsSuch() {
        SignedRequest withToken = signerAt(T).sessionToken("opaque-session-token").build().sign(invoke().build());
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
        SigV4Verifier sessions = new SigV4Verifier(SigV4Policy.builder().clock(Clock.fixed(T, ZoneOffset.UTC)).build(),
                (akid, token) -> {
                    seen.set(token);
                    return Optional.of(SigningSecret.of(SECRET.toCharArray(), "session"));
                });
        assertThat(sessions.verify(withToken, "sagemaker").securityToken()).contains("opaque-session-token");
        assertThat(seen.get()).isEqualTo("opaque-session-token");
        sessions.verify(signed(), "sagemaker");
        assertThat(seen.get()).isNull();

        SigV4Verifier expired = new SigV4Verifier(SigV4Policy.builder().clock(Clock.fixed(T, ZoneOffset.UTC)).build(),
                (akid, token) -> {
                    throw new SigV4Exception(SigV4Failure.EXPIRED_TOKEN,
                            "The security token included in the request is expired");
                });
        assertFails(() -> expired.verify(withToken, "sagemaker"), SigV4Failure.EXPIRED_TOKEN);
    }

    @Test
    void wrongSecretIsASignatureMismatch() {
        SigV4Verifier wrong = new SigV4Verifier(SigV4Policy.builder().clock(Clock.fixed(T, ZoneOffset.UTC)).build(),
                (akid, token) -> Optional.of(SigningSecret.of("not-the-secret".toCharArray(), "mallory")));
        assertFails(() -> wrong.verify(signed(), "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
        verifier().verify(signed(), "sagemaker");
    }

    @Test
    void uppercaseSignatureHexIsNotAccepted() {
        SignedRequest upper = withAuthorization(signed(), a -> a.substring(0, a.length() - 64)
                + a.substring(a.length() - 64).toUpperCase(java.util.Locale.ROOT));
        assertFails(() -> verifier().verify(upper, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
    }

    @Test
    void bodySwapWithoutContentHeaderIsASignatureMismatch() {
        SignedRequest swapped = signed().toBuilder().body("{\"x\":2}".getBytes(StandardCharsets.UTF_8)).build();
        assertFails(() -> verifier().verify(swapped, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
    }

    // ------------------------------------------------------------------------------------------ scope

    @Test
    void wrongService() {
        assertFails(() -> verifier().verify(signed(), "kms"), SigV4Failure.WRONG_SERVICE,
                "Credential should be scoped to correct service: 'kms'. ");
        assertThat(verifier().verify(signed(), "sagemaker").service()).isEqualTo("sagemaker");
    }

    @Test
    void wrongRegion() {
        Clock clock = Clock.fixed(T, ZoneOffset.UTC);
        SigV4Verifier west = new SigV4Verifier(
                SigV4Policy.builder().allowedRegions(Set.of("us-west-2")).clock(clock).build(), lookup());
        assertFails(() -> west.verify(signed(), "sagemaker"), SigV4Failure.WRONG_REGION,
                "Credential should be scoped to a valid region. ");
        SigV4Verifier east = new SigV4Verifier(
                SigV4Policy.builder().allowedRegions(Set.of("us-east-1", "eu-west-1")).clock(clock).build(), lookup());
        assertThat(east.verify(signed(), "sagemaker").region()).isEqualTo("us-east-1");
    }

    @Test
    void scopeDateMustMatchRequestDay() {
        SignedRequest req = withAuthorization(signed(), a -> a.replace("/20261126/", "/20261125/"));
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP:"
                        + " '20261125' != '20261126', from '20261126T074144Z'.");
    }

    @Test
    void terminatorMustBeAws4Request() {
        SignedRequest req = withAuthorization(signed(), a -> a.replace("/aws4_request", "/aws4_requesx"));
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
    }

    // ------------------------------------------------------------------------------------------ malformed

    @ParameterizedTest
    @ValueSource(strings = {
        "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=host",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/sagemaker/aws4_request, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/aws4_request, SignedHeaders=host, Signature=a",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2026112/us-east-1/sagemaker/aws4_request, SignedHeaders=host,"
                + " Signature=a",
        "AWS4-HMAC-SHA256 Credential=/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=a",
        "AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/sagemaker/aws4_request/x, SignedHeaders=host, Signature=a",
        "AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=x-amz-date;host,"
                + " Signature=a",
        "AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=Host;x-amz-date,"
                + " Signature=a",
        "AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=host;;x-amz-date,"
                + " Signature=a",
        "AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=host;host,"
                + " Signature=a",
        "AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/sagemaker/aws4_request, Credential=A/20261126/us-east-1/"
                + "sagemaker/aws4_request, SignedHeaders=host, Signature=a",
        "AWS4-HMAC-SHA256 Credential=A/20261126/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=a,"
                + " Extra=1",
        "AWS4-HMAC-SHA256",
        "AWS4-ECDSA-P256-SHA256 Credential=A/20261126/sagemaker/aws4_request, SignedHeaders=host, Signature=a",
        "AWS AKIDEXAMPLE:c2lnbmF0dXJl",
        "Bearer eyJhbGciOiJIUzI1NiJ9",
    })
    void malformedAuthorizationIsIncomplete(String authorization) {
        SignedRequest req = withAuthorization(signed(), a -> authorization);
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
    }

    @Test
    void separatorsAreParsedTolerantly() {
        // "," without the space and extra spaces are accepted (split on ',' then trim)
        SignedRequest compact = withAuthorization(signed(), a -> a.replace(", ", ",").replace("AWS4-HMAC-SHA256 ",
                "AWS4-HMAC-SHA256   "));
        verifier().verify(compact, "sagemaker");
    }

    @Test
    void missingAuthorizationComponentsAreNamed() {
        SignedRequest req = withAuthorization(signed(), a -> a.substring(0, a.indexOf(", SignedHeaders=")));
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE,
                "Authorization header requires 'Signature' parameter. Authorization header requires"
                        + " 'SignedHeaders' parameter.");
    }

    @Test
    void repeatedAuthorizationHeaderIsIncomplete() {
        SignedRequest req = signed();
        SignedRequest twice = req.toBuilder().header("Authorization", req.firstHeader("authorization")).build();
        assertFails(() -> verifier().verify(twice, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
    }

    @Test
    void repeatedDateHeaderIsIncomplete() {
        SignedRequest twice = signed().toBuilder().header("X-Amz-Date", "20261126T074144Z").build();
        assertFails(() -> verifier().verify(twice, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
    }

    @Test
    void malformedAmzDateIsIncomplete() {
        SignedRequest bad = signed().toBuilder().removeHeader("x-amz-date").header("X-Amz-Date", "2026-11-26T07:41:44Z")
                .build();
        assertFails(() -> verifier().verify(bad, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
        SignedRequest feb30 = signed().toBuilder().removeHeader("x-amz-date").header("X-Amz-Date", "20260230T074144Z")
                .build();
        assertFails(() -> verifier().verify(feb30, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
    }

    @Test
    void bothHeaderAndQueryAuthenticationIsIncomplete() {
        SignedRequest presigned = signerAt(T).build().presign(invoke().build(), Duration.ofMinutes(5));
        verifier().verify(presigned, "sagemaker");
        SignedRequest both = presigned.toBuilder().header("Authorization", signed().firstHeader("authorization"))
                .build();
        assertFails(() -> verifier().verify(both, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
    }

    @Test
    void listedHeaderMustBePresent() {
        SignedRequest req = signed().toBuilder().removeHeader("accept").build();
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE,
                "Header 'accept' is listed in SignedHeaders but missing from the request.");
    }

    @Test
    void hostMustBeSigned() {
        // a request signed without host (possible only by hand): host present but not in SignedHeaders
        SignedRequest req = withAuthorization(signed(), a -> a.replace(";host;", ";"));
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE,
                "The 'host' header must be signed.");
    }

    @Test
    void hostMustBePresentWhenSigned() {
        SignedRequest req = signed().toBuilder().removeHeader("host").build();
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
    }

    @Test
    void hostIsSignedWithItsPort() {
        SignedRequest otherPort = signed().toBuilder().removeHeader("host").header("Host", "127.0.0.1:18091").build();
        assertFails(() -> verifier().verify(otherPort, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
    }

    // ------------------------------------------------------------------------------------------ unsigned headers

    /** Headers a client or proxy may add after signing without harm (what botocore, CLI v2 and SDKs do). */
    @ParameterizedTest
    @ValueSource(strings = {"user-agent", "amz-sdk-invocation-id", "amz-sdk-request", "x-amzn-trace-id",
        "accept-encoding", "content-length", "connection", "x-forwarded-for"})
    void harmlessUnsignedHeadersAreAccepted(String name) {
        SignedRequest req = signed().toBuilder().header(name, "added-after-signing").build();
        verifier().verify(req, "sagemaker");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-amz-target", "x-amz-security-token", "x-amz-content-sha256",
        "x-amzn-sagemaker-target-variant", "x-amzn-sagemaker-inference-id", "X-Amzn-SageMaker-Target-Model"})
    void securityRelevantUnsignedHeadersAreRejected(String name) {
        SignedRequest req = signed().toBuilder().header(name, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4959"
                + "91b7852b855").build();
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
    }

    @Test
    void unsignedContentTypeIsRejected() {
        SignedRequest req = signerAt(T).build().sign(invoke().removeHeader("content-type").build());
        verifier().verify(req, "sagemaker");
        SignedRequest added = req.toBuilder().header("Content-Type", "application/x-amz-json-1.1").build();
        assertFails(() -> verifier().verify(added, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE,
                "The 'content-type' header must be signed.");
    }

    @Test
    void unsignedXAmzDateIsRejected() {
        SignedRequest req = withAuthorization(signed(), a -> a.replace(";x-amz-date", ""));
        assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE,
                "The 'x-amz-date' header must be signed.");
    }

    // ------------------------------------------------------------------------------------------ Date fallback

    /**
     * A request dated by an RFC 1123 {@code Date} header instead of X-Amz-Date (botocore's fallback). The expected
     * signature is computed here straight from a hand-written canonical request, independent of the code under test.
     */
    @Test
    void dateHeaderIsUsedWhenXAmzDateIsAbsent() throws Exception {
        String canonical = "GET\n/\n\ndate:Sun, 30 Aug 2015 12:36:00 GMT\nhost:example.amazonaws.com\n\ndate;host\n"
                + SigV4Digests.EMPTY_SHA256;
        String scope = "20150830/us-east-1/service/aws4_request";
        String sts = "AWS4-HMAC-SHA256\n20150830T123600Z\n" + scope + "\n" + sha256Hex(canonical);
        byte[] k = hmac(("AWS4" + SECRET).getBytes(StandardCharsets.UTF_8), "20150830");
        k = hmac(k, "us-east-1");
        k = hmac(k, "service");
        k = hmac(k, "aws4_request");
        String sig = SigV4Digests.hex(hmac(k, sts));
        SignedRequest req = SignedRequest.builder().method("GET").rawPath("/")
                .header("Host", "example.amazonaws.com").header("Date", "Sun, 30 Aug 2015 12:36:00 GMT")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + AKID + "/" + scope
                        + ", SignedHeaders=date;host, Signature=" + sig)
                .body(new byte[0]).build();
        SigV4Verifier v = verifierAt(Instant.parse("2015-08-30T12:38:00Z"));
        assertThat(v.verify(req, "service").requestTime()).isEqualTo(Instant.parse("2015-08-30T12:36:00Z"));

        SignedRequest dateUnsigned = withAuthorization(req, a -> a.replace("date;host", "host"));
        assertFails(() -> v.verify(dateUnsigned, "service"), SigV4Failure.INCOMPLETE_SIGNATURE);
        SignedRequest noDate = req.toBuilder().removeHeader("date").build();
        assertFails(() -> v.verify(noDate, "service"), SigV4Failure.INCOMPLETE_SIGNATURE,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }

    private static String sha256Hex(String s) {
        return SigV4Digests.hex(SigV4Digests.sha256(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------------ clock skew

    @Nested
    class ClockSkew {

        @Test
        void boundariesAreInclusive() {
            verifierAt(T.plusSeconds(300)).verify(signed(), "sagemaker");
            verifierAt(T.minusSeconds(300)).verify(signed(), "sagemaker");
        }

        @Test
        void oneSecondTooOld() {
            assertFails(() -> verifierAt(T.plusSeconds(301)).verify(signed(), "sagemaker"),
                    SigV4Failure.REQUEST_EXPIRED_SKEW,
                    "Signature expired: 20261126T074144Z is now earlier than 20261126T074145Z"
                            + " (20261126T074645Z - 5 min.)");
        }

        @Test
        void oneSecondInTheFuture() {
            assertFails(() -> verifierAt(T.minusSeconds(301)).verify(signed(), "sagemaker"),
                    SigV4Failure.REQUEST_EXPIRED_SKEW,
                    "Signature not yet current: 20261126T074144Z is still later than 20261126T074143Z"
                            + " (20261126T073643Z + 5 min.)");
        }

        @Test
        void messageMatchesAwsForTheDocumentedExample() {
            Instant requestTime = Instant.parse("2018-07-07T23:30:21Z");
            SignedRequest old = signerAt(requestTime).build().sign(invoke().build());
            assertFails(() -> verifierAt(Instant.parse("2018-07-10T07:17:14Z")).verify(old, "sagemaker"),
                    SigV4Failure.REQUEST_EXPIRED_SKEW, "Signature expired: 20180707T233021Z is now earlier than"
                            + " 20180710T071214Z (20180710T071714Z - 5 min.)");
        }

        @Test
        void skewIsConfigurable() {
            SigV4Verifier lenient = new SigV4Verifier(SigV4Policy.builder().maxClockSkew(Duration.ofMinutes(15))
                    .clock(Clock.fixed(T.plusSeconds(900), ZoneOffset.UTC)).build(), lookup());
            lenient.verify(signed(), "sagemaker");
            SigV4Verifier tooLate = new SigV4Verifier(SigV4Policy.builder().maxClockSkew(Duration.ofMinutes(15))
                    .clock(Clock.fixed(T.plusSeconds(901), ZoneOffset.UTC)).build(), lookup());
            assertThatThrownBy(() -> tooLate.verify(signed(), "sagemaker"))
                    .isInstanceOf(SigV4Exception.class).hasMessageEndingWith("- 15 min.)");
        }

        @Test
        void subSecondClockIsTruncated() {
            verifierAt(T.plusSeconds(300).plusMillis(999)).verify(signed(), "sagemaker");
        }
    }

    // ------------------------------------------------------------------------------------------ presigned

    @Nested
    class Presigned {

        SignedRequest presigned(Duration expires) {
            return signerAt(T).sessionToken("tok/with+chars=").build().presign(invoke().build(), expires);
        }

        @Test
        void validWithinLifetime() {
            VerifiedSignature v = verifierAt(T.plusSeconds(60)).verify(presigned(Duration.ofSeconds(60)), "sagemaker");
            assertThat(v.presigned()).isTrue();
            assertThat(v.securityToken()).contains("tok/with+chars=");
            assertThat(v.expiresAt()).contains(T.plusSeconds(60));
            assertThat(presigned(Duration.ofSeconds(60)).rawQuery())
                    .contains("X-Amz-Security-Token=tok%2Fwith%2Bchars%3D");
        }

        @Test
        void expiredOneSecondAfterLifetime() {
            assertFails(() -> verifierAt(T.plusSeconds(61)).verify(presigned(Duration.ofSeconds(60)), "sagemaker"),
                    SigV4Failure.PRESIGNED_URL_EXPIRED);
        }

        @Test
        void notYetValidBeyondSkew() {
            verifierAt(T.minusSeconds(300)).verify(presigned(Duration.ofSeconds(60)), "sagemaker");
            assertFails(() -> verifierAt(T.minusSeconds(301)).verify(presigned(Duration.ofSeconds(60)), "sagemaker"),
                    SigV4Failure.REQUEST_EXPIRED_SKEW);
        }

        @Test
        void oneWeekIsTheLongestLifetime() {
            verifierAt(T.plusSeconds(604_800)).verify(presigned(Duration.ofSeconds(604_800)), "sagemaker");
            SignedRequest tooLong = presigned(Duration.ofSeconds(604_800));
            SignedRequest edited = tooLong.toBuilder()
                    .rawQuery(tooLong.rawQuery().replace("X-Amz-Expires=604800", "X-Amz-Expires=604801")).build();
            assertFails(() -> verifier().verify(edited, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
            SignedRequest zero = tooLong.toBuilder()
                    .rawQuery(tooLong.rawQuery().replace("X-Amz-Expires=604800", "X-Amz-Expires=0")).build();
            assertFails(() -> verifier().verify(zero, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
        }

        @Test
        void missingParameterIsIncomplete() {
            SignedRequest p = presigned(Duration.ofSeconds(60));
            SignedRequest noExpires = p.toBuilder()
                    .rawQuery(p.rawQuery().replace("&X-Amz-Expires=60", "")).build();
            assertFails(() -> verifier().verify(noExpires, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
        }

        @Test
        void duplicatedParameterIsIncomplete() {
            SignedRequest p = presigned(Duration.ofSeconds(60));
            SignedRequest dup = p.toBuilder().rawQuery(p.rawQuery() + "&X-Amz-Date=20261126T074144Z").build();
            assertFails(() -> verifier().verify(dup, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
        }

        @Test
        void methodIsSigned() {
            SignedRequest p = presigned(Duration.ofSeconds(60));
            SignedRequest asGet = p.toBuilder().method("GET").build();
            assertFails(() -> verifier().verify(asGet, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
        }

        @Test
        void tokenIsCoveredBySignature() {
            SignedRequest p = presigned(Duration.ofSeconds(60));
            SignedRequest otherToken = p.toBuilder()
                    .rawQuery(p.rawQuery().replace("tok%2Fwith", "tok%2Fwitx")).build();
            assertFails(() -> verifier().verify(otherToken, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
        }

        @Test
        void tokenHeaderMustAgreeWithParameter() {
            SignedRequest p = presigned(Duration.ofSeconds(60));
            SignedRequest conflicting = p.toBuilder().header("X-Amz-Security-Token", "other").build();
            assertFails(() -> verifier().verify(conflicting, "sagemaker"), SigV4Failure.INCOMPLETE_SIGNATURE);
        }
    }

    // ------------------------------------------------------------------------------------------ payload

    @Nested
    class Payload {

        SignedRequest signedWithContentSha() {
            return signerAt(T).signContentSha256(true).build().sign(invoke().build());
        }

        @Test
        void contentShaMatchingBodyVerifies() {
            SignedRequest req = signedWithContentSha();
            assertThat(req.firstHeader("x-amz-content-sha256")).isEqualTo(req.payloadSha256Hex());
            assertThat(verifier().verify(req, "sagemaker").signedHeaders()).contains("x-amz-content-sha256");
        }

        @Test
        void contentShaNotMatchingBodyIsRejected() {
            SignedRequest swapped = signedWithContentSha().toBuilder()
                    .body("{\"x\":2}".getBytes(StandardCharsets.UTF_8)).build();
            assertFails(() -> verifier().verify(swapped, "sagemaker"), SigV4Failure.CONTENT_SHA256_MISMATCH);
        }

        @ParameterizedTest
        @ValueSource(strings = {"UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER"})
        void unsupportedPayloadModesAreRejected(String mode) {
            // correctly signed by the client, but the payload is not covered by the signature
            SignedRequest req = signerAt(T).build().sign(invoke().header("x-amz-content-sha256", mode).build());
            assertThat(req.firstHeader("authorization")).contains("x-amz-content-sha256");
            assertFails(() -> verifier().verify(req, "sagemaker"), SigV4Failure.UNSUPPORTED_PAYLOAD);
        }

        @Test
        void contentShaIsSignedAsSentInHeaderForm() {
            // the header value, not the body hash, is what the canonical request contains
            SignedRequest req = signedWithContentSha();
            String canonical = verifier().canonicalRequest(req);
            assertThat(canonical).endsWith("\n" + req.firstHeader("x-amz-content-sha256"));
        }
    }

    // ------------------------------------------------------------------------------------------ tokens & keys

    @Test
    void sessionTokenIsReturnedWhenSigned() {
        SignedRequest req = signerAt(T).sessionToken("FQoGZXIvYXdzEXAMPLE//token+with/slash==").build()
                .sign(invoke().build());
        assertThat(verifier().verify(req, "sagemaker").securityToken())
                .contains("FQoGZXIvYXdzEXAMPLE//token+with/slash==");
        SignedRequest swapped = req.toBuilder().removeHeader("x-amz-security-token")
                .header("X-Amz-Security-Token", "FQoGZXIvYXdzEXAMPLE//token+with/slash=X").build();
        assertFails(() -> verifier().verify(swapped, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
    }

    @Test
    void rotatedSecretIsNotServedFromTheKeyCache() {
        AtomicReference<String> current = new AtomicReference<>(SECRET);
        SigV4Verifier v = new SigV4Verifier(SigV4Policy.builder().clock(Clock.fixed(T, ZoneOffset.UTC)).build(),
                (akid, token) -> Optional.of(SigningSecret.of(current.get().toCharArray(), akid)));
        SignedRequest oldKey = signed();
        v.verify(oldKey, "sagemaker"); // caches the signing key derived from SECRET
        current.set("rotated-secret-0123456789");
        assertFails(() -> v.verify(oldKey, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
        SignedRequest newKey = SigV4Signer.builder().credentials(AKID, "rotated-secret-0123456789".toCharArray())
                .region("us-east-1").service("sagemaker").clock(Clock.fixed(T, ZoneOffset.UTC)).build()
                .sign(invoke().build());
        v.verify(newKey, "sagemaker");
    }

    @Test
    void keyCacheStaysBounded() {
        SigningKeyCache cache = new SigningKeyCache(8);
        SigningSecret s = SigningSecret.of(SECRET.toCharArray(), "x");
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            byte[] k = cache.signingKey("AK" + i + "/20261126/us-east-1/sagemaker/aws4_request", s, "20261126",
                    "us-east-1", "sagemaker");
            seen.put(SigV4Digests.hex(k), "");
            assertThat(cache.size()).isLessThanOrEqualTo(8);
        }
        assertThat(seen).hasSize(1); // same secret and scope: same derived key
    }

    @Test
    void secretsAndTokensStayOutOfStringsAndMessages() {
        SigningSecret secret = SigningSecret.of(SECRET.toCharArray(), "alice");
        assertThat(secret.toString()).doesNotContain(SECRET);
        SignedRequest req = signerAt(T).sessionToken("SECRET-TOKEN-VALUE").build().sign(invoke().build());
        assertThat(req.toString()).doesNotContain("SECRET-TOKEN-VALUE");
        assertThat(verifier().verify(req, "sagemaker").toString()).doesNotContain("SECRET-TOKEN-VALUE");
        SigV4Signer signer = signerAt(T).build();
        assertThat(signer.toString()).doesNotContain(SECRET);
        SignedRequest tampered = req.toBuilder().body(new byte[] {1}).build();
        assertThatThrownBy(() -> verifier().verify(tampered, "sagemaker"))
                .hasMessageNotContaining(SECRET).hasMessageNotContaining("SECRET-TOKEN-VALUE");
    }

    @Test
    void pathIsNormalisedUnlessDisabled() {
        SignedRequest req = signerAt(T).build().sign(invoke().rawPath("/endpoints//my-endpoint/./invocations")
                .build());
        verifier().verify(req, "sagemaker");
        // a proxy that "cleans" the path before the gateway sees it still verifies (same canonical URI) ...
        verifier().verify(req.toBuilder().rawPath("/endpoints/my-endpoint/invocations").build(), "sagemaker");
        // ... but with normalisation off (S3 rule) the raw path must match exactly
        SigV4Verifier raw = new SigV4Verifier(SigV4Policy.builder().normalizePath(false)
                .clock(Clock.fixed(T, ZoneOffset.UTC)).build(), lookup());
        assertFails(() -> raw.verify(req, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
    }

    @Test
    void encodedPathIsEncodedAgain() {
        SignedRequest req = signerAt(T).build().sign(invoke()
                .rawPath("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream").build());
        assertThat(verifier().canonicalRequest(req))
                .contains("\n/model/us.anthropic.claude-sonnet-4-20250514-v1%253A0/converse-stream\n");
        verifier().verify(req, "sagemaker");
        // the decoded form is a different canonical URI
        SignedRequest decoded = req.toBuilder()
                .rawPath("/model/us.anthropic.claude-sonnet-4-20250514-v1:0/converse-stream").build();
        assertFails(() -> verifier().verify(decoded, "sagemaker"), SigV4Failure.SIGNATURE_MISMATCH);
    }
}
