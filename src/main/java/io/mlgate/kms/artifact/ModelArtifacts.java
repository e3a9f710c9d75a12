package io.mlgate.kms.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import io.mlgate.kms.artifact.ArtifactException.Reason;

/**
 * Envelope-encrypted model artifacts: a data key from the key service ({@link DataKeys}) per artifact, an
 * authenticated header and a body of AES-256-GCM segments. Packages models, inspects headers without any key,
 * decrypts into memory only, and re-wraps the data key under another key without touching the body. The format is
 * described in {@code docs/model-artifacts.md}.
 */
public final class ModelArtifacts {

    /** Plaintext bytes per segment by default: one 16 KiB AES-GCM call each, where the JDK's AES-GCM is fastest. */
    public static final int DEFAULT_SEGMENT_SIZE = 16 * 1024;
    /** The largest plaintext a single in-memory decryption can produce. */
    public static final long MAX_IN_MEMORY_BYTES = Integer.MAX_VALUE - 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataKeys dataKeys;
    private final int segmentSize;

    /** Artifacts whose data keys come from {@code dataKeys}, written with {@link #DEFAULT_SEGMENT_SIZE}. */
    public ModelArtifacts(DataKeys dataKeys) {
        this(dataKeys, DEFAULT_SEGMENT_SIZE);
    }

    /** Artifacts written with {@code segmentSize} plaintext bytes per segment (64 B .. 8 MiB); reading any size. */
    public ModelArtifacts(DataKeys dataKeys, int segmentSize) {
        this.dataKeys = Objects.requireNonNull(dataKeys, "dataKeys");
        ArtifactHeader.checkSegmentSize(segmentSize);
        this.segmentSize = segmentSize;
    }

