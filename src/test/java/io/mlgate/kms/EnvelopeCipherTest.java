package io.mlgate.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mlgate.kms.ArtifactIntegrityException.Reason;

class EnvelopeCipherTest {

    private static final int SEG = EnvelopeCipher.DEFAULT_SEGMENT_SIZE;
    private static final int PLAIN_SEG = SEG - 16;
    private static final Map<String, String> CONTEXT = Map.of("model", "iris-v1", "account", "111122223333");

    @TempDir
    Path keys;

    private Keystore keystore;
    private AccountKey key;
    private EnvelopeCipher cipher;

    @BeforeEach
    void setUp() throws Exception {
        keystore = Keystore.open(keys, RootKey.loadOrCreate(keys));
        key = keystore.defaultKeyFor("111122223333", "us-east-1");
        cipher = new EnvelopeCipher(keystore);
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static int segmentCount(int plaintextLength) {
        return plaintextLength == 0 ? 1 : (plaintextLength + PLAIN_SEG - 1) / PLAIN_SEG;
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(byte[] artifact, Reason reason) {
        return assertThatThrownBy(() -> cipher.decrypt(artifact, CONTEXT))
                .isInstanceOf(ArtifactIntegrityException.class)
                .satisfies(e -> assertThat(((ArtifactIntegrityException) e).reason()).isEqualTo(reason));
    }

    // ---- round trips ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, PLAIN_SEG - 1, PLAIN_SEG, PLAIN_SEG + 1, 2 * PLAIN_SEG, 3 * PLAIN_SEG + 1234,
            5 * 1024 * 1024})
    void roundTripsAtEverySizeBoundary(int size) {
        byte[] plaintext = randomBytes(size, size);
        byte[] artifact = cipher.encrypt(plaintext, key, CONTEXT);
        int offset = EnvelopeCipher.segmentsOffset(artifact);
        assertThat(artifact.length - offset).isEqualTo(size + 16 * segmentCount(size));
        assertThat(cipher.decrypt(artifact, new LinkedHashMap<>(CONTEXT))).isEqualTo(plaintext);
    }

    @Test
    void exactlyOneSegmentIsOneFullSegmentOfCiphertext() {
        byte[] artifact = cipher.encrypt(randomBytes(PLAIN_SEG, 7), key, CONTEXT);
        assertThat(artifact.length - EnvelopeCipher.segmentsOffset(artifact)).isEqualTo(SEG);
    }

