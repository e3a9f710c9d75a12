package io.mlgate.auth.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Raw requests of real AWS clients (CLI v1/v2, Java SDK v2, JS SDK v3, botocore presigned URLs) captured on the
 * wire ({@code sigv4/captures/client-captures.txt}; all signed with AKIDEXAMPLE / the documented example secret).
 */
class ClientCapturesTest {

    static final String AKID = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /** One captured request: the message re-assembled with its body cut to Content-Length. */
    record Capture(int index, String title, String message) {
        SignedRequest request() {
            return SignedRequest.parseHttpMessage(message);
        }

        @Override
        public String toString() {
            return "#" + index + " " + title;
        }
    }

    static List<Capture> captures() {
        String text;
        try (InputStream in = ClientCapturesTest.class.getResourceAsStream("/sigv4/captures/client-captures.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<Capture> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        String title = "";
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("################ ")) {
                title = lines[i].substring(17, Math.min(lines[i].length(), 17 + 60));
            }
            if (!lines[i].equals("----- REQUEST -----")) {
                continue;
            }
            List<String> block = new ArrayList<>();
            int j = i + 1;
            while (!lines[j].startsWith("----- RESPONSE SENT")) {
                block.add(lines[j++]);
            }
            out.add(new Capture(out.size() + 1, title, cutToContentLength(String.join("\n", block))));
            i = j;
        }
        return out;
    }

