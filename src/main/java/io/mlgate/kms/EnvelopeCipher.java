package io.mlgate.kms;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.mlgate.kms.ArtifactIntegrityException.Reason;

/**
 * Envelope encryption of model artifacts: each artifact gets a fresh AES-256 data key, wrapped under an account key
 * from the {@link Keystore} and bound to an encryption context; the body is a segmented AES-GCM stream keyed by
 * HKDF-SHA256 from the data key and a random salt. Decryption returns the whole plaintext in memory or fails with
 * {@link ArtifactIntegrityException}; it never releases partial plaintext.
 *
 * <p>Format (version 1): {@code "MLGE"}, version byte, u32 header length, header, HMAC-SHA256 of everything before
 * it under a key derived from the account key, then the segments. Header: u16+UTF-8 key ARN, u32 material version,
 * u32 segment size, 32-byte HKDF salt, 7-byte nonce prefix, u16+bytes wrapped data key (nonce, ciphertext, tag;
 * associated data = the header fields before it + the canonical encryption context).
 */
public final class EnvelopeCipher {

    /** Ciphertext bytes per full segment; one GCM call each (kept at 16 KiB, where JDK 17's AES-GCM is fast). */
    public static final int DEFAULT_SEGMENT_SIZE = 16 * 1024;
    /** The plaintext bound used by {@link #decrypt(InputStream, Map)}. */
    public static final int DEFAULT_MAX_PLAINTEXT_BYTES = 1 << 30;

    static final byte[] MAGIC = {'M', 'L', 'G', 'E'};
    static final int FORMAT_VERSION = 1;
    private static final int MIN_SEGMENT_SIZE = 256;
    private static final int MAX_SEGMENT_SIZE = 1 << 20;
    private static final int MAX_HEADER_BYTES = 4096;
    private static final int DATA_KEY_BYTES = 32;
    private static final int SALT_BYTES = 32;
    private static final int WRAP_NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final int WRAPPED_KEY_BYTES = WRAP_NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES;
    private static final int MAC_BYTES = 32;
    private static final byte[] WRAP_LABEL = label("mlgate/artifact/v1/data-key");
    private static final byte[] SEGMENT_KEY_LABEL = label("mlgate/artifact/v1/segment-key");
    private static final byte[] HEADER_MAC_LABEL = label("mlgate/artifact/v1/header-mac");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Keystore keystore;
    private final int segmentSize;

    /** A cipher resolving account keys from {@code keystore}, with {@link #DEFAULT_SEGMENT_SIZE} segments. */
    public EnvelopeCipher(Keystore keystore) {
        this(keystore, DEFAULT_SEGMENT_SIZE);
    }

