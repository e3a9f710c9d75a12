package io.mlgate.auth.sigv4;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Client-side AWS Signature Version 4 signer (header form and presigned URLs) for one set of credentials, region
 * and service. Signs every header it is given except the hop-by-hop ones botocore leaves out. Thread-safe.
 */
public final class SigV4Signer {

    /** Headers never signed (botocore's list): proxies and HTTP stacks may add, drop or rewrite them. */
    static final Set<String> UNSIGNED_HEADERS = Set.of("authorization", "connection", "expect", "keep-alive",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "user-agent", "x-amzn-trace-id");

    private final String accessKeyId;
    private final SigningSecret secret;
    private final String sessionToken;
    private final String region;
    private final String service;
    private final Clock clock;
    private final boolean signContentSha256;
    private final boolean normalizePath;
    private final SigningKeyCache keyCache = new SigningKeyCache(64);

    private SigV4Signer(Builder b) {
        this.accessKeyId = b.accessKeyId;
        this.secret = b.secret;
        this.sessionToken = b.sessionToken;
        this.region = b.region;
        this.service = b.service;
        this.clock = b.clock;
        this.signContentSha256 = b.signContentSha256;
        this.normalizePath = b.normalizePath;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Signs a request in header form and returns the headers to add, in this order: {@code Authorization},
     * {@code X-Amz-Date}, then {@code X-Amz-Security-Token} and {@code x-amz-content-sha256} when applicable.
     * {@code Host} is signed from the given headers or else from the URI authority (default port left out); the
     * HTTP client must send exactly that value.
     *
     * @param uri absolute URI whose raw path and raw query are sent unchanged
     * @param headers the headers that will be sent (any case; values in order); may be empty
     */
    public Map<String, String> sign(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        return signHeaderForm(toRequest(method, uri, headers, body));
    }

    /** Signs a request in header form and returns a copy carrying the added authentication headers. */
    public SignedRequest sign(SignedRequest request) {
        Objects.requireNonNull(request, "request");
        Map<String, String> added = signHeaderForm(request);
        SignedRequest.Builder b = request.toBuilder().removeHeader("authorization").removeHeader("x-amz-date");
        if (sessionToken != null) {
            b.removeHeader("x-amz-security-token");
        }
        if (signContentSha256) {
            b.removeHeader("x-amz-content-sha256");
        }
        added.forEach(b::header);
        return b.build();
    }

    /**
     * Creates a presigned URL (query form) valid for {@code expires} (1 s to 7 days) from now. The signed headers are
     * {@code host} plus any other given headers the eventual caller must then send unchanged.
     */
    public URI presign(String method, URI uri, Map<String, List<String>> headers, byte[] body, Duration expires) {
        SignedRequest unsigned = toRequest(method, uri, headers, body);
        String query = presignedQuery(unsigned, expires);
        StringBuilder sb = new StringBuilder();
        sb.append(uri.getScheme()).append("://").append(uri.getRawAuthority());
        sb.append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        sb.append('?').append(query);
        return URI.create(sb.toString());
    }

    /** Presigns a request and returns a copy whose raw query carries the authentication parameters. */
    public SignedRequest presign(SignedRequest request, Duration expires) {
        Objects.requireNonNull(request, "request");
        String query = presignedQuery(request, expires);
        return request.toBuilder().rawQuery(query).build();
    }

    // ------------------------------------------------------------------------------------------------ internals

    private Map<String, String> signHeaderForm(SignedRequest request) {
        long now = clock.instant().getEpochSecond();
        String amzDate = AmzDate.format(now);
        String date = amzDate.substring(0, 8);
        TreeMap<String, List<String>> toSign = signableHeaders(request);
        if (!toSign.containsKey("host")) {
            throw new IllegalArgumentException("request needs a Host header");
        }
        toSign.put("x-amz-date", List.of(amzDate));
        if (sessionToken != null) {
            toSign.put("x-amz-security-token", List.of(sessionToken));
        }
        if (signContentSha256) {
            toSign.put("x-amz-content-sha256", List.of(request.payloadSha256Hex()));
        }
        String[] names = toSign.keySet().toArray(new String[0]);
        String signedHeadersLine = String.join(";", names);
        SignedRequest canonicalView = view(request, request.rawQuery(), toSign);
        String canonical = CanonicalRequest.build(canonicalView, CanonicalRequest.parseQuery(request.rawQuery()),
                false, names, signedHeadersLine, payloadHash(toSign, request), normalizePath);
        String scope = scope(date);
        String signature = signature(date, amzDate, scope, canonical);

        LinkedHashMap<String, String> added = new LinkedHashMap<>();
        added.put("Authorization", CanonicalRequest.ALGORITHM + " Credential=" + accessKeyId + '/' + scope
                + ", SignedHeaders=" + signedHeadersLine + ", Signature=" + signature);
        added.put("X-Amz-Date", amzDate);
        if (sessionToken != null) {
            added.put("X-Amz-Security-Token", sessionToken);
        }
        if (signContentSha256) {
            added.put("x-amz-content-sha256", request.payloadSha256Hex());
        }
        return Collections.unmodifiableMap(added);
    }

    private String presignedQuery(SignedRequest request, Duration expires) {
        Objects.requireNonNull(expires, "expires");
        long seconds = expires.getSeconds();
        if (expires.getNano() != 0 || seconds < 1 || seconds > SigV4Verifier.MAX_PRESIGN_EXPIRES_SECONDS) {
            throw new IllegalArgumentException("expires must be whole seconds between 1 and 604800");
        }
        long now = clock.instant().getEpochSecond();
        String amzDate = AmzDate.format(now);
        String date = amzDate.substring(0, 8);
        String scope = scope(date);
        TreeMap<String, List<String>> toSign = signableHeaders(request);
        if (!toSign.containsKey("host")) {
            throw new IllegalArgumentException("request needs a Host header");
        }
        String[] names = toSign.keySet().toArray(new String[0]);
        String signedHeadersLine = String.join(";", names);

        StringBuilder q = new StringBuilder(request.rawQuery().length() + 256);
        q.append(request.rawQuery());
        appendParam(q, SigV4Verifier.P_ALGORITHM, CanonicalRequest.ALGORITHM);
        appendParam(q, SigV4Verifier.P_CREDENTIAL, accessKeyId + '/' + scope);
        appendParam(q, SigV4Verifier.P_DATE, amzDate);
        appendParam(q, SigV4Verifier.P_EXPIRES, Long.toString(seconds));
        appendParam(q, SigV4Verifier.P_SIGNED_HEADERS, signedHeadersLine);
        if (sessionToken != null) {
            appendParam(q, SigV4Verifier.P_SECURITY_TOKEN, sessionToken);
        }
        String query = q.toString();
        SignedRequest canonicalView = view(request, query, toSign);
        String canonical = CanonicalRequest.build(canonicalView, CanonicalRequest.parseQuery(query), true, names,
                signedHeadersLine, payloadHash(toSign, request), normalizePath);
        String signature = signature(date, amzDate, scope, canonical);
        appendParam(q, SigV4Verifier.P_SIGNATURE, signature);
        return q.toString();
    }

    /** As botocore: a (signed) x-amz-content-sha256 value stands for the payload, else the real body hash. */
    private static String payloadHash(Map<String, List<String>> toSign, SignedRequest request) {
        List<String> contentSha = toSign.get("x-amz-content-sha256");
        return contentSha == null || contentSha.isEmpty() ? request.payloadSha256Hex() : contentSha.get(0).strip();
    }

    private static void appendParam(StringBuilder q, String key, String value) {
        if (q.length() > 0) {
            q.append('&');
        }
        q.append(key).append('=').append(CanonicalRequest.encode(value, false));
    }

    private String scope(String date) {
        return date + '/' + region + '/' + service + '/' + CanonicalRequest.TERMINATOR;
    }

    private String signature(String date, String amzDate, String scope, String canonical) {
        String stringToSign = CanonicalRequest.stringToSign(amzDate, scope, canonical);
        byte[] key = keyCache.signingKey(accessKeyId + '/' + scope, secret, date, region, service);
        return SigV4Digests.hex(SigV4Digests.hmac(key, stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    /** The request's headers that get signed, by lowercase name (sorted). */
    private static TreeMap<String, List<String>> signableHeaders(SignedRequest request) {
        TreeMap<String, List<String>> out = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
            if (!UNSIGNED_HEADERS.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static SignedRequest view(SignedRequest request, String rawQuery, Map<String, List<String>> headers) {
        SignedRequest.Builder b = SignedRequest.builder().method(request.method()).rawPath(request.rawPath())
                .rawQuery(rawQuery).payloadSha256Hex(request.payloadSha256Hex());
        headers.forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        return b.build();
    }

    private static SignedRequest toRequest(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalArgumentException("uri must be absolute with a host");
        }
        String path = uri.getRawPath();
        SignedRequest.Builder b = SignedRequest.builder().method(method)
                .rawPath(path == null || path.isEmpty() ? "/" : path).rawQuery(uri.getRawQuery()).body(body);
        boolean hasHost = false;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals("host")) {
                hasHost = true;
            }
            for (String v : e.getValue()) {
                b.header(e.getKey(), v);
            }
        }
        if (!hasHost) {
            b.header("host", hostOf(uri));
        }
        return b.build();
    }

    /** {@code host[:port]} as HTTP clients send it: the port only when it is not the scheme's default. */
    static String hostOf(URI uri) {
        String host = uri.getHost();
        int port = uri.getPort();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
        return defaultPort ? host : host + ':' + port;
    }

    @Override
    public String toString() {
        return "SigV4Signer[accessKeyId=" + accessKeyId + ", region=" + region + ", service=" + service + ']';
    }

    /** Builds a {@link SigV4Signer}; access key id, secret, region and service are required. */
    public static final class Builder {
        private String accessKeyId;
        private SigningSecret secret;
        private String sessionToken;
        private String region;
        private String service;
        private Clock clock = Clock.systemUTC();
        private boolean signContentSha256;
        private boolean normalizePath = true;

        private Builder() {
        }

        /** The access key id and its secret (copied; the caller may wipe the array). */
        public Builder credentials(String accessKeyId, char[] secretAccessKey) {
            this.accessKeyId = requireText(accessKeyId, "accessKeyId");
            this.secret = SigningSecret.of(secretAccessKey, accessKeyId);
            return this;
        }

        /** A session token for temporary credentials; {@code null} for none. */
        public Builder sessionToken(String sessionToken) {
            this.sessionToken = sessionToken;
            return this;
        }

        public Builder region(String region) {
            this.region = requireText(region, "region");
            return this;
        }

        /** The signing name of the service, e.g. {@code sagemaker}. */
        public Builder service(String service) {
            this.service = requireText(service, "service");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Also send and sign {@code x-amz-content-sha256} (as the Java v2 and JS v3 SDKs do). */
        public Builder signContentSha256(boolean sign) {
            this.signContentSha256 = sign;
            return this;
        }

        /** False only for the S3-style path rule. */
        public Builder normalizePath(boolean normalize) {
            this.normalizePath = normalize;
            return this;
        }

        public SigV4Signer build() {
            if (accessKeyId == null || secret == null || region == null || service == null) {
                throw new IllegalStateException("credentials, region and service are required");
            }
            return new SigV4Signer(this);
        }

        private static String requireText(String s, String name) {
            Objects.requireNonNull(s, name);
            if (s.isEmpty() || s.indexOf('/') >= 0) {
                throw new IllegalArgumentException(name + " must be non-empty and contain no '/'");
            }
            return s;
        }
    }
}
