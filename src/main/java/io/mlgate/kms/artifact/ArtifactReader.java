package io.mlgate.kms.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

import io.mlgate.kms.artifact.ArtifactException.Reason;

/**
 * An artifact whose header has been read (structure only) and whose body is still unread: decrypts the body once
 * into a caller-owned buffer, holding one sealed segment besides it. Get one from {@link ModelArtifacts#open}.
 */
public final class ArtifactReader {

    private final DataKeys dataKeys;
    private final ArtifactHeader header;
    private final InputStream body;
    private boolean used;

    ArtifactReader(DataKeys dataKeys, ArtifactHeader header, InputStream body) {
        this.dataKeys = dataKeys;
        this.header = header;
        this.body = body;
    }

    /** The header as read from the file; authentic only once {@link #decryptInto} has returned. */
    public ArtifactHeader header() {
        return header;
    }

    /**
     * Unwraps the data key through the key service under {@code binding}, verifies the header, then decrypts every
     * segment into {@code dest} starting at {@code offset} and checks the plaintext SHA-256. On any failure the bytes
     * written into {@code dest} are wiped before the exception is thrown.
     *
     * @return the number of plaintext bytes written ({@link ArtifactHeader#plaintextSize()})
     * @throws ArtifactException for every refusal, with a {@link Reason}
     * @throws IOException if reading the body fails
     */
    public int decryptInto(ArtifactBinding binding, byte[] dest, int offset) throws IOException {
        Objects.requireNonNull(dest, "dest");
        decrypt(binding, size -> {
            if (offset < 0 || offset > dest.length || size > dest.length - offset) {
                throw new ArtifactException(Reason.TOO_LARGE, "model is " + size
                        + " bytes; the destination has room for " + Math.max(0, dest.length - Math.max(0, offset)));
            }
            return dest;
        }, offset);
        return (int) header.plaintextSize();
    }

    /** Verifies the header, asks {@code allocate} for the destination of the verified size, and fills it. */
    byte[] decrypt(ArtifactBinding binding, java.util.function.LongFunction<byte[]> allocate, int offset)
            throws IOException {
        Objects.requireNonNull(binding, "binding");
        if (used) {
            throw new IllegalStateException("this artifact's body was already read");
        }
        used = true;
        try (DecryptedDataKey dataKey = unwrap(binding);
                BodyKeys keys = new BodyKeys(dataKey.plaintext(), header.nonce(), header.bound())) {
            dataKey.close();
            if (!BodyKeys.tagsEqual(keys.headerTag(header.bound()), header.tag())) {
                throw new ArtifactException(Reason.HEADER_TAMPERED,
                        "artifact header failed authentication: a header field was modified");
            }
            byte[] dest = allocate.apply(header.plaintextSize());
            openBody(keys, dest, offset, binding.checksDigest());
            return dest;
        }
    }

    DecryptedDataKey unwrap(ArtifactBinding binding) {
        DecryptedDataKey dataKey;
        try {
            dataKey = dataKeys.decrypt(header.wrappedDataKey(), binding.encryptionContext(), binding.keyId());
        } catch (KeyServiceException e) {
            if (!KeyServiceException.INVALID_CIPHERTEXT.equals(e.errorCode())) {
                throw ModelArtifacts.keyFailure(e, binding.keyId().orElse(header.keyId()),
                        "decrypt the data key");
            }
            if (!binding.encryptionContext().equals(header.encryptionContext())) {
                throw new ArtifactException(Reason.WRONG_CONTEXT, "the data key does not decrypt under the required "
                        + "encryption context " + binding.encryptionContext() + "; the artifact was packaged for "
                        + header.encryptionContext(), e);
            }
            throw new ArtifactException(Reason.HEADER_TAMPERED, "the key service rejected the wrapped data key "
                    + "under the artifact's own encryption context: the header was modified", e);
        }
        if (!dataKey.keyArn().equals(header.keyId())) {
            dataKey.close();
            throw new ArtifactException(Reason.HEADER_TAMPERED, "artifact header names key " + header.keyId()
                    + " but its data key is wrapped under " + dataKey.keyArn() + ": the header was modified");
        }
        if (!binding.encryptionContext().equals(header.encryptionContext())) {
            dataKey.close();
            throw new ArtifactException(Reason.HEADER_TAMPERED, "artifact header records encryption context "
                    + header.encryptionContext() + " but its data key is bound to " + binding.encryptionContext()
                    + ": the header was modified");
        }
        return dataKey;
    }

    private void openBody(BodyKeys keys, byte[] dest, int offset, boolean checkDigest) throws IOException {
        int segmentSize = header.segmentSize();
        long size = header.plaintextSize();
        long count = header.segmentCount();
        byte[] sealed = new byte[segmentSize + BodyKeys.GCM_TAG_BYTES];
        MessageDigest digest = BodyKeys.sha256();
        int position = offset;
        boolean done = false;
        try {
            for (long i = 0; i < count; i++) {
                int length = ModelArtifacts.segmentLength(size, segmentSize, i);
                int sealedLength = length + BodyKeys.GCM_TAG_BYTES;
                int read = body.readNBytes(sealed, 0, sealedLength);
                if (read < sealedLength) {
                    throw new ArtifactException(Reason.TRUNCATED, read == 0
                            ? "artifact is truncated: it ends before segment " + i + " of " + count
                            : "artifact is truncated inside segment " + i + " of " + count + " (" + read + " of "
                                    + sealedLength + " bytes)");
                }
                if (!keys.open(i, i == count - 1, sealed, sealedLength, dest, position)) {
                    throw diagnose(keys, sealed, sealedLength, i, count);
                }
                if (checkDigest) {
                    digest.update(dest, position, length);
                }
                position += length;
            }
            if (body.read() >= 0) {
                throw new ArtifactException(Reason.TRAILING_DATA,
                        "artifact has data appended after its final segment " + (count - 1));
            }
            if (checkDigest && !MessageDigest.isEqual(digest.digest(), header.sha256Bytes())) {
                throw new ArtifactException(Reason.BODY_TAMPERED,
                        "decrypted model does not match the SHA-256 in the header");
            }
            done = true;
        } finally {
            Arrays.fill(sealed, (byte) 0);
            if (!done) {
                Arrays.fill(dest, offset, offset + (int) size, (byte) 0);
            }
        }
    }

    /** Segment {@code index} failed: does it authenticate at another position (moved) or nowhere (modified)? */
    private ArtifactException diagnose(BodyKeys keys, byte[] sealed, int sealedLength, long index, long count) {
        int length = sealedLength - BodyKeys.GCM_TAG_BYTES;
        byte[] scratch = new byte[length];
        try {
            for (long j = 0; j < count; j++) {
                if (j != index && ModelArtifacts.segmentLength(header.plaintextSize(), header.segmentSize(), j) == length
                        && keys.open(j, j == count - 1, sealed, sealedLength, scratch, 0)) {
                    return new ArtifactException(Reason.SEGMENT_REORDERED, "segment " + index + " of " + count
                            + " holds the authentic data of segment " + j + ": the segments were reordered");
                }
            }
        } finally {
            Arrays.fill(scratch, (byte) 0);
        }
        return new ArtifactException(Reason.BODY_TAMPERED, "segment " + index + " of " + count
                + " failed authentication: the body was modified");
    }

    @Override
    public String toString() {
        return "ArtifactReader[" + header + "]";
    }
}