    EnvelopeCipher(Keystore keystore, int segmentSize) {
        this.keystore = Objects.requireNonNull(keystore, "keystore");
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size out of range: " + segmentSize);
        }
        this.segmentSize = segmentSize;
    }

    /**
     * Encrypts {@code plaintext} (read to its end, never held whole in memory) to {@code out} under the current
     * material of {@code key}, bound to {@code encryptionContext}. Neither stream is closed.
     *
     * @throws KeyCustodyException if the key is no longer in the keystore or is disabled
     */
    public void encrypt(InputStream plaintext, OutputStream out, AccountKey key, Map<String, String> encryptionContext)
            throws IOException {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(key, "key");
        byte[] context = canonicalContext(encryptionContext);
        AccountKey current = keystore.find(key.arn().toString()).orElseThrow(
                () -> new KeyCustodyException("key " + key.arn() + " is not in the keystore"));
        if (!current.isEnabled()) {
            throw new KeyCustodyException("key " + current.arn() + " is disabled");
        }
        KeyMaterial material = current.current();

        byte[] salt = random(SALT_BYTES);
        byte[] noncePrefix = random(StreamingAead.NONCE_PREFIX_BYTES);
        byte[] fields = headerFields(current.arn().toString(), material.version(), segmentSize, salt, noncePrefix);
        byte[] dataKey = random(DATA_KEY_BYTES);
        byte[] segmentKey = null;
        try {
            byte[] wrapped = wrap(material, dataKey, fields, context);
            byte[] prefix = headerPrefix(fields, wrapped);
            byte[] mac = headerMac(material, prefix);
            segmentKey = Hkdf.sha256(dataKey, salt, concat(SEGMENT_KEY_LABEL, fields), DATA_KEY_BYTES);
            Arrays.fill(dataKey, (byte) 0);
            out.write(prefix);
            out.write(mac);
            new StreamingAead(segmentKey, noncePrefix, segmentSize).encrypt(plaintext, out);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
            if (segmentKey != null) {
                Arrays.fill(segmentKey, (byte) 0);
            }
        }
    }

    /** Encrypts a byte array; see {@link #encrypt(InputStream, OutputStream, AccountKey, Map)}. */
    public byte[] encrypt(byte[] plaintext, AccountKey key, Map<String, String> encryptionContext) {
        Objects.requireNonNull(plaintext, "plaintext");
        ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 256
                + (plaintext.length / (segmentSize - TAG_BYTES) + 1) * TAG_BYTES);
        try {
            encrypt(new ByteArrayInputStream(plaintext), out, key, encryptionContext);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decrypts an artifact read from {@code in} (to its end; not closed) with a plaintext bound of
     * {@link #DEFAULT_MAX_PLAINTEXT_BYTES}; see {@link #decrypt(InputStream, Map, int)}.
     */
    public byte[] decrypt(InputStream in, Map<String, String> encryptionContext) throws IOException {
        return decrypt(in, encryptionContext, DEFAULT_MAX_PLAINTEXT_BYTES);
    }

    /**
     * Decrypts an artifact read from {@code in} (to its end; not closed), resolving its account key from the keystore
     * by the ARN in its header, and returns the whole plaintext.
     *
     * @param maxPlaintextBytes refuse artifacts whose plaintext would be larger than this
     * @throws ArtifactIntegrityException if the artifact was modified, truncated or extended, the encryption context
     *         differs, the key is missing or disabled, or the plaintext exceeds the bound; no plaintext is returned
     * @throws IOException if reading {@code in} fails
     */
    public byte[] decrypt(InputStream in, Map<String, String> encryptionContext, int maxPlaintextBytes)
            throws IOException {
        Objects.requireNonNull(in, "in");
        if (maxPlaintextBytes < 0) {
            throw new IllegalArgumentException("maxPlaintextBytes must not be negative");
        }
        byte[] context = canonicalContext(encryptionContext);
        DataInputStream data = new DataInputStream(in);

        byte[] magic = readFully(data, MAGIC.length, "magic");
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ArtifactIntegrityException(Reason.MALFORMED,
                    "not an mlgate encrypted artifact (bad magic); the artifact header was modified or this is "
                            + "another kind of file");
        }
        int version = readFully(data, 1, "format version")[0] & 0xff;
        if (version != FORMAT_VERSION) {
            throw new ArtifactIntegrityException(Reason.MALFORMED,
                    "unsupported artifact format version " + version + "; the artifact header was modified or "
                            + "was written by a newer mlgate");
        }
        byte[] lengthBytes = readFully(data, 4, "header length");
        long headerLength = toUnsignedInt(lengthBytes);
        if (headerLength < 1 || headerLength > MAX_HEADER_BYTES) {
            throw new ArtifactIntegrityException(Reason.MALFORMED,
                    "artifact header length " + headerLength + " is out of range; the artifact header was modified");
        }
        byte[] body = readFully(data, (int) headerLength, "header");
        Header header = Header.parse(body);
        byte[] mac = readFully(data, MAC_BYTES, "header authentication tag");

        AccountKey key = keystore.find(header.keyArn).orElseThrow(() -> new ArtifactIntegrityException(
                Reason.KEY_UNAVAILABLE, "key " + header.keyArn + " was not found in the keystore"));
        if (!key.isEnabled()) {
            throw new ArtifactIntegrityException(Reason.KEY_UNAVAILABLE, "key " + header.keyArn + " is disabled");
        }
        KeyMaterial material = key.material(header.materialVersion).orElseThrow(
                () -> new ArtifactIntegrityException(Reason.KEY_UNAVAILABLE, "key material version "
                        + header.materialVersion + " of key " + header.keyArn + " was not found in the keystore"));

        byte[] prefix = concat(MAGIC, new byte[] {(byte) FORMAT_VERSION}, lengthBytes, body);
        if (!MessageDigest.isEqual(headerMac(material, prefix), mac)) {
            throw new ArtifactIntegrityException(Reason.HEADER_MODIFIED, "artifact header was modified");
        }
        byte[] dataKey = unwrap(material, header.wrappedKey, header.fields, context);
        byte[] segmentKey = Hkdf.sha256(dataKey, header.salt, concat(SEGMENT_KEY_LABEL, header.fields),
                DATA_KEY_BYTES);
        Arrays.fill(dataKey, (byte) 0);
        try {
            return new StreamingAead(segmentKey, header.noncePrefix, header.segmentSize)
                    .decrypt(data, maxPlaintextBytes);
        } finally {
            Arrays.fill(segmentKey, (byte) 0);
        }
    }

    /** Decrypts an artifact held in memory; see {@link #decrypt(InputStream, Map, int)}. */
    public byte[] decrypt(byte[] artifact, Map<String, String> encryptionContext) {
        Objects.requireNonNull(artifact, "artifact");
        try {
            return decrypt(new ByteArrayInputStream(artifact), encryptionContext, DEFAULT_MAX_PLAINTEXT_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "EnvelopeCipher[segmentSize=" + segmentSize + "]";
    }

    private static byte[] wrap(KeyMaterial material, byte[] dataKey, byte[] fields, byte[] context) {
        byte[] nonce = random(WRAP_NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, material.aesKey(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(WRAP_LABEL);
            cipher.updateAAD(fields);
            cipher.updateAAD(context);
            byte[] wrapped = new byte[WRAPPED_KEY_BYTES];
            System.arraycopy(nonce, 0, wrapped, 0, WRAP_NONCE_BYTES);
            cipher.doFinal(dataKey, 0, dataKey.length, wrapped, WRAP_NONCE_BYTES);
            return wrapped;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static byte[] unwrap(KeyMaterial material, byte[] wrapped, byte[] fields, byte[] context) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, material.aesKey(),
                    new GCMParameterSpec(TAG_BYTES * 8, wrapped, 0, WRAP_NONCE_BYTES));
            cipher.updateAAD(WRAP_LABEL);
            cipher.updateAAD(fields);
            cipher.updateAAD(context);
            return cipher.doFinal(wrapped, WRAP_NONCE_BYTES, wrapped.length - WRAP_NONCE_BYTES);
        } catch (AEADBadTagException e) {
            // The header (wrapped key included) already verified, so only the context can differ.
            throw new ArtifactIntegrityException(Reason.CONTEXT_MISMATCH, "encryption context does not match");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static byte[] headerMac(KeyMaterial material, byte[] prefix) {
        byte[] keyBytes = material.copyBytes();
        byte[] macKey = Hkdf.sha256(keyBytes, null, HEADER_MAC_LABEL, 32);
        Arrays.fill(keyBytes, (byte) 0);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return mac.doFinal(prefix);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        } finally {
            Arrays.fill(macKey, (byte) 0);
        }
    }

    /** Canonical encoding of an encryption context: entries sorted by key, each key and value length-prefixed. */
    static byte[] canonicalContext(Map<String, String> encryptionContext) {
        Objects.requireNonNull(encryptionContext, "encryptionContext (use Map.of() for none)");
        List<String> names = new ArrayList<>(encryptionContext.keySet());
        for (String name : names) {
            if (name == null || encryptionContext.get(name) == null) {
                throw new IllegalArgumentException("encryption context keys and values must not be null");
            }
        }
        names.sort(null);
        String[] fields = new String[names.size() * 2];
        for (int i = 0; i < names.size(); i++) {
            fields[2 * i] = names.get(i);
            fields[2 * i + 1] = encryptionContext.get(names.get(i));
        }
        return AssociatedData.of("mlgate/encryption-context/v1", fields);
    }

    private static byte[] headerFields(String arn, int materialVersion, int segmentSize, byte[] salt,
            byte[] noncePrefix) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            byte[] arnBytes = arn.getBytes(StandardCharsets.UTF_8);
            out.writeShort(arnBytes.length);
            out.write(arnBytes);
            out.writeInt(materialVersion);
            out.writeInt(segmentSize);
            out.write(salt);
            out.write(noncePrefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** magic, version, u32 header length, header fields, u16 wrapped length, wrapped key. */
    private static byte[] headerPrefix(byte[] fields, byte[] wrapped) {
        int bodyLength = fields.length + 2 + wrapped.length;
        byte[] length = {(byte) (bodyLength >>> 24), (byte) (bodyLength >>> 16), (byte) (bodyLength >>> 8),
                (byte) bodyLength};
        byte[] wrappedLength = {(byte) (wrapped.length >>> 8), (byte) wrapped.length};
        return concat(MAGIC, new byte[] {(byte) FORMAT_VERSION}, length, fields, wrappedLength, wrapped);
    }

    private static byte[] readFully(DataInputStream in, int length, String what) throws IOException {
        byte[] buffer = new byte[length];
        try {
            in.readFully(buffer);
        } catch (EOFException e) {
            throw new ArtifactIntegrityException(Reason.TRUNCATED, "artifact is truncated inside its " + what);
        }
        return buffer;
    }

    private static long toUnsignedInt(byte[] b) {
        return ((long) (b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] label(String text) {
        return AssociatedData.of(text);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }

    /** The parsed header body; {@code fields} is the part before the wrapped key (associated data of the wrap). */
    private static final class Header {
        final String keyArn;
        final int materialVersion;
        final int segmentSize;
        final byte[] salt;
        final byte[] noncePrefix;
        final byte[] wrappedKey;
        final byte[] fields;

        private Header(String keyArn, int materialVersion, int segmentSize, byte[] salt, byte[] noncePrefix,
                byte[] wrappedKey, byte[] fields) {
            this.keyArn = keyArn;
            this.materialVersion = materialVersion;
            this.segmentSize = segmentSize;
            this.salt = salt;
            this.noncePrefix = noncePrefix;
            this.wrappedKey = wrappedKey;
            this.fields = fields;
        }

        static Header parse(byte[] body) {
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
                byte[] arnBytes = new byte[in.readUnsignedShort()];
                in.readFully(arnBytes);
                String arn = new String(arnBytes, StandardCharsets.UTF_8);
                KeyArn.parse(arn);
                int materialVersion = in.readInt();
                int segmentSize = in.readInt();
                if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
                    throw new IllegalArgumentException("segment size " + segmentSize + " is out of range");
                }
                byte[] salt = new byte[SALT_BYTES];
                in.readFully(salt);
                byte[] noncePrefix = new byte[StreamingAead.NONCE_PREFIX_BYTES];
                in.readFully(noncePrefix);
                int fieldsLength = body.length - in.available();
                int wrappedLength = in.readUnsignedShort();
                if (wrappedLength != WRAPPED_KEY_BYTES) {
                    throw new IllegalArgumentException("wrapped data key has length " + wrappedLength);
                }
                byte[] wrapped = new byte[wrappedLength];
                in.readFully(wrapped);
                if (in.available() != 0) {
                    throw new IllegalArgumentException("header has " + in.available() + " unexpected trailing bytes");
                }
                return new Header(arn, materialVersion, segmentSize, salt, noncePrefix, wrapped,
                        Arrays.copyOf(body, fieldsLength));
            } catch (IOException | IllegalArgumentException e) {
                throw new ArtifactIntegrityException(Reason.MALFORMED,
                        "artifact header is malformed (" + (e instanceof EOFException ? "too short" : e.getMessage())
                                + "); the artifact header was modified");
            }
        }
    }

    /** Exposed for tests: the byte offset where segments begin in an artifact written by this version. */
    static int segmentsOffset(byte[] artifact) {
        long headerLength = toUnsignedInt(Arrays.copyOfRange(artifact, MAGIC.length + 1, MAGIC.length + 5));
        return (int) (MAGIC.length + 5 + headerLength + MAC_BYTES);
    }

}