    /**
     * Packages {@code model} into {@code out} (not closed): a data key from GenerateDataKey under {@code keyId} and
     * {@code context}, then the header, then the sealed segments. The model is read twice, one segment at a time,
     * and never held whole; plaintext goes nowhere but the cipher.
     *
     * @return the header written
     * @throws ArtifactException {@link Reason#WRONG_KEY} if the key does not exist, {@link Reason#KEY_UNAVAILABLE}
     *         if the key service refuses it
     * @throws IOException if reading or writing fails, or the model changed between the two reads
     */
    public ArtifactHeader write(ModelSource model, OutputStream out, String keyId, Map<String, String> context,
            Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(keyId, "keyId");
        ArtifactHeader.checkEntries(context, "encryption context");
        ArtifactHeader.checkEntries(metadata, "metadata");

        byte[] chunk = new byte[segmentSize];
        MessageDigest digest = BodyKeys.sha256();
        long size = 0;
        try (InputStream in = model.open()) {
            for (int n; (n = in.readNBytes(chunk, 0, chunk.length)) > 0; ) {
                digest.update(chunk, 0, n);
                size += n;
            }
        } finally {
            Arrays.fill(chunk, (byte) 0);
        }
        byte[] sha256 = digest.digest();

        GeneratedDataKey dataKey;
        try {
            dataKey = dataKeys.generate(keyId, context);
        } catch (KeyServiceException e) {
            throw keyFailure(e, keyId, "generate a data key");
        }
        byte[] nonce = new byte[ArtifactHeader.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        ArtifactHeader unsigned = ArtifactHeader.unsigned(dataKey.keyArn(), context, segmentSize, size, sha256, nonce,
                metadata, dataKey.ciphertextBlob());
        try (dataKey; BodyKeys keys = new BodyKeys(dataKey.plaintext(), nonce, unsigned.bound())) {
            dataKey.close();
            ArtifactHeader header = unsigned.withTag(keys.headerTag(unsigned.bound()));
            out.write(header.encode());
            sealBody(model, out, keys, size, sha256);
            return header;
        }
    }

    private void sealBody(ModelSource model, OutputStream out, BodyKeys keys, long size, byte[] sha256)
            throws IOException {
        long count = ArtifactHeader.segmentCount(size, segmentSize);
        byte[] plain = new byte[segmentSize];
        byte[] sealed = new byte[segmentSize + BodyKeys.GCM_TAG_BYTES];
        MessageDigest digest = BodyKeys.sha256();
        try (InputStream in = model.open()) {
            for (long i = 0; i < count; i++) {
                int length = segmentLength(size, segmentSize, i);
                if (in.readNBytes(plain, 0, length) != length) {
                    throw changed();
                }
                digest.update(plain, 0, length);
                int n = keys.seal(i, i == count - 1, plain, 0, length, sealed);
                out.write(sealed, 0, n);
            }
            if (in.read() >= 0 || !MessageDigest.isEqual(digest.digest(), sha256)) {
                throw changed();
            }
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static IOException changed() {
        return new IOException("the model changed while it was being packaged; the artifact is incomplete");
    }

    static int segmentLength(long plaintextSize, int segmentSize, long index) {
        long start = index * segmentSize;
        return (int) Math.min(segmentSize, plaintextSize - start);
    }

    /**
     * Reads the header of the artifact in {@code in} without any key and without decrypting. Its fields are as
     * written in the file: only decryption proves them authentic.
     */
    public static ArtifactHeader inspect(InputStream in) throws IOException {
        return ArtifactHeader.read(Objects.requireNonNull(in, "in"));
    }

    /**
     * Reads the header from {@code in} (left at the first body byte) for a later
     * {@link ArtifactReader#decryptInto decryptInto} a caller-owned buffer.
     */
    public ArtifactReader open(InputStream in) throws IOException {
        return new ArtifactReader(dataKeys, ArtifactHeader.read(Objects.requireNonNull(in, "in")), in);
    }

    /**
     * Decrypts the artifact in {@code in} (read to its end, not closed) into a new array of exactly the model's
     * size, holding one extra segment besides it. Close the result to wipe the model.
     *
     * @param maxPlaintextBytes refuse ({@link Reason#TOO_LARGE}) models larger than this
     * @throws ArtifactException if the artifact is modified, truncated, reordered or extended, or the key service
     *         refuses its data key under {@code binding}; nothing decrypted is left behind
     */
    public DecryptedModel decrypt(InputStream in, ArtifactBinding binding, long maxPlaintextBytes)
            throws IOException {
        Objects.requireNonNull(binding, "binding");
        ArtifactReader reader = open(in);
        long limit = Math.min(maxPlaintextBytes, MAX_IN_MEMORY_BYTES);
        byte[] plaintext = reader.decrypt(binding, size -> {
            if (size > limit) {
                throw new ArtifactException(Reason.TOO_LARGE, "model is " + size + " bytes, over the limit of "
                        + limit + " bytes");
            }
            return new byte[(int) size];
        }, 0);
        return new DecryptedModel(reader.header(), plaintext);
    }

    /**
     * Checks that the key service still releases the data key of the artifact in {@code in} under {@code binding},
     * reading only the header: KMS Decrypt of the wrapped data key, which is wiped at once; the body is not read.
     * Use it to re-check a loaded model's key cheaply (crypto-shredding).
     *
     * @return the ARN of the key that opened the data key (equal to the header's key id)
     * @throws ArtifactException {@link Reason#KEY_UNAVAILABLE} or {@link Reason#WRONG_KEY} (with the key service's
     *         code) if the key can no longer be used, or a header reason if the header is malformed or not as wrapped
     */
    public String checkDataKey(InputStream in, ArtifactBinding binding) throws IOException {
        Objects.requireNonNull(binding, "binding");
        ArtifactReader reader = open(in);
        try (DecryptedDataKey dataKey = reader.unwrap(binding)) {
            return dataKey.keyArn();
        }
    }

    /**
     * Re-wraps the data key of the artifact in {@code in} under {@code newKeyId} and {@code newContext} through
     * ReEncrypt, writing the new header and then the body bytes unchanged to {@code out}. The data key never
     * leaves the key service; the body and the authenticated header fields are not verified here (loading does).
     *
     * @return the new header
     */
    public ArtifactHeader rewrap(InputStream in, OutputStream out, String newKeyId, Map<String, String> newContext)
            throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(newKeyId, "newKeyId");
        ArtifactHeader.checkEntries(newContext, "encryption context");
        ArtifactHeader header = inspect(in);
        ReEncryptedDataKey wrapped;
        try {
            wrapped = dataKeys.reEncrypt(header.wrappedDataKey(), header.encryptionContext(), newKeyId, newContext);
        } catch (KeyServiceException e) {
            if (KeyServiceException.INVALID_CIPHERTEXT.equals(e.errorCode())) {
                throw new ArtifactException(Reason.HEADER_TAMPERED, "the key service rejected the artifact's "
                        + "wrapped data key under its recorded encryption context: the header was modified", e);
            }
            throw keyFailure(e, header.keyId() + " or " + newKeyId, "re-wrap the data key");
        }
        ArtifactHeader rewrapped = header.rewrapped(wrapped.keyArn(), newContext, wrapped.ciphertextBlob());
        out.write(rewrapped.encode());
        in.transferTo(out);
        return rewrapped;
    }

    /** Maps a key-service refusal other than a bad ciphertext to WRONG_KEY or KEY_UNAVAILABLE. */
    static ArtifactException keyFailure(KeyServiceException e, String key, String action) {
        String code = e.errorCode();
        if (KeyServiceException.NOT_FOUND.equals(code)) {
            return new ArtifactException(Reason.WRONG_KEY, "cannot " + action + ": key " + key
                    + " was not found (NotFoundException)", e);
        }
        if (KeyServiceException.INCORRECT_KEY.equals(code)) {
            return new ArtifactException(Reason.WRONG_KEY, "cannot " + action + ": the data key is wrapped under "
                    + "another key than " + key + " (IncorrectKeyException)", e);
        }
        String why = switch (code) {
            case KeyServiceException.DISABLED -> "key " + key + " is disabled";
            case KeyServiceException.INVALID_STATE -> "key " + key + " is not usable in its current state "
                    + "(for example pending deletion)";
            case KeyServiceException.ACCESS_DENIED -> "access to key " + key + " is denied";
            default -> "the key service refused key " + key;
        };
        return new ArtifactException(Reason.KEY_UNAVAILABLE, "cannot " + action + ": " + why + " (" + code + ": "
                + e.getMessage() + ")", e);
    }

    @Override
    public String toString() {
        return "ModelArtifacts[segmentSize=" + segmentSize + "]";
    }
}
