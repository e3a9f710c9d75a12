package io.mlgate.bench;

import io.mlgate.auth.sigv4.SigV4Exception;
import io.mlgate.auth.sigv4.SigV4Policy;
import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.auth.sigv4.SigV4Verifier;
import io.mlgate.auth.sigv4.SignedRequest;
import io.mlgate.auth.sigv4.SigningSecret;
import io.mlgate.auth.sigv4.VerifiedSignature;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StsQueryTest {

    private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    private static final URI GATEWAY = URI.create("https://127.0.0.1:18443");

    private static SigV4Signer signer(String service, String token) {
        return SigV4Signer.builder().credentials(KEY_ID, SECRET.toCharArray()).sessionToken(token)
                .region("us-east-1").service(service).build();
    }

    private static SigV4Verifier verifier() {
        return new SigV4Verifier(SigV4Policy.defaults(), (id, token) -> KEY_ID.equals(id)
                ? Optional.of(SigningSecret.of(SECRET.toCharArray(), id)) : Optional.empty());
    }

    @Test
    void assumeRoleBodyIsTheQueryProtocolForm() {
        String body = new String(StsQuery.assumeRole(ROLE, "bench-7", 900).body(), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("Action=AssumeRole&Version=2011-06-15"
                + "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fservice%2Fdemo-inference"
                + "&RoleSessionName=bench-7&DurationSeconds=900");
        assertThat(new String(StsQuery.getCallerIdentity().body(), StandardCharsets.UTF_8))
                .isEqualTo("Action=GetCallerIdentity&Version=2011-06-15");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> StsQuery.assumeRole("arn:aws:iam::123456789012:user/alice", "bench-1", 900))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StsQuery.assumeRole(ROLE, "bench 1", 900)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StsQuery.assumeRole(ROLE, "bench-1", 899)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StsQuery.assumeRole(ROLE, "bench-1", 43_201)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signedRequestVerifiesForSts() {
        StsQuery query = StsQuery.assumeRole(ROLE, "bench-1", 900);
        SignedRequest signed = query.signedFor(GATEWAY, signer("sts", null));
        assertThat(signed.method()).isEqualTo("POST");
        assertThat(signed.rawPath()).isEqualTo("/");
        assertThat(signed.firstHeader("host")).isEqualTo("127.0.0.1:18443");
        assertThat(signed.firstHeader("content-type")).isEqualTo(StsQuery.CONTENT_TYPE);
        assertThat(signed.firstHeader("authorization")).contains("/us-east-1/sts/aws4_request")
                .contains("SignedHeaders=content-type;host;x-amz-date");
        // what the gateway receives: the same headers and the body hash recomputed from the body sent
        SignedRequest received = SignedRequest.builder().method("POST").rawPath("/").body(query.body())
                .header("host", signed.firstHeader("host")).header("content-type", signed.firstHeader("content-type"))
                .header("authorization", signed.firstHeader("authorization"))
                .header("x-amz-date", signed.firstHeader("x-amz-date")).build();
        VerifiedSignature v = verifier().verify(received, "sts");
        assertThat(v.accessKeyId()).isEqualTo(KEY_ID);
        assertThat(v.service()).isEqualTo("sts");
    }

    @Test
    void aChangedBodyOrTheWrongServiceFailsVerification() {
        StsQuery query = StsQuery.assumeRole(ROLE, "bench-1", 900);
        SignedRequest signed = query.signedFor(GATEWAY, signer("sts", null));
        SignedRequest otherBody = signed.toBuilder()
                .body(StsQuery.assumeRole(ROLE, "bench-2", 900).body()).build();
        assertThatThrownBy(() -> verifier().verify(otherBody, "sts")).isInstanceOf(SigV4Exception.class);
        SignedRequest forSageMaker = query.signedFor(GATEWAY, signer("sagemaker", null));
        assertThatThrownBy(() -> verifier().verify(forSageMaker, "sts")).isInstanceOf(SigV4Exception.class);
    }

    @Test
    void sessionCredentialsSignTheSecurityToken() {
        SignedRequest signed = StsQuery.getCallerIdentity().signedFor(GATEWAY, signer("sts", "FQoGZXIvYXdzEXAMPLE"));
        assertThat(signed.firstHeader("x-amz-security-token")).isEqualTo("FQoGZXIvYXdzEXAMPLE");
        assertThat(signed.firstHeader("authorization")).contains("x-amz-security-token");
        assertThat(verifier().verify(signed, "sts").securityToken()).contains("FQoGZXIvYXdzEXAMPLE");
        SignedRequest swapped = signed.toBuilder().removeHeader("x-amz-security-token")
                .header("x-amz-security-token", "FQoGZXIvYXdzOTHER").build();
        assertThatThrownBy(() -> verifier().verify(swapped, "sts")).isInstanceOf(SigV4Exception.class);
    }

    @Test
    void successNeedsStatusAndMarker() {
        StsQuery assume = StsQuery.assumeRole(ROLE, "bench-1", 900);
        assertThat(assume.succeeded(200, "<Credentials><AccessKeyId>ASIAXYZ</AccessKeyId>")).isTrue();
        assertThat(assume.succeeded(200, "<Credentials><AccessKeyId>AKIAXYZ</AccessKeyId>")).isFalse();
        assertThat(assume.succeeded(403, "<AccessKeyId>ASIAXYZ")).isFalse();
        StsQuery who = StsQuery.getCallerIdentity();
        assertThat(who.succeeded(200, "<Arn>arn:aws:sts::123456789012:assumed-role/demo-inference/b</Arn>")).isTrue();
        assertThat(who.succeeded(200, "<ErrorResponse/>")).isFalse();
    }

    @Test
    void hostHeaderLeavesOutTheDefaultPort() {
        assertThat(StsQuery.hostHeader(URI.create("https://sts.example"))).isEqualTo("sts.example");
        assertThat(StsQuery.hostHeader(URI.create("https://sts.example:443"))).isEqualTo("sts.example");
        assertThat(StsQuery.hostHeader(URI.create("https://sts.example:8443"))).isEqualTo("sts.example:8443");
    }
}
