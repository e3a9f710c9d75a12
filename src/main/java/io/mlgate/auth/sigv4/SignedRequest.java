package io.mlgate.auth.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, transport-neutral view of one HTTP request as it arrived on the wire: method, raw path and query,
 * headers (lowercase names, values in arrival order) and the hex SHA-256 of the body, which is what SigV4 signs.
 */
public final class SignedRequest {

    private final String method;
    private final String rawPath;
    private final String rawQuery;
    private final Map<String, List<String>> headers;
    private final String payloadSha256Hex;

    private SignedRequest(Builder b) {
        this.method = b.method;
        this.rawPath = b.rawPath;
        this.rawQuery = b.rawQuery == null ? "" : b.rawQuery;
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>(b.headers.size() * 2);
        for (Map.Entry<String, List<String>> e : b.headers.entrySet()) {
            copy.put(e.getKey(), List.copyOf(e.getValue()));
        }
        this.headers = Collections.unmodifiableMap(copy);
        this.payloadSha256Hex = b.payloadSha256Hex;
    }

    /** Starts a new request; method, raw path and payload hash are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this request's values, to derive a modified copy. */
    public Builder toBuilder() {
        Builder b = new Builder().method(method).rawPath(rawPath).rawQuery(rawQuery).payloadSha256Hex(payloadSha256Hex);
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            for (String v : e.getValue()) {
                b.header(e.getKey(), v);
            }
        }
        return b;
    }

    /** The HTTP method exactly as received (e.g. {@code POST}). */
    public String method() {
        return method;
    }

    /** The path as sent on the wire, still percent-encoded (never decoded or normalised). */
    public String rawPath() {
        return rawPath;
    }

    /** The query string as sent on the wire without the leading {@code ?}; empty when there is none. */
    public String rawQuery() {
        return rawQuery;
    }

    /** All headers: lowercase names in arrival order, each with its values in arrival order. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The values of one header (name in any case), in arrival order; empty when absent. */
    public List<String> headerValues(String name) {
        List<String> values = headers.get(lower(name));
        return values == null ? List.of() : values;
    }

    /** The first value of one header (name in any case), or {@code null} when absent. */
    public String firstHeader(String name) {
        List<String> values = headers.get(lower(name));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Lowercase hex SHA-256 of the exact body bytes, as computed by whoever buffered the body. */
    public String payloadSha256Hex() {
        return payloadSha256Hex;
    }

    @Override
    public String toString() {
        // Header values may carry session tokens; show names only.
        return "SignedRequest[" + method + ' ' + rawPath + (rawQuery.isEmpty() ? "" : "?…")
                + ", headers=" + headers.keySet() + ']';
    }

    /**
     * Parses the plain-text HTTP message format of the AWS signing test suite: a request line
     * ({@code METHOD target HTTP/1.1}, where the target may contain spaces and raw UTF-8), {@code Name:value} header
     * lines (obs-fold continuation lines starting with a space or tab are joined to the previous value with one
     * space), an empty line, then the body (UTF-8; its SHA-256 becomes the payload hash). LF and CRLF are accepted.
     *
     * @throws IllegalArgumentException if the request line or a header line is malformed
     */
    public static SignedRequest parseHttpMessage(String message) {
        Objects.requireNonNull(message, "message");
        int pos = 0;
        int len = message.length();
        String requestLine = null;
        Builder b = new Builder();
        String pendingName = null;
        StringBuilder pendingValue = null;
        String body = "";
        while (pos <= len) {
            int nl = message.indexOf('\n', pos);
            int lineEnd = nl < 0 ? len : nl;
            int next = nl < 0 ? len + 1 : nl + 1;
            String line = message.substring(pos, lineEnd);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            pos = next;
            if (requestLine == null) {
                requestLine = line;
                continue;
            }
            if (line.isEmpty()) {
                body = pos <= len ? message.substring(Math.min(pos, len)) : "";
                break;
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                if (pendingName == null) {
                    throw new IllegalArgumentException("continuation line without a header");
                }
                pendingValue.append(' ').append(line.strip());
                continue;
            }
            if (pendingName != null) {
                b.header(pendingName, pendingValue.toString());
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("malformed header line");
            }
            pendingName = line.substring(0, colon).strip();
            pendingValue = new StringBuilder(line.substring(colon + 1).strip());
        }
        if (pendingName != null) {
            b.header(pendingName, pendingValue.toString());
        }
        if (requestLine == null || requestLine.isEmpty()) {
            throw new IllegalArgumentException("missing request line");
        }
        int firstSpace = requestLine.indexOf(' ');
        int lastSpace = requestLine.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace || !requestLine.startsWith("HTTP/", lastSpace + 1)) {
            throw new IllegalArgumentException("malformed request line");
        }
        String target = requestLine.substring(firstSpace + 1, lastSpace);
        int q = target.indexOf('?');
        b.method(requestLine.substring(0, firstSpace));
        b.rawPath(q < 0 ? target : target.substring(0, q));
        b.rawQuery(q < 0 ? "" : target.substring(q + 1));
        b.body(body.getBytes(StandardCharsets.UTF_8));
        return b.build();
    }

    static String lower(String name) {
        // Fast path: header names are usually already lowercase ASCII.
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 0x7f) {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        return name;
    }

    /** Builds a {@link SignedRequest}; header names are lowercased and repeated headers kept as separate values. */
    public static final class Builder {
        private String method;
        private String rawPath;
        private String rawQuery = "";
        private final LinkedHashMap<String, List<String>> headers = new LinkedHashMap<>();
        private String payloadSha256Hex;

        private Builder() {
        }

        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /** The undecoded path exactly as on the wire (e.g. Netty {@code uri()} up to {@code ?}). */
        public Builder rawPath(String rawPath) {
            this.rawPath = Objects.requireNonNull(rawPath, "rawPath");
            return this;
        }

        /** The undecoded query string without {@code ?}; {@code null} means none. */
        public Builder rawQuery(String rawQuery) {
            this.rawQuery = rawQuery == null ? "" : rawQuery;
            return this;
        }

        /** Appends one header value (a repeated header is added once per occurrence, in arrival order). */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            headers.computeIfAbsent(lower(name), k -> new ArrayList<>(1)).add(value);
            return this;
        }

        /** Removes every value of one header. */
        public Builder removeHeader(String name) {
            headers.remove(lower(name));
            return this;
        }

        /** Sets the body hash computed by the caller: 64 lowercase hex characters. */
        public Builder payloadSha256Hex(String hex) {
            Objects.requireNonNull(hex, "payloadSha256Hex");
            if (!SigV4Digests.isLowerHex64(hex)) {
                throw new IllegalArgumentException("payload hash must be 64 lowercase hex characters");
            }
            this.payloadSha256Hex = hex;
            return this;
        }

        /** Convenience for small bodies: hashes the bytes and sets the payload hash. */
        public Builder body(byte[] body) {
            this.payloadSha256Hex = SigV4Digests.sha256Hex(body);
            return this;
        }

        public SignedRequest build() {
            if (method == null || rawPath == null || payloadSha256Hex == null) {
                throw new IllegalStateException("method, rawPath and payload hash are required");
            }
            return new SignedRequest(this);
        }
    }
}