    private static String cutToContentLength(String raw) {
        int blank = raw.indexOf("\n\n");
        if (blank < 0) {
            return raw;
        }
        String head = raw.substring(0, blank);
        String body = raw.substring(blank + 2);
        int length = 0;
        for (String line : head.split("\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return head + "\n\n" + new String(Arrays.copyOf(bytes, length), StandardCharsets.UTF_8);
    }

    static Instant requestTime(SignedRequest req) {
        String d = req.firstHeader("x-amz-date");
        if (d == null) {
            int at = req.rawQuery().indexOf("X-Amz-Date=");
            d = req.rawQuery().substring(at + 11, at + 27);
        }
        return Instant.ofEpochSecond(AmzDate.parse(d));
    }

    static String scopedService(SignedRequest req) {
        String authz = req.firstHeader("authorization");
        String cred = authz != null ? authz.substring(authz.indexOf("Credential=") + 11, authz.indexOf(','))
                : CanonicalRequest.decodeToString(req.rawQuery().replaceAll(".*X-Amz-Credential=([^&]*).*", "$1"));
        return cred.split("/")[3];
    }

    static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(SigV4Policy.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build(),
                (akid, token) -> akid.equals(AKID) ? Optional.of(SigningSecret.of(SECRET.toCharArray(), "captured-user"))
                        : Optional.empty());
    }

    static boolean isSigned(Capture c) {
        SignedRequest r = c.request();
        return r.firstHeader("authorization") != null || r.rawQuery().contains("X-Amz-Signature=");
    }

    static Stream<Capture> signedCaptures() {
        return captures().stream().filter(ClientCapturesTest::isSigned);
    }

    @Test
    void captureFileHoldsAllClients() {
        List<Capture> all = captures();
        assertThat(all.stream().filter(ClientCapturesTest::isSigned).count()).isGreaterThanOrEqualTo(40);
        assertThat(all.stream().map(c -> c.request().firstHeader("user-agent")).filter(ua -> ua != null))
                .anyMatch(ua -> ua.startsWith("aws-cli/2.")).anyMatch(ua -> ua.startsWith("aws-cli/1."))
                .anyMatch(ua -> ua.startsWith("aws-sdk-java/2.")).anyMatch(ua -> ua.startsWith("aws-sdk-js/3."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signedCaptures")
    void everySignedCaptureVerifies(Capture c) {
        SignedRequest req = c.request();
        VerifiedSignature v = verifierAt(requestTime(req)).verify(req, scopedService(req));
        assertThat(v.accessKeyId()).isEqualTo(AKID);
        assertThat(v.owner()).isEqualTo("captured-user");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signedCaptures")
    void everySignedCaptureFailsWithAChangedHostPort(Capture c) {
        SignedRequest req = c.request();
        String host = req.firstHeader("host");
        SignedRequest moved = req.toBuilder().removeHeader("host").header("Host", host.replace(":18", ":19")).build();
        assertThatThrownBy(() -> verifierAt(requestTime(req)).verify(moved, scopedService(req)))
                .isInstanceOfSatisfying(SigV4Exception.class,
                    e -> assertThat(e.failure()).isEqualTo(SigV4Failure.SIGNATURE_MISMATCH));
    }

    /** Re-signing each header-form capture with our signer (same headers, same time) gives the client's signature. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("signedCaptures")
    void signerReproducesEveryHeaderSignedCapture(Capture c) {
        SignedRequest req = c.request();
        String authz = req.firstHeader("authorization");
        if (authz == null) {
            return; // presigned URL: covered by the verifier test
        }
        String signedList = authz.substring(authz.indexOf("SignedHeaders=") + 14, authz.indexOf(", Signature="));
        List<String> signed = List.of(signedList.split(";"));
        SignedRequest.Builder unsigned = req.toBuilder();
        for (String name : req.headers().keySet()) {
            if (!signed.contains(name) || name.equals("x-amz-date") || name.equals("x-amz-security-token")
                    || name.equals("x-amz-content-sha256")) {
                unsigned.removeHeader(name);
            }
        }
        SigV4Signer signer = SigV4Signer.builder().credentials(AKID, SECRET.toCharArray()).region("us-east-1")
                .service(scopedService(req)).clock(Clock.fixed(requestTime(req), ZoneOffset.UTC))
                .sessionToken(req.firstHeader("x-amz-security-token"))
                .signContentSha256(req.firstHeader("x-amz-content-sha256") != null).build();
        assertThat(signer.sign(unsigned.build()).firstHeader("authorization")).isEqualTo(authz);
    }

    @Test
    void unsignedWebIdentityCallIsMissingAuthentication() {
        Capture c = captures().stream().filter(x -> x.message().contains("Action=AssumeRoleWithWebIdentity"))
                .findFirst().orElseThrow();
        assertThat(isSigned(c)).isFalse();
        assertThatThrownBy(() -> verifierAt(Instant.parse("2026-11-26T07:41:28Z")).verify(c.request(), "sts"))
                .isInstanceOfSatisfying(SigV4Exception.class,
                    e -> assertThat(e.failure()).isEqualTo(SigV4Failure.MISSING_AUTHENTICATION));
    }

    @Test
    void javaSdkV2InvokeEndpoint() {
        Capture c = captures().stream().filter(x -> x.title().startsWith("java-sdk-v2 (plain http)")).findFirst()
                .orElseThrow();
        SignedRequest req = c.request();
        assertThat(req.rawPath()).isEqualTo("/endpoints/my-endpoint/invocations");
        SigV4Verifier verifier = verifierAt(Instant.parse("2026-11-26T07:41:44Z"));
        VerifiedSignature v = verifier.verify(req, "sagemaker");
        assertThat(v.signedHeaders()).containsExactly("accept", "amz-sdk-invocation-id", "amz-sdk-request",
                "content-length", "content-type", "host", "x-amz-content-sha256", "x-amz-date",
                "x-amzn-sagemaker-custom-attributes", "x-amzn-sagemaker-inference-id",
                "x-amzn-sagemaker-target-variant");
        // body swapped behind a valid signature: caught by the x-amz-content-sha256 comparison
        SignedRequest swapped = req.toBuilder().body("{\"x\":2}".getBytes(StandardCharsets.UTF_8)).build();
        assertThatThrownBy(() -> verifier.verify(swapped, "sagemaker"))
                .isInstanceOfSatisfying(SigV4Exception.class,
                    e -> assertThat(e.failure()).isEqualTo(SigV4Failure.CONTENT_SHA256_MISMATCH));
        // routed to the wrong service
        assertThatThrownBy(() -> verifier.verify(req, "kms")).isInstanceOfSatisfying(SigV4Exception.class,
                e -> assertThat(e.failure()).isEqualTo(SigV4Failure.WRONG_SERVICE));
    }

    @Test
    void cliV2InvokeEndpointWithSessionToken() {
        Capture c = captures().stream().filter(x -> x.title().startsWith("cli-v2 invoke-endpoint with session"))
                .findFirst().orElseThrow();
        SignedRequest req = c.request();
        SigV4Verifier verifier = verifierAt(Instant.parse("2026-11-26T07:41:25Z"));
        VerifiedSignature v = verifier.verify(req, "sagemaker");
        assertThat(v.securityToken()).contains("FQoGZXIvYXdzEXAMPLE//token+with/slash==");
        assertThat(v.signedHeaders()).containsExactly("content-type", "host", "x-amz-date", "x-amz-security-token");
        // CLI v2 does not send x-amz-content-sha256: a swapped body breaks the signature itself
        SignedRequest swapped = req.toBuilder().body("{\"instances\":[[1,2,4]]}\n".getBytes(StandardCharsets.UTF_8))
                .build();
        assertThatThrownBy(() -> verifier.verify(swapped, "sagemaker"))
                .isInstanceOfSatisfying(SigV4Exception.class,
                    e -> assertThat(e.failure()).isEqualTo(SigV4Failure.SIGNATURE_MISMATCH));
        // replayed ten minutes later
        assertThatThrownBy(() -> verifierAt(Instant.parse("2026-11-26T07:51:25Z")).verify(req, "sagemaker"))
                .isInstanceOfSatisfying(SigV4Exception.class,
                    e -> assertThat(e.failure()).isEqualTo(SigV4Failure.REQUEST_EXPIRED_SKEW));
    }

    @Test
    void botocorePresignedGetCallerIdentity() {
        Capture c = captures().stream().filter(x -> x.message().startsWith("GET /?Action=GetCallerIdentity"))
                .findFirst().orElseThrow();
        SignedRequest req = c.request();
        VerifiedSignature v = verifierAt(Instant.parse("2026-11-26T07:50:00Z")).verify(req, "sts");
        assertThat(v.presigned()).isTrue();
        assertThat(v.securityToken()).contains("tok/with+chars=");
        assertThat(v.expiresAt()).contains(Instant.parse("2026-11-26T08:01:45Z"));
        assertThatThrownBy(() -> verifierAt(Instant.parse("2026-11-26T08:01:46Z")).verify(req, "sts"))
                .isInstanceOfSatisfying(SigV4Exception.class,
                    e -> assertThat(e.failure()).isEqualTo(SigV4Failure.PRESIGNED_URL_EXPIRED));
    }
}
