package io.mlgate.gateway.console;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConsoleWebFilter} and {@link ConsoleAssets} without a server: which paths the filter takes, the assets read
 * from the test classpath's {@code console-fixture/}, content types, cache policies and Accept-Encoding parsing.
 */
class ConsoleWebFilterTest {

    private static ConsoleAssets assets() throws Exception {
        return ConsoleAssets.load(ConsoleWebFilterTest.class.getClassLoader(), "console-fixture");
    }

    @Test
    void theAssetsAreTheExactFilesOfTheClasspathFolder() throws Exception {
        ConsoleAssets a = assets();
        assertThat(a.get("index.html")).isNotNull();
        assertThat(a.get("index.html").contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(a.get("index.html").cacheControl()).isEqualTo("no-store");
        assertThat(a.get("index.html").gzip()).isNotNull();
        ConsoleAssets.Asset js = a.get("assets/app-abc123.js");
        assertThat(js.contentType()).isEqualTo("text/javascript; charset=utf-8");
        assertThat(js.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        assertThat(a.get("assets")).isNull();
        assertThat(a.get("assets/")).isNull();
        assertThat(a.get("/index.html")).isNull();
        assertThat(a.get("../index.html")).isNull();
        assertThat(a.get("config.json")).isNull();
        assertThat(a.with("config.json", "{}".getBytes()).get("config.json").contentType())
                .isEqualTo("application/json");
    }

    @Test
    void contentTypesFollowTheExtension() {
        assertThat(ConsoleAssets.contentType("a.css")).isEqualTo("text/css; charset=utf-8");
        assertThat(ConsoleAssets.contentType("a.SVG")).isEqualTo("image/svg+xml");
        assertThat(ConsoleAssets.contentType("f.woff2")).isEqualTo("font/woff2");
        assertThat(ConsoleAssets.contentType("favicon.ico")).isEqualTo("image/x-icon");
        assertThat(ConsoleAssets.contentType("logo.png")).isEqualTo("image/png");
        assertThat(ConsoleAssets.contentType("README")).isEqualTo("application/octet-stream");
    }

    @Test
    void acceptEncodingAllowsGzipUnlessItsQualityIsZero() {
        assertThat(ConsoleWebFilter.acceptsGzip(List.of("gzip, deflate, br"))).isTrue();
        assertThat(ConsoleWebFilter.acceptsGzip(List.of("br", "GZIP;q=0.5"))).isTrue();
        assertThat(ConsoleWebFilter.acceptsGzip(List.of("*"))).isTrue();
        assertThat(ConsoleWebFilter.acceptsGzip(List.of("gzip;q=0"))).isFalse();
        assertThat(ConsoleWebFilter.acceptsGzip(List.of("gzip;q=0.000"))).isFalse();
        assertThat(ConsoleWebFilter.acceptsGzip(List.of("gzip;q=nope"))).isFalse();
        assertThat(ConsoleWebFilter.acceptsGzip(List.of("identity, br"))).isFalse();
        assertThat(ConsoleWebFilter.acceptsGzip(List.of("gzipx"))).isFalse();
        assertThat(ConsoleWebFilter.acceptsGzip(null)).isFalse();
    }

    @Test
    void onlyConsolePathsAreTakenEverythingElseGoesOnUntouched() throws Exception {
        ConsoleWebFilter filter = new ConsoleWebFilter(assets());
        for (String path : List.of("/", "/consolex", "/console.html", "/endpoints/iris/invocations", "/Console/")) {
            MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path).build());
            AtomicBoolean passed = new AtomicBoolean();
            filter.filter(exchange, e -> {
                passed.set(true);
                return Mono.empty();
            }).block();
            assertThat(passed).as(path).isTrue();
            assertThat(exchange.getResponse().getHeaders().getFirst("Content-Security-Policy")).as(path).isNull();
        }
        for (String path : List.of("/console", "/console/", "/console/x", "/console/%2e%2e/pom.xml")) {
            MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path).build());
            AtomicBoolean passed = new AtomicBoolean();
            filter.filter(exchange, e -> {
                passed.set(true);
                return Mono.empty();
            }).block();
            assertThat(passed).as(path).isFalse();
            assertThat(exchange.getResponse().getHeaders().getFirst("X-Frame-Options")).isEqualTo("DENY");
        }
        MockServerWebExchange post = MockServerWebExchange.from(MockServerHttpRequest.post("/console/").build());
        filter.filter(post, e -> Mono.empty()).block();
        assertThat(post.getResponse().getStatusCode()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
    }

    @Test
    void withOidcOnlyTheTokenEndpointsOriginJoinsConnectSrc() throws Exception {
        for (String origin : new String[] {null, "https://idp.example.com:8443"}) {
            ConsoleWebFilter filter = new ConsoleWebFilter(assets(), origin);
            MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/console/").build());
            filter.filter(exchange, e -> Mono.empty()).block();
            String csp = exchange.getResponse().getHeaders().getFirst("Content-Security-Policy");
            assertThat(csp).contains("script-src 'self';").contains("frame-ancestors 'none'");
            if (origin == null) {
                assertThat(csp).isEqualTo(ConsoleWebFilter.CONTENT_SECURITY_POLICY).contains("connect-src 'self';");
            } else {
                assertThat(csp).contains("connect-src 'self' https://idp.example.com:8443;");
            }
        }
    }
}
