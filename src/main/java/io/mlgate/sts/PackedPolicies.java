package io.mlgate.sts;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The session policies of a session as carried inside its token: insignificant JSON whitespace removed, then
 * DEFLATE-compressed with a preset dictionary of common policy text. {@link #pack} also computes AWS's
 * {@code PackedPolicySize} (policies plus session tags, as a percentage of the allowed space) and refuses more than
 * 100% with {@code PackedPolicyTooLarge}.
 */
public final class PackedPolicies {

    /** Bytes of packed policies and tags a session may carry (100% of PackedPolicySize). */
    public static final int PACKED_LIMIT_BYTES = 2048;
    /** Largest uncompressed policy text accepted from a token (guards inflation). */
    static final int MAX_INFLATED_BYTES = 64 * 1024;

    static final PackedPolicies NONE = new PackedPolicies(new byte[0], 0, 0);

    private static final byte[] DICTIONARY = ("\"Condition\":{\"StringEquals\":{\"StringLike\":{\"aws:PrincipalTag/"
            + "\"aws:RequestTag/\"aws:ResourceTag/\"Resource\":\"arn:aws:sagemaker:us-east-1:\"Resource\":\"*\""
            + "\"Resource\":[\"arn:aws:iam::\"Action\":[\"sagemaker:\"Action\":\"sagemaker:InvokeEndpoint\""
            + "\"Effect\":\"Deny\",\"Effect\":\"Allow\",{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"")
            .getBytes(StandardCharsets.US_ASCII);

    private final byte[] compressed;
    private final int count;
    private final int percent;

    private PackedPolicies(byte[] compressed, int count, int percent) {
        this.compressed = compressed;
        this.count = count;
        this.percent = percent;
    }

    /**
     * Packs session policies and measures them with the session tags.
     *
     * @throws PackedPolicyTooLargeException if policies and tags together exceed {@link #PACKED_LIMIT_BYTES}
     */
    public static PackedPolicies pack(List<SessionPolicy> policies, Map<String, String> sessionTags)
            throws PackedPolicyTooLargeException {
        int tagBytes = 0;
        for (Map.Entry<String, String> t : sessionTags.entrySet()) {
            tagBytes += t.getKey().getBytes(StandardCharsets.UTF_8).length
                    + t.getValue().getBytes(StandardCharsets.UTF_8).length + 2;
        }
        byte[] compressed = new byte[0];
        if (!policies.isEmpty()) {
            WireBuffer w = new WireBuffer(1024);
            w.varint(policies.size());
            for (SessionPolicy p : policies) {
                w.string(p.arn());
                w.raw(p.isInline() ? minify(p.document()).getBytes(StandardCharsets.UTF_8) : new byte[0]);
            }
            compressed = deflate(w.toByteArray());
        }
        int used = compressed.length + tagBytes;
        int percent = used == 0 ? 0 : Math.max(1, (int) Math.ceil(used * 100.0 / PACKED_LIMIT_BYTES));
        if (used > PACKED_LIMIT_BYTES) {
            throw new PackedPolicyTooLargeException(percent);
        }
        return new PackedPolicies(compressed, policies.size(), percent);
    }

    /** No session policies, measured with the session tags. */
    public static PackedPolicies none(Map<String, String> sessionTags) throws PackedPolicyTooLargeException {
        return pack(List.of(), sessionTags);
    }

    /** AWS's PackedPolicySize: percent of the allowed space used by policies and tags (0 when none were passed). */
    public int packedPolicySizePercent() {
        return percent;
    }

    int count() {
        return count;
    }

    byte[] compressed() {
        return compressed;
    }

    static PackedPolicies fromToken(byte[] compressed, int count) {
        if (count < 0 || (count == 0) != (compressed.length == 0)) {
            throw new IllegalArgumentException("inconsistent policy count");
        }
        return count == 0 ? NONE : new PackedPolicies(compressed, count, 0);
    }

    List<SessionPolicy> policies() {
        if (count == 0) {
            return List.of();
        }
        WireBuffer.Reader r = new WireBuffer.Reader(inflate(compressed));
        int n = (int) r.varint();
        if (n != count) {
            throw new IllegalStateException("packed policies are inconsistent");
        }
        List<SessionPolicy> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String arn = r.string();
            byte[] doc = r.raw();
            out.add(arn == null ? SessionPolicy.inline(new String(doc, StandardCharsets.UTF_8)) : SessionPolicy.managed(arn));
        }
        return List.copyOf(out);
    }

    /** Removes whitespace outside JSON strings. */
    static String minify(String json) {
        StringBuilder b = new StringBuilder(json.length());
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                b.append(c);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                b.append(c);
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static byte[] deflate(byte[] input) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            d.setDictionary(DICTIONARY);
            d.setInput(input);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 2 + 16);
            byte[] buf = new byte[1024];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(byte[] input) {
        Inflater inf = new Inflater(true);
        try {
            inf.setDictionary(DICTIONARY);
            inf.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length * 3);
            byte[] buf = new byte[2048];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IllegalStateException("packed policies are truncated");
                }
                out.write(buf, 0, n);
                if (out.size() > MAX_INFLATED_BYTES) {
                    throw new IllegalStateException("packed policies are too large");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("packed policies are corrupt");
        } finally {
            inf.end();
        }
    }
}
