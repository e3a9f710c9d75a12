package io.mlgate.auth.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignedRequestTest {

    @Test
    void parsesRequestLineHeadersFoldsAndBody() {
        SignedRequest r = SignedRequest.parseHttpMessage("POST /a%20b/c d?x=1&y HTTP/1.1\n"
                + "Host:example.amazonaws.com\n"
                + "My-Header1:value1\n"
                + "  value2\n"
                + "\tvalue3\n"
                + "my-header1: again \n"
                + "\n"
                + "Param1=value1");
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/a%20b/c d");
        assertThat(r.rawQuery()).isEqualTo("x=1&y");
        assertThat(r.headers().keySet()).containsExactly("host", "my-header1");
        assertThat(r.headerValues("My-Header1")).containsExactly("value1 value2 value3", "again");
        assertThat(r.firstHeader("HOST")).isEqualTo("example.amazonaws.com");
        assertThat(r.payloadSha256Hex())
                .isEqualTo(SigV4Digests.sha256Hex("Param1=value1".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void acceptsCrlfAndMissingBody() {
        SignedRequest r = SignedRequest.parseHttpMessage("GET / HTTP/1.1\r\nHost: h\r\n");
        assertThat(r.firstHeader("host")).isEqualTo("h");
        assertThat(r.rawQuery()).isEmpty();
        assertThat(r.payloadSha256Hex()).isEqualTo(SigV4Digests.EMPTY_SHA256);
        SignedRequest crlfBody = SignedRequest.parseHttpMessage("POST / HTTP/1.1\r\nHost: h\r\n\r\nab");
        assertThat(crlfBody.payloadSha256Hex()).isEqualTo(SigV4Digests.sha256Hex("ab".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rejectsMalformedMessages() {
        assertThatThrownBy(() -> SignedRequest.parseHttpMessage("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignedRequest.parseHttpMessage("GET /\nHost:h\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignedRequest.parseHttpMessage("GET / HTTP/1.1\n  folded-without-header\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SignedRequest.parseHttpMessage("GET / HTTP/1.1\nno-colon\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isImmutable() {
        SignedRequest r = SignedRequest.builder().method("GET").rawPath("/").header("A", "1").header("a", "2")
                .body(new byte[0]).build();
        assertThat(r.headerValues("a")).containsExactly("1", "2");
        assertThatThrownBy(() -> r.headers().put("b", List.of("x"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.headerValues("a").add("3")).isInstanceOf(UnsupportedOperationException.class);
        SignedRequest copy = r.toBuilder().header("a", "3").build();
        assertThat(r.headerValues("a")).containsExactly("1", "2");
        assertThat(copy.headerValues("a")).containsExactly("1", "2", "3");
        assertThat(r.headerValues("missing")).isEmpty();
        assertThat(r.firstHeader("missing")).isNull();
    }

    @Test
    void builderRequiresMethodPathAndValidHash() {
        assertThatThrownBy(() -> SignedRequest.builder().method("GET").rawPath("/").build())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> SignedRequest.builder().payloadSha256Hex("E3B0"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SignedRequest.builder().method("GET").rawPath("/").rawQuery(null)
                .payloadSha256Hex(SigV4Digests.EMPTY_SHA256).build().rawQuery()).isEmpty();
    }

    @Test
    void toStringHidesHeaderValues() {
        SignedRequest r = SignedRequest.builder().method("GET").rawPath("/").rawQuery("X-Amz-Security-Token=t0k")
                .header("X-Amz-Security-Token", "t0k").body(new byte[0]).build();
        assertThat(r.toString()).contains("x-amz-security-token").doesNotContain("t0k");
    }
}