    @Test
    void streamingEncryptMatchesTheArrayFormAndDecryptsFromAStream() throws Exception {
        byte[] plaintext = randomBytes(3 * PLAIN_SEG + 99, 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cipher.encrypt(new ByteArrayInputStream(plaintext), out, key, CONTEXT);
        assertThat(cipher.decrypt(new ByteArrayInputStream(out.toByteArray()), CONTEXT)).isEqualTo(plaintext);
    }

    @Test
    void streamingEncryptReadsInSegmentsFromAStreamOfUnknownLength() throws Exception {
        long total = 24L * 1024 * 1024 + 5;
        InputStream generated = new InputStream() {
            private long produced;

            @Override
            public int read() {
                return produced < total ? (int) (produced++ & 0x7f) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (produced >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, Math.min(total - produced, 4096));
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) (produced++ & 0x7f);
                }
                return n;
            }
        };
        long[] written = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                written[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written[0] += len;
            }
        };
        cipher.encrypt(generated, counting, key, CONTEXT);
        long segments = (total + PLAIN_SEG - 1) / PLAIN_SEG;
        byte[] header = cipher.encrypt(new byte[0], key, CONTEXT);
        long headerBytes = EnvelopeCipher.segmentsOffset(header);
        assertThat(written[0]).isEqualTo(headerBytes + total + 16 * segments);
    }

    @Test
    void smallSegmentsRoundTripAndCannotBeReadWithAnotherSegmentSizeAssumption() {
        EnvelopeCipher small = new EnvelopeCipher(keystore, 256);
        byte[] plaintext = randomBytes(10_000, 11);
        byte[] artifact = small.encrypt(plaintext, key, CONTEXT);
        // The segment size travels in the authenticated header, so the default-sized cipher reads it too.
        assertThat(cipher.decrypt(artifact, CONTEXT)).isEqualTo(plaintext);
        assertThat(artifact.length - EnvelopeCipher.segmentsOffset(artifact)).isEqualTo(10_000 + 16 * 42);
    }

    @Test
    void encryptionIsRandomized() {
        byte[] plaintext = randomBytes(100, 1);
        assertThat(cipher.encrypt(plaintext, key, CONTEXT)).isNotEqualTo(cipher.encrypt(plaintext, key, CONTEXT));
    }

    @Test
    void rotatedKeyEncryptsWithNewMaterialAndStillDecryptsOldArtifacts() {
        byte[] before = cipher.encrypt(randomBytes(50, 2), key, CONTEXT);
        keystore.rotate(key.keyId().toString());
        // The caller's AccountKey is stale; the cipher uses the keystore's current version.
        byte[] after = cipher.encrypt(randomBytes(50, 2), key, CONTEXT);
        assertThat(cipher.decrypt(before, CONTEXT)).isEqualTo(randomBytes(50, 2));
        assertThat(cipher.decrypt(after, CONTEXT)).isEqualTo(randomBytes(50, 2));
        assertThat(Arrays.equals(before, 0, 100, after, 0, 100)).isFalse();
    }

    // ---- header tampering ----

    @Test
    void everySingleBitFlipInTheHeaderIsRefused() {
        byte[] artifact = cipher.encrypt(randomBytes(300, 5), key, CONTEXT);
        int headerEnd = EnvelopeCipher.segmentsOffset(artifact);
        for (int i = 0; i < headerEnd; i++) {
            byte[] tampered = artifact.clone();
            tampered[i] ^= 0x04;
            assertThatThrownBy(() -> cipher.decrypt(tampered, CONTEXT)).as("header byte %d", i)
                    .isInstanceOf(ArtifactIntegrityException.class);
        }
    }

    @Test
    void flippedSaltIsReportedAsAModifiedHeader() {
        byte[] artifact = cipher.encrypt(randomBytes(300, 5), key, CONTEXT);
        int arnLength = key.arn().toString().length();
        int saltStart = 4 + 1 + 4 + 2 + arnLength + 4 + 4;
        artifact[saltStart + 3] ^= 0x01;
        assertRefused(artifact, Reason.HEADER_MODIFIED).hasMessage("artifact header was modified");
    }

    @Test
    void flippedWrappedKeyIsReportedAsAModifiedHeader() {
        byte[] artifact = cipher.encrypt(randomBytes(300, 5), key, CONTEXT);
        int wrappedKeyLastByte = EnvelopeCipher.segmentsOffset(artifact) - 32 - 1;
        artifact[wrappedKeyLastByte] ^= 0x01;
        assertRefused(artifact, Reason.HEADER_MODIFIED).hasMessage("artifact header was modified");
    }

    @Test
    void flippedHeaderTagIsReportedAsAModifiedHeader() {
        byte[] artifact = cipher.encrypt(randomBytes(300, 5), key, CONTEXT);
        artifact[EnvelopeCipher.segmentsOffset(artifact) - 1] ^= 0x01;
        assertRefused(artifact, Reason.HEADER_MODIFIED);
    }

    @Test
    void badMagicAndVersionAreRefusedAsMalformed() {
        byte[] artifact = cipher.encrypt(randomBytes(10, 5), key, CONTEXT);
        byte[] magic = artifact.clone();
        magic[0] = 'X';
        assertRefused(magic, Reason.MALFORMED).hasMessageContaining("bad magic");
        byte[] version = artifact.clone();
        version[4] = 2;
        assertRefused(version, Reason.MALFORMED).hasMessageContaining("format version 2");
        byte[] length = artifact.clone();
        length[5] = 0x7f;
        assertRefused(length, Reason.MALFORMED).hasMessageContaining("out of range");
    }

    // ---- segment tampering ----

    @Test
    void aFlippedByteInEachSegmentNamesThatSegment() {
        byte[] plaintext = randomBytes(3 * PLAIN_SEG + 500, 9);
        byte[] artifact = cipher.encrypt(plaintext, key, CONTEXT);
        int offset = EnvelopeCipher.segmentsOffset(artifact);
        for (int segment = 0; segment < 4; segment++) {
            byte[] tampered = artifact.clone();
            tampered[offset + segment * SEG + 100] ^= 0x01;
            assertRefused(tampered, Reason.SEGMENT_AUTHENTICATION)
                    .hasMessageStartingWith("segment " + segment + " failed authentication");
        }
    }

    @Test
    void aFlippedTagByteIsRefused() {
        byte[] artifact = cipher.encrypt(randomBytes(2 * PLAIN_SEG + 10, 9), key, CONTEXT);
        int offset = EnvelopeCipher.segmentsOffset(artifact);
        byte[] firstTag = artifact.clone();
        firstTag[offset + SEG - 1] ^= 0x01;
        assertRefused(firstTag, Reason.SEGMENT_AUTHENTICATION).hasMessageStartingWith("segment 0 failed");
        byte[] lastTag = artifact.clone();
        lastTag[lastTag.length - 1] ^= 0x01;
        assertRefused(lastTag, Reason.SEGMENT_AUTHENTICATION).hasMessageStartingWith("segment 2 failed");
    }

    @Test
    void truncationAtASegmentBoundaryIsReportedAsTruncated() {
        byte[] artifact = cipher.encrypt(randomBytes(3 * PLAIN_SEG + 10, 4), key, CONTEXT);
        int offset = EnvelopeCipher.segmentsOffset(artifact);
        byte[] cut = Arrays.copyOf(artifact, offset + 2 * SEG);
        assertRefused(cut, Reason.TRUNCATED).hasMessageContaining("artifact is truncated");
        byte[] cutToOneFullSegment = Arrays.copyOf(artifact, offset + SEG);
        assertRefused(cutToOneFullSegment, Reason.TRUNCATED);
    }

    @Test
    void truncationMidSegmentIsRefused() {
        byte[] artifact = cipher.encrypt(randomBytes(3 * PLAIN_SEG + 10, 4), key, CONTEXT);
        int offset = EnvelopeCipher.segmentsOffset(artifact);
        byte[] cut = Arrays.copyOf(artifact, offset + SEG + 1000);
        assertRefused(cut, Reason.SEGMENT_AUTHENTICATION).hasMessageContaining("segment 1 failed authentication")
                .hasMessageContaining("truncated");
        byte[] cutInsideLastTag = Arrays.copyOf(artifact, artifact.length - 3);
        assertRefused(cutInsideLastTag, Reason.SEGMENT_AUTHENTICATION);
        byte[] shorterThanATag = Arrays.copyOf(artifact, offset + 2 * SEG + 5);
        assertRefused(shorterThanATag, Reason.TRUNCATED);
    }

    @Test
    void truncationInsideOrRightAfterTheHeaderIsReportedAsTruncated() {
        byte[] artifact = cipher.encrypt(randomBytes(10, 4), key, CONTEXT);
        int offset = EnvelopeCipher.segmentsOffset(artifact);
        assertRefused(Arrays.copyOf(artifact, offset), Reason.TRUNCATED).hasMessageContaining("no segments");
        assertRefused(Arrays.copyOf(artifact, offset - 10), Reason.TRUNCATED);
        assertRefused(Arrays.copyOf(artifact, 20), Reason.TRUNCATED);
        assertRefused(new byte[0], Reason.TRUNCATED);
    }

    @Test
    void appendedBytesAreRefused() {
        byte[] plaintext = randomBytes(2 * PLAIN_SEG, 4);
        byte[] artifact = cipher.encrypt(plaintext, key, CONTEXT);
        byte[] appendedSegment = Arrays.copyOf(artifact, artifact.length + 40);
        assertRefused(appendedSegment, Reason.TRAILING_DATA).hasMessageContaining("appended");
        byte[] appendedOneByte = Arrays.copyOf(artifact, artifact.length + 1);
        assertRefused(appendedOneByte, Reason.TRAILING_DATA);

        byte[] partial = cipher.encrypt(randomBytes(PLAIN_SEG + 7, 4), key, CONTEXT);
        byte[] partialPlusOne = Arrays.copyOf(partial, partial.length + 1);
        assertRefused(partialPlusOne, Reason.SEGMENT_AUTHENTICATION);
    }

    @Test
    void swappedSegmentsAreRefused() {
        byte[] artifact = cipher.encrypt(randomBytes(3 * PLAIN_SEG + 10, 4), key, CONTEXT);
        int offset = EnvelopeCipher.segmentsOffset(artifact);
        byte[] swapped = artifact.clone();
        System.arraycopy(artifact, offset, swapped, offset + SEG, SEG);
        System.arraycopy(artifact, offset + SEG, swapped, offset, SEG);
        assertRefused(swapped, Reason.SEGMENT_AUTHENTICATION).hasMessageStartingWith("segment 0 failed");
    }

    @Test
    void aSegmentSplicedFromAnotherArtifactIsRefused() {
        byte[] plaintext = randomBytes(3 * PLAIN_SEG + 10, 4);
        byte[] a = cipher.encrypt(plaintext, key, CONTEXT);
        byte[] b = cipher.encrypt(plaintext, key, CONTEXT);
        int offset = EnvelopeCipher.segmentsOffset(a);
        assertThat(EnvelopeCipher.segmentsOffset(b)).isEqualTo(offset);
        byte[] spliced = a.clone();
        System.arraycopy(b, offset + SEG, spliced, offset + SEG, SEG);
        assertRefused(spliced, Reason.SEGMENT_AUTHENTICATION).hasMessageStartingWith("segment 1 failed");
        byte[] otherHeader = b.clone();
        System.arraycopy(a, 0, otherHeader, 0, offset);
        assertRefused(otherHeader, Reason.SEGMENT_AUTHENTICATION).hasMessageStartingWith("segment 0 failed");
    }

    // ---- context and keys ----

    @Test
    void wrongEncryptionContextIsRefused() {
        byte[] artifact = cipher.encrypt(randomBytes(100, 4), key, CONTEXT);
        assertThatThrownBy(() -> cipher.decrypt(artifact, Map.of("model", "iris-v2", "account", "111122223333")))
                .isInstanceOf(ArtifactIntegrityException.class).hasMessage("encryption context does not match");
        assertThatThrownBy(() -> cipher.decrypt(artifact, Map.of("model", "iris-v1")))
                .isInstanceOf(ArtifactIntegrityException.class).hasMessage("encryption context does not match");
        assertThatThrownBy(() -> cipher.decrypt(artifact, Map.of()))
                .isInstanceOf(ArtifactIntegrityException.class).hasMessage("encryption context does not match");
        // Boundary ambiguity: a key/value split elsewhere must not collide.
        byte[] split = cipher.encrypt(randomBytes(10, 4), key, Map.of("ab", "c"));
        assertThatThrownBy(() -> cipher.decrypt(split, Map.of("a", "bc")))
                .isInstanceOf(ArtifactIntegrityException.class);
        assertThat(cipher.decrypt(split, Map.of("ab", "c"))).isEqualTo(randomBytes(10, 4));
    }

    @Test
    void keyMissingFromTheKeystoreIsRefused(@TempDir Path otherKeys) throws Exception {
        byte[] artifact = cipher.encrypt(randomBytes(100, 4), key, CONTEXT);
        Keystore other = Keystore.open(otherKeys, RootKey.loadOrCreate(otherKeys));
        other.defaultKeyFor("111122223333", "us-east-1");
        EnvelopeCipher elsewhere = new EnvelopeCipher(other);
        assertThatThrownBy(() -> elsewhere.decrypt(artifact, CONTEXT))
                .isInstanceOf(ArtifactIntegrityException.class)
                .hasMessage("key " + key.arn() + " was not found in the keystore")
                .satisfies(e -> assertThat(((ArtifactIntegrityException) e).reason())
                        .isEqualTo(Reason.KEY_UNAVAILABLE));
        assertThatThrownBy(() -> elsewhere.encrypt(new byte[1], key, CONTEXT))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("not in the keystore");
    }

    @Test
    void disabledKeyRefusesBothDirectionsUntilReEnabled() {
        byte[] artifact = cipher.encrypt(randomBytes(100, 4), key, CONTEXT);
        keystore.setState(key.arn().toString(), KeyState.DISABLED);
        assertRefused(artifact, Reason.KEY_UNAVAILABLE).hasMessageContaining("is disabled");
        assertThatThrownBy(() -> cipher.encrypt(new byte[1], key, CONTEXT))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("disabled");
        keystore.setState(key.arn().toString(), KeyState.ENABLED);
        assertThat(cipher.decrypt(artifact, CONTEXT)).isEqualTo(randomBytes(100, 4));
    }

    @Test
    void plaintextBoundIsEnforced() throws Exception {
        byte[] plaintext = randomBytes(2 * PLAIN_SEG + 3, 4);
        byte[] artifact = cipher.encrypt(plaintext, key, CONTEXT);
        assertThat(cipher.decrypt(new ByteArrayInputStream(artifact), CONTEXT, plaintext.length))
                .isEqualTo(plaintext);
        assertThatThrownBy(() -> cipher.decrypt(new ByteArrayInputStream(artifact), CONTEXT, plaintext.length - 1))
                .isInstanceOf(ArtifactIntegrityException.class)
                .satisfies(e -> assertThat(((ArtifactIntegrityException) e).reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void nullContextIsAMisuseNotAnEmptyContext() {
        assertThatThrownBy(() -> cipher.encrypt(new byte[1], key, null)).isInstanceOf(NullPointerException.class);
        Map<String, String> withNull = new java.util.HashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> cipher.encrypt(new byte[1], key, withNull))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
