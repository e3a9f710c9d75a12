package io.mlgate.runtime.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The header of an encrypted capture file ({@value #EXTENSION}): which KMS key wraps the file's data key, the wrapped
 * data key, the encryption context it was generated under (naming the endpoint, the variant and the file), and a key
 * commitment that tells the right data key from a wrong one before any frame is read. Layout (big-endian):
 * <pre>
 * magic "MLGC" (4) | version 1 (1) | body length (u32) | body:
 *   key ARN (u16 length + UTF-8) | wrapped data key (u16 length + bytes) |
 *   context entries (u16 count, each: u16 length + UTF-8 key, u16 length + UTF-8 value; sorted by key) |
 *   key commitment (32): HMAC-SHA256 under a key derived from the data key, over every header byte before it
 * </pre>
 * The SHA-256 of the whole header is bound into every frame (see {@link CaptureFileSealer}); KMS binds the context
 * to the wrapped key, so neither can be changed without the file failing to open.
 */
public final class CaptureFileHeader {

    /** The file name suffix of encrypted capture files. */
    public static final String EXTENSION = ".jsonl.mlgc";
    /** Encryption context key: the endpoint whose calls the file holds. */
    public static final String ENDPOINT = "capture-endpoint";
    /** Encryption context key: the production variant that served them. */
    public static final String VARIANT = "capture-variant";
    /** Encryption context key: the file, relative to its variant folder ({@code yyyy/mm/dd/hh/NAME.jsonl.mlgc}). */
    public static final String FILE = "capture-file";

    /** The encryption context of a capture file: its endpoint, variant, and path relative to the variant folder. */
    public static Map<String, String> context(String endpoint, String variant, String file) {
        Map<String, String> context = new TreeMap<>();
        context.put(ENDPOINT, Objects.requireNonNull(endpoint, "endpoint"));
        context.put(VARIANT, Objects.requireNonNull(variant, "variant"));
        context.put(FILE, Objects.requireNonNull(file, "file"));
        return Collections.unmodifiableMap(context);
    }

    static final byte[] MAGIC = {'M', 'L', 'G', 'C'};
    static final int VERSION = 1;
    /** Magic, version and body length. */
    static final int PREFIX_BYTES = 9;
    static final int COMMITMENT_BYTES = 32;
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final String keyArn;
    private final byte[] wrappedKey;
    private final Map<String, String> context;
    private final byte[] commitment;
    private final byte[] encoded;

    private CaptureFileHeader(String keyArn, byte[] wrappedKey, Map<String, String> context, byte[] commitment,
                              byte[] encoded) {
        this.keyArn = keyArn;
        this.wrappedKey = wrappedKey;
        this.context = Collections.unmodifiableMap(new TreeMap<>(context));
        this.commitment = commitment;
        this.encoded = encoded;
    }

    /** The header bytes up to (not including) the commitment: what the commitment covers. */
    static byte[] prefixOf(String keyArn, byte[] wrappedKey, Map<String, String> context) {
        Objects.requireNonNull(keyArn, "keyArn");
        Objects.requireNonNull(wrappedKey, "wrappedKey");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, keyArn);
        bytes(body, wrappedKey);
        Map<String, String> sorted = new TreeMap<>(context);
        u16(body, sorted.size());
        sorted.forEach((k, v) -> {
            string(body, k);
            string(body, v);
        });
        int bodyLength = body.size() + COMMITMENT_BYTES;
        if (bodyLength > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("capture file header too large");
        }
        ByteBuffer out = ByteBuffer.allocate(PREFIX_BYTES + body.size());
        out.put(MAGIC).put((byte) VERSION).putInt(bodyLength).put(body.toByteArray());
        return out.array();
    }

    /** The header made of {@link #prefixOf} and its commitment. */
    static CaptureFileHeader of(String keyArn, byte[] wrappedKey, Map<String, String> context, byte[] prefix,
                                byte[] commitment) {
        if (commitment.length != COMMITMENT_BYTES) {
            throw new IllegalArgumentException("commitment must be 32 bytes");
        }
        byte[] encoded = new byte[prefix.length + COMMITMENT_BYTES];
        System.arraycopy(prefix, 0, encoded, 0, prefix.length);
        System.arraycopy(commitment, 0, encoded, prefix.length, COMMITMENT_BYTES);
        return new CaptureFileHeader(keyArn, wrappedKey.clone(), context, commitment.clone(), encoded);
    }

    /**
     * The body length a header prefix announces, or -1 if the 9 bytes are not an mlgate capture file header of a
     * version this code reads.
     */
    static int bodyLength(byte[] prefix) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (prefix[i] != MAGIC[i]) {
                return -1;
            }
        }
        if (prefix[4] != VERSION) {
            return -1;
        }
        int length = ByteBuffer.wrap(prefix, 5, 4).getInt();
        return length < COMMITMENT_BYTES + 6 || length > MAX_BODY_BYTES ? -1 : length;
    }

    /**
     * Parses a complete header (prefix and body).
     *
     * @throws IllegalArgumentException if it is malformed
     */
    static CaptureFileHeader parse(byte[] encoded) {
        if (encoded.length < PREFIX_BYTES || bodyLength(encoded) != encoded.length - PREFIX_BYTES) {
            throw new IllegalArgumentException("not a capture file header");
        }
        ByteBuffer in = ByteBuffer.wrap(encoded, PREFIX_BYTES, encoded.length - PREFIX_BYTES - COMMITMENT_BYTES);
        try {
            String keyArn = readString(in);
            byte[] wrapped = readBytes(in);
            int count = Short.toUnsignedInt(in.getShort());
            Map<String, String> context = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                String k = readString(in);
                if (context.put(k, readString(in)) != null) {
                    throw new IllegalArgumentException("repeated encryption context key");
                }
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes in the header");
            }
            byte[] commitment = new byte[COMMITMENT_BYTES];
            System.arraycopy(encoded, encoded.length - COMMITMENT_BYTES, commitment, 0, COMMITMENT_BYTES);
            return new CaptureFileHeader(keyArn, wrapped, context, commitment, encoded.clone());
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated header fields");
        }
    }

    /** The ARN of the KMS key that wraps the data key. */
    public String keyArn() {
        return keyArn;
    }

    /** The wrapped data key (KMS ciphertext blob). */
    public byte[] wrappedKey() {
        return wrappedKey.clone();
    }

    /** The encryption context of the data key, sorted by key. */
    public Map<String, String> context() {
        return context;
    }

    byte[] commitment() {
        return commitment.clone();
    }

    /** The header's bytes before the commitment. */
    byte[] commitmentInput() {
        byte[] out = new byte[encoded.length - COMMITMENT_BYTES];
        System.arraycopy(encoded, 0, out, 0, out.length);
        return out;
    }

    /** The header as written at the start of the file. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** Its length in bytes. */
    public int length() {
        return encoded.length;
    }

    /** SHA-256 of the header: bound into every frame's associated data. */
    byte[] hash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(encoded);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("field too long for a capture file header");
        }
        out.write(v >>> 8);
        out.write(v & 0xFF);
    }

    private static void bytes(ByteArrayOutputStream out, byte[] b) {
        u16(out, b.length);
        out.writeBytes(b);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] readBytes(ByteBuffer in) {
        byte[] b = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(b);
        return b;
    }

    private static String readString(ByteBuffer in) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(readBytes(in)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a header string is not UTF-8");
        }
    }

    @Override
    public String toString() {
        return "CaptureFileHeader[" + keyArn + " " + context + "]";
    }
}
