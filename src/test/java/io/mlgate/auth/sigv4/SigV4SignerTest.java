package io.mlgate.auth.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/** Signer round trips through the verifier, and interoperability with the AWS SDK for Java v2 signer both ways. */
class SigV4SignerTest {

    static final String AKID = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final Instant T = Instant.parse("2026-11-26T07:41:44Z");
    static final byte[] BODY = "{\"instances\":[[1,2,3]]}".getBytes(StandardCharsets.UTF_8);

    static SigV4Signer.Builder signer() {
        return SigV4Signer.builder().credentials(AKID, SECRET.toCharArray()).region("us-east-1").service("sagemaker")
                .clock(Clock.fixed(T, ZoneOffset.UTC));
    }

    static SigV4Verifier verifier() {
        return new SigV4Verifier(SigV4Policy.builder().clock(Clock.fixed(T, ZoneOffset.UTC)).build(),
                (akid, token) -> akid.equals(AKID) ? Optional.of(SigningSecret.of(SECRET.toCharArray(), "alice"))
                        : Optional.empty());
    }

    /** What a server would see for a request sent to {@code uri} with {@code headers} (Host derived like a client). */
    static SignedRequest received(String method, URI uri, Map<String, List<String>> headers, Map<String, String> added,
                                  byte[] body) {
        SignedRequest.Builder b = SignedRequest.builder().method(method).rawPath(uri.getRawPath())
                .rawQuery(uri.getRawQuery()).body(body);
        if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("host"))) {
            b.header("Host", SigV4Signer.hostOf(uri));
        }
        headers.forEach((k, vs) -> vs.forEach(v -> b.header(k, v)));
        added.forEach(b::header);
        return b.build();
    }

    @Test
    void headerSignatureRoundTripsThroughTheVerifier() {
        URI uri = URI.create("http://127.0.0.1:18090/endpoints/my-endpoint/invocations");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/json"));
        headers.put("User-Agent", List.of("mlgate-loadgen/1.0"));
        Map<String, String> added = signer().build().sign("POST", uri, headers, BODY);
        assertThat(added.keySet()).containsExactly("Authorization", "X-Amz-Date");
        assertThat(added.get("X-Amz-Date")).isEqualTo("20261126T074144Z");
        assertThat(added.get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/"
                + "us-east-1/sagemaker/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=");
        VerifiedSignature v = verifier().verify(received("POST", uri, headers, added, BODY), "sagemaker");
        assertThat(v.owner()).isEqualTo("alice");
        // the same headers on a different body do not verify
        assertThatThrownBy(() -> verifier().verify(received("POST", uri, headers, added, new byte[] {'{', '}'}),
                "sagemaker")).isInstanceOfSatisfying(SigV4Exception.class,
                    e -> assertThat(e.failure()).isEqualTo(SigV4Failure.SIGNATURE_MISMATCH));
    }

    /** The header set the Java SDK v2 sends for InvokeEndpoint (client-captures.txt), content hash included. */
    @Test
    void javaSdkV2StyleHeaderSetRoundTrips() {
        URI uri = URI.create("http://127.0.0.1:18090/endpoints/my-endpoint/invocations");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Accept", List.of("application/json"));
        headers.put("amz-sdk-invocation-id", List.of("c98b0277-b354-faf5-593c-4c627fea348a"));
        headers.put("amz-sdk-request", List.of("attempt=1; max=4"));
        headers.put("Content-Type", List.of("application/json"));
        headers.put("User-Agent", List.of("aws-sdk-java/2.40.2"));
        headers.put("X-Amzn-SageMaker-Custom-Attributes", List.of("a=b"));
        headers.put("X-Amzn-SageMaker-Inference-Id", List.of("inf-1"));
        headers.put("X-Amzn-SageMaker-Target-Variant", List.of("v1"));
        headers.put("Content-Length", List.of(Integer.toString(BODY.length)));
        headers.put("Connection", List.of("Keep-Alive"));
        Map<String, String> added = signer().sessionToken("tok/with+chars=").signContentSha256(true).build()
                .sign("POST", uri, headers, BODY);
        assertThat(added.keySet())
                .containsExactly("Authorization", "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256");
        assertThat(added.get("Authorization")).contains("SignedHeaders=accept;amz-sdk-invocation-id;amz-sdk-request;"
                + "content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;"
                + "x-amzn-sagemaker-custom-attributes;x-amzn-sagemaker-inference-id;x-amzn-sagemaker-target-variant,");
        VerifiedSignature v = verifier().verify(received("POST", uri, headers, added, BODY), "sagemaker");
        assertThat(v.securityToken()).contains("tok/with+chars=");
        // a retry that changes amz-sdk-request without re-signing is rejected (it is signed)
        headers.put("amz-sdk-request", List.of("attempt=2; max=4"));
        assertThatThrownBy(() -> verifier().verify(received("POST", uri, headers, added, BODY), "sagemaker"))
                .isInstanceOf(SigV4Exception.class);
    }

    @Test
    void presignedUriRoundTripsThroughTheVerifier() {
        URI uri = URI.create("https://gateway.example:8443/?Action=GetCallerIdentity&Version=2011-06-15");
        URI presigned = signer().service("sts").sessionToken("tok/with+chars=").build()
                .presign("GET", uri, Map.of(), new byte[0], Duration.ofMinutes(15));
        assertThat(presigned.getRawQuery()).startsWith("Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm="
                + "AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261126%2Fus-east-1%2Fsts%2Faws4_request&"
                + "X-Amz-Date=20261126T074144Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&"
                + "X-Amz-Security-Token=tok%2Fwith%2Bchars%3D&X-Amz-Signature=");
        SignedRequest req = received("GET", presigned, Map.of(), Map.of(), new byte[0]);
        assertThat(req.firstHeader("host")).isEqualTo("gateway.example:8443");
        VerifiedSignature v = verifier().verify(req, "sts");
        assertThat(v.presigned()).isTrue();
        assertThat(v.expiresAt()).contains(T.plusSeconds(900));
        // the same URL used with another method fails: the method is signed
        assertThatThrownBy(() -> verifier().verify(received("POST", presigned, Map.of(), Map.of(), new byte[0]),
                "sts")).isInstanceOf(SigV4Exception.class);
    }

    @ParameterizedTest
    @CsvSource({
        "http://h/x, h",
        "http://h:80/x, h",
        "https://h:443/x, h",
        "https://h:80/x, h:80",
        "http://127.0.0.1:18090/x, 127.0.0.1:18090",
    })
    void hostLeavesOutTheDefaultPort(String uri, String host) {
        assertThat(SigV4Signer.hostOf(URI.create(uri))).isEqualTo(host);
    }

    @Test
    void rejectsMisuse() {
        assertThatThrownBy(() -> SigV4Signer.builder().region("us-east-1").service("s").build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> signer().region("us/east"))
                .isInstanceOf(IllegalArgumentException.class);
        SigV4Signer s = signer().build();
        URI uri = URI.create("http://h/");
        assertThatThrownBy(() -> s.presign("GET", uri, Map.of(), new byte[0], Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.presign("GET", uri, Map.of(), new byte[0], Duration.ofSeconds(604_801)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.sign("GET", URI.create("/relative"), Map.of(), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        SignedRequest noHost = SignedRequest.builder().method("GET").rawPath("/").body(new byte[0]).build();
        assertThatThrownBy(() -> s.sign(noHost)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------------------ AWS SDK v2 interop

    static software.amazon.awssdk.http.auth.spi.signer.SignedRequest sdkSign(SdkHttpRequest request, byte[] body,
            boolean presign, String token) {
        AwsCredentialsIdentity identity = token == null ? AwsCredentialsIdentity.create(AKID, SECRET)
                : AwsSessionCredentialsIdentity.create(AKID, SECRET, token);
        return AwsV4HttpSigner.create().sign(r -> {
            r.identity(identity).request(request).payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sagemaker")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(T, ZoneOffset.UTC));
            if (presign) {
                r.putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                        .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofMinutes(5));
            }
        });
    }

    static SignedRequest fromSdk(SdkHttpRequest sdk, byte[] body) {
        SignedRequest.Builder b = SignedRequest.builder().method(sdk.method().name()).rawPath(sdk.encodedPath())
                .rawQuery(sdk.encodedQueryParameters().orElse(null)).body(body);
        if (sdk.firstMatchingHeader("Host").isEmpty()) {
            b.header("Host", sdk.host() + (sdk.port() == 443 || sdk.port() == 80 ? "" : ":" + sdk.port()));
        }
        sdk.forEachHeader((k, vs) -> vs.forEach(v -> b.header(k, v)));
        return b.build();
    }

    static SdkHttpRequest sdkRequest(String uri) {
        return SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(uri))
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Amzn-SageMaker-Custom-Attributes", "a=b,  c=\"d   e\"")
                .putHeader("Accept", "application/json")
                .build();
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:18090/endpoints/my-endpoint/invocations",
        "https://runtime.example/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream",
        "https://runtime.example/a/b%20c/./d//e?b=2&a=1%2F&a=0&empty=",
    })
    void verifierAcceptsWhatTheAwsSdkSigns(String uri) {
        for (String token : new String[] {null, "FQoGZXIvYXdzEXAMPLE//token+with/slash=="}) {
            var signed = sdkSign(sdkRequest(uri), BODY, false, token);
            SignedRequest req = fromSdk(signed.request(), BODY);
            VerifiedSignature v = verifier().verify(req, "sagemaker");
            assertThat(v.securityToken()).isEqualTo(Optional.ofNullable(token));

            var presigned = sdkSign(sdkRequest(uri), BODY, true, token);
            SignedRequest preq = fromSdk(presigned.request(), BODY);
            VerifiedSignature pv = verifier().verify(preq, "sagemaker");
            assertThat(pv.presigned()).isTrue();
            assertThat(pv.securityToken()).isEqualTo(Optional.ofNullable(token));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:18090/endpoints/my-endpoint/invocations",
        "https://runtime.example/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream",
        "https://runtime.example/a/b%20c/./d//e?b=2&a=1%2F&a=0&empty=",
    })
    void signerProducesTheSameSignatureAsTheAwsSdk(String uri) {
        SdkHttpRequest sdkReq = sdkRequest(uri);
        var sdkSigned = sdkSign(sdkReq, BODY, false, "tok+/=");
        String sdkAuthorization = sdkSigned.request().firstMatchingHeader("Authorization").orElseThrow();
        boolean sdkSentContentSha = sdkSigned.request().firstMatchingHeader("x-amz-content-sha256").isPresent();

        SignedRequest unsigned = fromSdk(sdkReq, BODY);
        SignedRequest ours = signer().sessionToken("tok+/=").signContentSha256(sdkSentContentSha).build()
                .sign(unsigned);
        assertThat(ours.firstHeader("authorization")).isEqualTo(sdkAuthorization);
    }
}
