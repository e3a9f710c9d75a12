package io.mlgate.console;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A minimal OpenID Connect provider for the console's browser tests, on {@code http://127.0.0.1:<random port>}:
 * {@code GET /authorize} (authorization code flow; requires the registered client id and redirect URI,
 * {@code response_type=code}, a {@code state} and a PKCE S256 challenge; no login page: it answers 302 to the
 * redirect URI with a fresh code) and {@code POST /token} (redeems a code once, checking client id, redirect URI and
 * {@code BASE64URL(SHA-256(code_verifier)) == code_challenge}; answers an RS256 ID token signed with a key generated
 * per instance). The token endpoint sends CORS headers for the registered client's origin only and answers preflights.
 */
final class TestOidcProvider implements AutoCloseable {

    /**
     * The issuer ({@code iss}) of the ID tokens. The gateway's OIDC providers must be {@code https://} issuers, and it
     * never contacts this one (its keys are given as a JWKS file), so it is a name rather than this server's address.
     */
    static final String ISSUER = "https://idp.console-e2e.mlgate.test";
    /** The provider's name in ARNs and condition keys: the issuer without {@code https://}. */
    static final String PROVIDER = ISSUER.substring("https://".length());
    /** The subject of every ID token this provider issues. */
    static final String SUBJECT = "console-e2e-user";

    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final long CODE_LIFETIME_SECONDS = 60;
    private static final long TOKEN_LIFETIME_SECONDS = 300;

    /** A code handed out by /authorize and not redeemed yet. */
    private record Grant(String challenge, String redirectUri, Instant expires) {
    }

    private final String clientId;
    private final RSAKey key;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> pending = new ConcurrentHashMap<>();
    private final Set<String> redeemed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger replaysRefused = new AtomicInteger();
    private volatile String redirectUri;
    private volatile String origin;

    TestOidcProvider(String clientId) throws IOException, JOSEException {
        this.clientId = clientId;
        this.key = new RSAKeyGenerator(2048).keyID("console-e2e-" + Long.toHexString(random.nextLong())).generate();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.setExecutor(executor);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT}. */
    String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    String clientId() {
        return clientId;
    }

    /** The provider's public signing key as a JWK set (what the gateway's {@code JwksFile} holds). */
    String publicJwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /** Registers the client's one redirect URI; its origin is the one CORS allows on the token endpoint. */
    void register(String redirectUri) {
        URI uri = URI.create(redirectUri);
        this.origin = uri.getScheme() + "://" + uri.getRawAuthority();
        this.redirectUri = redirectUri;
    }

    int tokensIssued() {
        return tokensIssued.get();
    }

    int replaysRefused() {
        return replaysRefused.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void authorize(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                plain(exchange, 405, "GET only");
                return;
            }
            Map<String, String> q = form(exchange.getRequestURI().getRawQuery());
            String redirect = redirectUri;
            // an unknown client or redirect URI is never redirected to (RFC 6749 4.1.2.1)
            if (!clientId.equals(q.get("client_id")) || redirect == null || !redirect.equals(q.get("redirect_uri"))) {
                plain(exchange, 400, "unknown client_id or redirect_uri");
                return;
            }
            String state = q.get("state");
            String error = null;
            if (!"code".equals(q.get("response_type"))) {
                error = "unsupported_response_type";
            } else if (state == null || state.isEmpty()) {
                error = "invalid_request";
            } else if (!"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null
                    || !CHALLENGE.matcher(q.get("code_challenge")).matches()) {
                error = "invalid_request";
            } else if (!Set.of(q.getOrDefault("scope", "").split(" ")).contains("openid")) {
                error = "invalid_scope";
            }
            StringBuilder location = new StringBuilder(redirect).append(redirect.contains("?") ? '&' : '?');
            if (error != null) {
                location.append("error=").append(error);
            } else {
                String code = Base64URL.encode(bytes(32)).toString();
                pending.put(code, new Grant(q.get("code_challenge"), redirect,
                        Instant.now().plusSeconds(CODE_LIFETIME_SECONDS)));
                location.append("code=").append(code);
            }
            if (state != null) {
                location.append("&state=").append(URLEncoder.encode(state, StandardCharsets.UTF_8));
            }
            exchange.getResponseHeaders().set("Location", location.toString());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(302, -1);
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestOrigin = exchange.getRequestHeaders().getFirst("Origin");
            boolean allowed = requestOrigin != null && requestOrigin.equals(origin);
            if (allowed) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", requestOrigin);
            }
            exchange.getResponseHeaders().set("Vary", "Origin");
            if ("OPTIONS".equals(exchange.getRequestMethod())) {
                if (allowed) {
                    exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST");
                    exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "content-type");
                    exchange.getResponseHeaders().set("Access-Control-Max-Age", "600");
                }
                exchange.sendResponseHeaders(allowed ? 204 : 403, -1);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                plain(exchange, 405, "POST only");
                return;
            }
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
                error(exchange, "invalid_request", "the body must be application/x-www-form-urlencoded");
                return;
            }
            Map<String, String> f;
            try (InputStream in = exchange.getRequestBody()) {
                f = form(new String(in.readNBytes(16 * 1024), StandardCharsets.UTF_8));
            }
            if (!"authorization_code".equals(f.get("grant_type"))) {
                error(exchange, "unsupported_grant_type", "only authorization_code");
                return;
            }
            if (!clientId.equals(f.get("client_id"))) {
                error(exchange, "invalid_client", "unknown client_id");
                return;
            }
            String code = f.getOrDefault("code", "");
            Grant grant = pending.remove(code); // single use: gone with the first attempt, whatever its outcome
            if (grant == null) {
                if (redeemed.contains(code)) {
                    replaysRefused.incrementAndGet();
                    error(exchange, "invalid_grant", "the authorization code was already used");
                } else {
                    error(exchange, "invalid_grant", "unknown authorization code");
                }
                return;
            }
            redeemed.add(code);
            if (Instant.now().isAfter(grant.expires())) {
                error(exchange, "invalid_grant", "the authorization code expired");
                return;
            }
            if (!grant.redirectUri().equals(f.get("redirect_uri"))) {
                error(exchange, "invalid_grant", "redirect_uri differs from the authorization request's");
                return;
            }
            String verifier = f.getOrDefault("code_verifier", "");
            if (!VERIFIER.matcher(verifier).matches() || !MessageDigest.isEqual(
                    Base64URL.encode(sha256(verifier)).toString().getBytes(StandardCharsets.US_ASCII),
                    grant.challenge().getBytes(StandardCharsets.US_ASCII))) {
                error(exchange, "invalid_grant", "PKCE verification failed");
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id_token", idToken());
            body.put("token_type", "Bearer");
            body.put("expires_in", TOKEN_LIFETIME_SECONDS);
            tokensIssued.incrementAndGet();
            json(exchange, 200, body);
        }
    }

    private String idToken() {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(SUBJECT)
                .audience(clientId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(TOKEN_LIFETIME_SECONDS)))
                .claim("auth_time", now.getEpochSecond())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the ID token failed", e);
        }
        return jwt.serialize();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(name, value);
        }
        return out;
    }

    private static void error(HttpExchange exchange, String error, String description) throws IOException {
        json(exchange, 400, Map.of("error", error, "error_description", description));
    }

    private static void json(HttpExchange exchange, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void plain(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
