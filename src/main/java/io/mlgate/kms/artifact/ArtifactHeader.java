package io.mlgate.kms.artifact;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import io.mlgate.kms.artifact.ArtifactException.Reason;

/**
 * The clear-text header of a model artifact: format version, wrapping key, encryption context, segment size,
 * plaintext size and SHA-256, and model metadata. Reading it needs no key; the fields become trustworthy only once
 * {@link ModelArtifacts} has verified them with the data key.
 */
public final class ArtifactHeader {

    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    static final byte[] MAGIC = {'M', 'L', 'G', 'A'};
    static final int NONCE_BYTES = 32;
    static final int TAG_BYTES = 32;
    static final int DIGEST_BYTES = 32;
    static final int MIN_SEGMENT_SIZE = 64;
    static final int MAX_SEGMENT_SIZE = 8 << 20;
    private static final int MAX_SECTION_BYTES = 64 * 1024;
    private static final int MAX_STRING_BYTES = 4096;
    private static final int MAX_ENTRIES = 256;

    private final String keyId;
    private final SortedMap<String, String> context;
    private final int segmentSize;
    private final long plaintextSize;
    private final byte[] plaintextSha256;
    private final byte[] nonce;
    private final SortedMap<String, String> metadata;
    private final byte[] wrappedDataKey;
    private final byte[] tag;
    private final byte[] bound;

    private ArtifactHeader(String keyId, Map<String, String> context, int segmentSize, long plaintextSize,
            byte[] plaintextSha256, byte[] nonce, Map<String, String> metadata, byte[] wrappedDataKey, byte[] tag,
            byte[] bound) {
        this.keyId = keyId;
        this.context = Collections.unmodifiableSortedMap(new TreeMap<>(context));
        this.segmentSize = segmentSize;
        this.plaintextSize = plaintextSize;
        this.plaintextSha256 = plaintextSha256;
        this.nonce = nonce;
        this.metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
        this.wrappedDataKey = wrappedDataKey;
        this.tag = tag;
        this.bound = bound;
    }

    /** A header before its tag is known (the tag needs the data key): {@link #withTag(byte[])} completes it. */
    static ArtifactHeader unsigned(String keyArn, Map<String, String> context, int segmentSize, long plaintextSize,
            byte[] sha256, byte[] nonce, Map<String, String> metadata, byte[] wrappedDataKey) {
        checkSegmentSize(segmentSize);
        checkEntries(context, "encryption context");
        checkEntries(metadata, "metadata");
        checkString(keyArn, "key id");
        if (wrappedDataKey.length == 0 || wrappedDataKey.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("wrapped data key has an unusable length " + wrappedDataKey.length);
        }
        byte[] bound = encodeBound(segmentSize, plaintextSize, sha256, nonce, metadata);
        return new ArtifactHeader(keyArn, context, segmentSize, plaintextSize, sha256.clone(), nonce.clone(),
                metadata, wrappedDataKey.clone(), new byte[TAG_BYTES], bound);
    }

    ArtifactHeader withTag(byte[] newTag) {
        return new ArtifactHeader(keyId, context, segmentSize, plaintextSize, plaintextSha256, nonce, metadata,
                wrappedDataKey, newTag.clone(), bound);
    }

    /** The same header with the data key wrapped anew: the bound fields and the tag are kept byte for byte. */
    ArtifactHeader rewrapped(String newKeyArn, Map<String, String> newContext, byte[] newWrappedDataKey) {
        checkString(newKeyArn, "key id");
        checkEntries(newContext, "encryption context");
        return new ArtifactHeader(newKeyArn, newContext, segmentSize, plaintextSize, plaintextSha256, nonce,
                metadata, newWrappedDataKey.clone(), tag, bound);
    }

    /** The format version ({@value #FORMAT_VERSION}). */
    public int formatVersion() {
        return FORMAT_VERSION;
    }

    /** The ARN of the customer key that wraps the data key, as the key service reported it. */
    public String keyId() {
        return keyId;
    }

    /** The encryption context the data key is wrapped under, sorted by key. */
    public SortedMap<String, String> encryptionContext() {
        return context;
    }

    /** Plaintext bytes per body segment (each sealed segment is 16 bytes longer). */
    public int segmentSize() {
        return segmentSize;
    }

