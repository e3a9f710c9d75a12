package io.mlgate.gateway.console;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the web console's static files under {@code /console} (docs/console.md), ahead of every other filter: a
 * console request never reaches the call-lifecycle filter (no AWS decoding, no audit event) nor the SigV4 chain,
 * and any other path passes through untouched.
 * <ul>
 *   <li>{@code /console} → 302 to {@code /console/}; {@code /console/} → {@code index.html};
 *       {@code /console/NAME} → the file of exactly that (raw, undecoded) name, else 404 {@code text/plain};</li>
 *   <li>GET and HEAD only, else 405 with {@code Allow: GET, HEAD};</li>
 *   <li>gzip when the request accepts it; every response (302, 404 and 405 too) carries the security headers of
 *       {@link #SECURITY_HEADERS}; nothing sets a cookie.</li>
 * </ul>
 * Everything is in memory from the start; a request allocates nothing but its response headers.
 */
public final class ConsoleWebFilter implements WebFilter, Ordered {

    /** The path prefix the console is served under. */
    public static final String ROOT = "/console";

    /** The Content-Security-Policy of every console response (one line). */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    /** The headers every console response carries. */
    public static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY",
            "Cross-Origin-Opener-Policy", "same-origin",
            "Cross-Origin-Resource-Policy", "same-origin",
            "Strict-Transport-Security", "max-age=31536000",
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()");

    private static final byte[] NOT_FOUND = "Not Found\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_ALLOWED = "Method Not Allowed\n".getBytes(StandardCharsets.US_ASCII);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final ConsoleAssets assets;
    private final Map<String, String> securityHeaders;

    public ConsoleWebFilter(ConsoleAssets assets) {
        this(assets, null);
    }

    /**
     * @param oidcTokenOrigin the origin ({@code https://host[:port]}) of the OIDC provider's token endpoint, which the
     *                        browser must reach to redeem its authorization code; added to {@code connect-src}
     *                        (null: none, only {@code 'self'})
     */
    public ConsoleWebFilter(ConsoleAssets assets, String oidcTokenOrigin) {
        this.assets = assets;
        if (oidcTokenOrigin == null) {
            this.securityHeaders = SECURITY_HEADERS;
        } else {
            java.util.HashMap<String, String> h = new java.util.HashMap<>(SECURITY_HEADERS);
            h.put("Content-Security-Policy", CONTENT_SECURITY_POLICY.replace("connect-src 'self';",
                    "connect-src 'self' " + oidcTokenOrigin + ";"));
            this.securityHeaders = Map.copyOf(h);
        }
    }

    /** Before the call-lifecycle filter, which runs right after this one. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getURI().getRawPath();
        if (path == null || !path.startsWith(ROOT)
                || path.length() > ROOT.length() && path.charAt(ROOT.length()) != '/') {
            return chain.filter(exchange);
        }
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        securityHeaders.forEach(headers::set);
        HttpMethod method = request.getMethod();
        boolean head = HttpMethod.HEAD.equals(method);
        if (!head && !HttpMethod.GET.equals(method)) {
            headers.set(HttpHeaders.ALLOW, "GET, HEAD");
            return text(response, HttpStatus.METHOD_NOT_ALLOWED, NOT_ALLOWED, false);
        }
        if (path.length() == ROOT.length()) {
            headers.set(HttpHeaders.LOCATION, ROOT + "/");
            headers.set(HttpHeaders.CACHE_CONTROL, ConsoleAssets.NO_STORE);
            response.setStatusCode(HttpStatus.FOUND);
            headers.setContentLength(0);
            return response.setComplete();
        }
        String name = path.length() == ROOT.length() + 1 ? "index.html" : path.substring(ROOT.length() + 1);
        ConsoleAssets.Asset asset = assets.get(name);
        if (asset == null) {
            return text(response, HttpStatus.NOT_FOUND, NOT_FOUND, head);
        }
        byte[] body = asset.identity();
        if (asset.gzip() != null) {
            headers.set(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
            if (acceptsGzip(request.getHeaders().get(HttpHeaders.ACCEPT_ENCODING))) {
                body = asset.gzip();
                headers.set(HttpHeaders.CONTENT_ENCODING, "gzip");
            }
        }
        response.setStatusCode(HttpStatus.OK);
        headers.set(HttpHeaders.CONTENT_TYPE, asset.contentType());
        headers.set(HttpHeaders.CACHE_CONTROL, asset.cacheControl());
        return write(response, body, head);
    }

    private static Mono<Void> text(ServerHttpResponse response, HttpStatus status, byte[] body, boolean head) {
        response.setStatusCode(status);
        response.getHeaders().set(HttpHeaders.CONTENT_TYPE, TEXT);
        response.getHeaders().set(HttpHeaders.CACHE_CONTROL, ConsoleAssets.NO_STORE);
        return write(response, body, head);
    }

    private static Mono<Void> write(ServerHttpResponse response, byte[] body, boolean head) {
        response.getHeaders().setContentLength(body.length);
        if (head) {
            return response.setComplete();
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /**
     * Whether {@code Accept-Encoding} allows gzip: a {@code gzip} (or {@code *}) coding whose q-value is not 0.
     */
    static boolean acceptsGzip(List<String> values) {
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String coding : value.split(",")) {
                String[] parts = coding.split(";");
                String token = parts[0].strip().toLowerCase(Locale.ROOT);
                if (!token.equals("gzip") && !token.equals("x-gzip") && !token.equals("*")) {
                    continue;
                }
                boolean refused = false;
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].strip().toLowerCase(Locale.ROOT);
                    if (p.startsWith("q=")) {
                        try {
                            refused = Double.parseDouble(p.substring(2).strip()) <= 0;
                        } catch (NumberFormatException e) {
                            refused = true;
                        }
                    }
                }
                if (!refused) {
                    return true;
                }
            }
        }
        return false;
    }
}
