package io.mlgate.auth.sigv4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SigV4 canonical form of a request (reference §2): canonical URI (normalised raw path, encoded again), canonical
 * query (decoded once, re-encoded, sorted), canonical headers and the payload hash line. Shared by verifier and signer.
 */
final class CanonicalRequest {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final String TERMINATOR = "aws4_request";
    static final String SIGNATURE_PARAM = "X-Amz-Signature";

    private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

    private CanonicalRequest() {
    }

    /** One query parameter, key and value already in canonical (decode-once, re-encode) form. */
    record Param(String key, String value) implements Comparable<Param> {
        @Override
        public int compareTo(Param o) {
            int c = key.compareTo(o.key);
            return c != 0 ? c : value.compareTo(o.value);
        }

        /** The value percent-decoded to text (for the X-Amz-* authentication parameters). */
        String decodedValue() {
            return decodeToString(value);
        }
    }

    // ---------------------------------------------------------------- full canonical request and string to sign

    /**
     * Builds the canonical request text.
     *
     * @param signedHeaders lowercase, sorted names (each must be present in the request)
     * @param params the parsed query parameters in any order; {@code X-Amz-Signature} is left out when
     *               {@code dropSignature} is set (query form)
     */
    static String build(SignedRequest req, List<Param> params, boolean dropSignature, String[] signedHeaders,
                        String signedHeadersLine, String payloadHash, boolean normalizePath) {
        StringBuilder sb = new StringBuilder(256 + req.rawPath().length() + req.rawQuery().length());
        sb.append(req.method()).append('\n');
        appendCanonicalUri(sb, req.rawPath(), normalizePath);
        sb.append('\n');
        appendCanonicalQuery(sb, params, dropSignature);
        sb.append('\n');
        for (String name : signedHeaders) {
            List<String> values = req.headers().get(name);
            sb.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendTrimmedCollapsed(sb, values.get(i));
            }
            sb.append('\n');
        }
        sb.append('\n').append(signedHeadersLine).append('\n').append(payloadHash);
        return sb.toString();
    }

    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        String hash = SigV4Digests.sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        return new StringBuilder(ALGORITHM.length() + amzDate.length() + scope.length() + 70)
                .append(ALGORITHM).append('\n').append(amzDate).append('\n').append(scope).append('\n').append(hash)
                .toString();
    }

    // ---------------------------------------------------------------- URI

    static String canonicalUri(String rawPath, boolean normalize) {
        StringBuilder sb = new StringBuilder(rawPath.length() + 16);
        appendCanonicalUri(sb, rawPath, normalize);
        return sb.toString();
    }

    static void appendCanonicalUri(StringBuilder sb, String rawPath, boolean normalize) {
        String path = normalize ? removeDotSegments(rawPath) : rawPath;
        if (path.isEmpty()) {
            path = "/";
        }
        // Non-S3 rule: the raw (already encoded) path is encoded once more, keeping '/'.
        appendEncoded(sb, path, true);
    }

    /**
     * Drops {@code .} segments, resolves {@code ..}, collapses empty segments, keeps a trailing slash when the result
     * is non-empty, and yields {@code /} for an empty result of an absolute path.
     */
    static String removeDotSegments(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        if (path.indexOf("//") < 0 && path.indexOf("/.") < 0 && path.charAt(0) == '/') {
            return path; // nothing to do: the common case
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = path.length();
        while (start <= n) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? n : slash;
            String seg = path.substring(start, end);
            if (seg.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
            } else if (!seg.isEmpty() && !seg.equals(".")) {
                out.add(seg);
            }
            start = end + 1;
        }
        StringBuilder sb = new StringBuilder(n);
        if (path.charAt(0) == '/') {
            sb.append('/');
        }
        for (int i = 0; i < out.size(); i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(out.get(i));
        }
        if (!out.isEmpty() && path.charAt(n - 1) == '/') {
            sb.append('/');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- query

    /** Splits a raw query on {@code &} and the first {@code =}, canonicalising each key and value. */
    static List<Param> parseQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return List.of();
        }
        List<Param> params = new ArrayList<>(8);
        int start = 0;
        int n = rawQuery.length();
        while (start <= n) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                if (eq < 0 || eq > end) {
                    params.add(new Param(canonicalComponent(rawQuery, start, end), ""));
                } else {
                    params.add(new Param(canonicalComponent(rawQuery, start, eq),
                            canonicalComponent(rawQuery, eq + 1, end)));
                }
            }
            start = end + 1;
        }
        return params;
    }

    static String canonicalQuery(List<Param> params, boolean dropSignature) {
        StringBuilder sb = new StringBuilder(64);
        appendCanonicalQuery(sb, params, dropSignature);
        return sb.toString();
    }

    private static void appendCanonicalQuery(StringBuilder sb, List<Param> params, boolean dropSignature) {
        if (params.isEmpty()) {
            return;
        }
        Param[] sorted = params.toArray(new Param[0]);
        Arrays.sort(sorted);
        boolean first = true;
        for (Param p : sorted) {
            if (dropSignature && p.key().equals(SIGNATURE_PARAM)) {
                continue;
            }
            if (!first) {
                sb.append('&');
            }
            first = false;
            sb.append(p.key()).append('=').append(p.value());
        }
    }

    /** Percent-decodes {@code raw[from, to)} once (invalid escapes stay literal) and re-encodes it canonically. */
    static String canonicalComponent(String raw, int from, int to) {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            if (!isUnreserved(raw.charAt(i))) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return raw.substring(from, to);
        }
        byte[] bytes = percentDecode(raw.substring(from, to));
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            appendEncodedByte(sb, b);
        }
        return sb.toString();
    }

    /** Encodes text with the SigV4 alphabet (unreserved literal, everything else %XX of UTF-8). */
    static String encode(String text, boolean keepSlash) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        appendEncoded(sb, text, keepSlash);
        return sb.toString();
    }

    private static void appendEncoded(StringBuilder sb, String text, boolean keepSlash) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (isUnreserved(c) || keepSlash && c == '/') {
                sb.append(c);
                i++;
            } else if (c < 0x80) {
                appendEncodedByte(sb, (byte) c);
                i++;
            } else {
                int cp = text.codePointAt(i);
                int cpLen = Character.charCount(cp);
                byte[] utf8 = text.substring(i, i + cpLen).getBytes(StandardCharsets.UTF_8);
                for (byte b : utf8) {
                    appendEncodedByte(sb, b);
                }
                i += cpLen;
            }
        }
    }

    private static void appendEncodedByte(StringBuilder sb, byte b) {
        int v = b & 0xff;
        if (v < 0x80 && isUnreserved((char) v)) {
            sb.append((char) v);
        } else {
            sb.append('%').append(UPPER_HEX[v >>> 4]).append(UPPER_HEX[v & 0x0f]);
        }
    }

    static boolean isUnreserved(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '_' || c == '.' || c == '~';
    }

    private static byte[] percentDecode(String s) {
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int o = 0;
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%' && i + 2 < in.length && hexVal(in[i + 1]) >= 0 && hexVal(in[i + 2]) >= 0) {
                out[o++] = (byte) (hexVal(in[i + 1]) << 4 | hexVal(in[i + 2]));
                i += 2;
            } else {
                out[o++] = b;
            }
        }
        return Arrays.copyOf(out, o);
    }

    static String decodeToString(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        return new String(percentDecode(s), StandardCharsets.UTF_8);
    }

    private static int hexVal(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }

    // ---------------------------------------------------------------- headers

    /** Appends the value with leading/trailing whitespace removed and each inner run collapsed to one space. */
    static void appendTrimmedCollapsed(StringBuilder sb, String value) {
        int n = value.length();
        int start = 0;
        while (start < n && isSpace(value.charAt(start))) {
            start++;
        }
        int end = n;
        while (end > start && isSpace(value.charAt(end - 1))) {
            end--;
        }
        boolean inSpace = false;
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (isSpace(c)) {
                if (!inSpace) {
                    sb.append(' ');
                    inSpace = true;
                }
            } else {
                sb.append(c);
                inSpace = false;
            }
        }
    }

    static String trimCollapse(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        appendTrimmedCollapsed(sb, value);
        return sb.toString();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