    /** The model's size in bytes. */
    public long plaintextSize() {
        return plaintextSize;
    }

    /** The model's SHA-256, lower-case hex. */
    public String plaintextSha256() {
        return HexFormat.of().formatHex(plaintextSha256);
    }

    /** Model metadata (for example {@code name}), sorted by key. */
    public SortedMap<String, String> metadata() {
        return metadata;
    }

    /** The length of the wrapped data key (the key service's ciphertext blob). */
    public int wrappedDataKeyLength() {
        return wrappedDataKey.length;
    }

    /** The number of body segments: at least one, the last possibly short or empty. */
    public long segmentCount() {
        return segmentCount(plaintextSize, segmentSize);
    }

    static long segmentCount(long plaintextSize, int segmentSize) {
        return plaintextSize == 0 ? 1 : (plaintextSize + segmentSize - 1) / segmentSize;
    }

    byte[] sha256Bytes() {
        return plaintextSha256;
    }

    byte[] nonce() {
        return nonce;
    }

    byte[] wrappedDataKey() {
        return wrappedDataKey.clone();
    }

    byte[] tag() {
        return tag;
    }

    /** The authenticated bytes: magic, version, bound-section length and the bound section. */
    byte[] bound() {
        return bound;
    }

    /** The full header as written: bound bytes, tag, wrapping section. */
    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(bound.length + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(bound);
            out.write(tag);
            ByteArrayOutputStream section = new ByteArrayOutputStream(256);
            DataOutputStream s = new DataOutputStream(section);
            writeString(s, keyId);
            writeEntries(s, context);
            s.writeShort(wrappedDataKey.length);
            s.write(wrappedDataKey);
            if (section.size() > MAX_SECTION_BYTES) {
                throw new IllegalArgumentException("wrapping section too large");
            }
            out.writeInt(section.size());
            section.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encodeBound(int segmentSize, long plaintextSize, byte[] sha256, byte[] nonce,
            Map<String, String> metadata) {
        if (plaintextSize < 0 || sha256.length != DIGEST_BYTES || nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("bad header fields");
        }
        ByteArrayOutputStream section = new ByteArrayOutputStream(256);
        try (DataOutputStream s = new DataOutputStream(section)) {
            s.writeInt(segmentSize);
            s.writeLong(plaintextSize);
            s.write(sha256);
            s.write(nonce);
            writeEntries(s, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (section.size() > MAX_SECTION_BYTES) {
            throw new IllegalArgumentException("metadata too large");
        }
        ByteBuffer bound = ByteBuffer.allocate(MAGIC.length + 1 + 4 + section.size());
        bound.put(MAGIC).put((byte) FORMAT_VERSION).putInt(section.size()).put(section.toByteArray());
        return bound.array();
    }

    /**
     * Reads a header from {@code in}, leaving it at the first body byte. Checks structure only, not authenticity.
     *
     * @throws ArtifactException with {@link Reason#HEADER_TAMPERED}, {@link Reason#UNSUPPORTED_VERSION} or
     *         {@link Reason#TRUNCATED}
     */
    static ArtifactHeader read(InputStream in) throws IOException {
        byte[] start = readExactly(in, MAGIC.length + 1 + 4);
        if (!Arrays.equals(start, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new ArtifactException(Reason.HEADER_TAMPERED,
                    "not an mlgate model artifact (bad magic bytes): another kind of file, or its header was modified");
        }
        int version = start[MAGIC.length] & 0xff;
        if (version != FORMAT_VERSION) {
            throw new ArtifactException(Reason.UNSUPPORTED_VERSION, "unsupported model artifact format version "
                    + version + " (this mlgate reads version " + FORMAT_VERSION
                    + "): written by another mlgate release, or the header was modified");
        }
        int boundLength = ByteBuffer.wrap(start, MAGIC.length + 1, 4).getInt();
        if (boundLength < 0 || boundLength > MAX_SECTION_BYTES) {
            throw malformed("header section length " + Integer.toUnsignedString(boundLength) + " is out of range");
        }
        byte[] section = readExactly(in, boundLength);
        byte[] tag = readExactly(in, TAG_BYTES);
        byte[] lengthBytes = readExactly(in, 4);
        int wrappingLength = ByteBuffer.wrap(lengthBytes).getInt();
        if (wrappingLength < 0 || wrappingLength > MAX_SECTION_BYTES) {
            throw malformed("wrapping section length " + Integer.toUnsignedString(wrappingLength)
                    + " is out of range");
        }
        byte[] wrapping = readExactly(in, wrappingLength);

        ByteBuffer b = ByteBuffer.wrap(section);
        ByteBuffer w = ByteBuffer.wrap(wrapping);
        try {
            int segmentSize = b.getInt();
            long plaintextSize = b.getLong();
            byte[] sha = new byte[DIGEST_BYTES];
            b.get(sha);
            byte[] nonce = new byte[NONCE_BYTES];
            b.get(nonce);
            Map<String, String> metadata = readEntries(b, "metadata");
            expectEnd(b, "header section");
            if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
                throw malformed("segment size " + segmentSize + " is out of range");
            }
            if (plaintextSize < 0) {
                throw malformed("plaintext size is negative");
            }
            String keyId = readString(w, "key id");
            Map<String, String> context = readEntries(w, "encryption context");
            byte[] wrapped = new byte[w.getShort() & 0xffff];
            w.get(wrapped);
            expectEnd(w, "wrapping section");
            if (wrapped.length == 0) {
                throw malformed("wrapped data key is empty");
            }
            byte[] bound = new byte[start.length + section.length];
            System.arraycopy(start, 0, bound, 0, start.length);
            System.arraycopy(section, 0, bound, start.length, section.length);
            return new ArtifactHeader(keyId, context, segmentSize, plaintextSize, sha, nonce, metadata, wrapped, tag,
                    bound);
        } catch (java.nio.BufferUnderflowException e) {
            throw malformed("a field runs past the end of its section");
        }
    }

    private static ArtifactException malformed(String what) {
        return new ArtifactException(Reason.HEADER_TAMPERED, "artifact header is malformed (" + what
                + "): the header was modified");
    }

    private static void expectEnd(ByteBuffer b, String section) {
        if (b.hasRemaining()) {
            throw malformed(section + " has " + b.remaining() + " unexpected trailing bytes");
        }
    }

    static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new ArtifactException(Reason.TRUNCATED, "artifact is truncated inside its header");
        }
        return bytes;
    }

    private static void writeEntries(DataOutputStream out, Map<String, String> entries) throws IOException {
        out.writeShort(entries.size());
        for (Map.Entry<String, String> e : new TreeMap<>(entries).entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    private static Map<String, String> readEntries(ByteBuffer b, String what) {
        int count = b.getShort() & 0xffff;
        if (count > MAX_ENTRIES) {
            throw malformed(what + " has " + count + " entries");
        }
        TreeMap<String, String> entries = new TreeMap<>();
        String previous = null;
        for (int i = 0; i < count; i++) {
            String key = readString(b, what + " key");
            String value = readString(b, what + " value");
            if (previous != null && previous.compareTo(key) >= 0) {
                throw malformed(what + " keys are not sorted and unique");
            }
            previous = key;
            entries.put(key, value);
        }
        return entries;
    }

    private static String readString(ByteBuffer b, String what) {
        byte[] bytes = new byte[b.getShort() & 0xffff];
        b.get(bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw malformed(what + " is not UTF-8");
        }
    }

    static void checkSegmentSize(int segmentSize) {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size must be " + MIN_SEGMENT_SIZE + ".." + MAX_SEGMENT_SIZE);
        }
    }

    static void checkEntries(Map<String, String> entries, String what) {
        Objects.requireNonNull(entries, what + " (use Map.of() for none)");
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(what + " has more than " + MAX_ENTRIES + " entries");
        }
        entries.forEach((k, v) -> {
            checkString(k, what + " key");
            checkString(v, what + " value");
        });
    }

    private static void checkString(String s, String what) {
        Objects.requireNonNull(s, what);
        if (s.getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_STRING_BYTES + " bytes");
        }
    }

    @Override
    public String toString() {
        return "ArtifactHeader[version=" + FORMAT_VERSION + ", keyId=" + keyId + ", context=" + context
                + ", segmentSize=" + segmentSize + ", plaintextSize=" + plaintextSize + ", sha256="
                + plaintextSha256() + ", metadata=" + metadata + "]";
    }
}
