package io.mlgate.kms.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mlgate.kms.artifact.ArtifactException.Reason;

class ModelArtifactsTest {

    static final int SEGMENT = 256;
    static final Map<String, String> CONTEXT = Map.of("mlgate:model", "iris", "aws:account", "111122223333");
    static final Map<String, String> METADATA = Map.of("name", "iris", "source", "iris.onnx");

    InMemoryDataKeys kms;
    String keyArn;
    ModelArtifacts artifacts;

    @BeforeEach
    void setUp() {
        kms = new InMemoryDataKeys();
        keyArn = kms.createKey("models");
        artifacts = new ModelArtifacts(kms, SEGMENT);
    }

    static byte[] model(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    byte[] pack(byte[] model) {
        return pack(artifacts, model);
    }

    byte[] pack(ModelArtifacts with, byte[] model) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            with.write(ModelSource.of(model), out, "alias/models", CONTEXT, METADATA);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    byte[] decrypt(byte[] artifact, ArtifactBinding binding) {
        try (DecryptedModel model = artifacts.decrypt(new ByteArrayInputStream(artifact), binding, 1 << 30)) {
            return model.bytes().clone();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] decrypt(byte[] artifact) {
        return decrypt(artifact, ArtifactBinding.context(CONTEXT));
    }

    ArtifactException refusal(byte[] artifact) {
        return refusal(artifact, ArtifactBinding.context(CONTEXT));
    }

    ArtifactException refusal(byte[] artifact, ArtifactBinding binding) {
        return catchThrowableOfType(ArtifactException.class, () -> decrypt(artifact, binding));
    }

    static int headerLength(byte[] artifact) {
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(artifact);
            ModelArtifacts.inspect(in);
            return artifact.length - in.available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 17})
    void roundTripsEverySizeAroundSegmentBoundaries(int size) {
        byte[] model = model(size, size);
        byte[] artifact = pack(model);
        assertThat(decrypt(artifact)).isEqualTo(model);
        long segments = size == 0 ? 1 : (size + SEGMENT - 1) / SEGMENT;
        assertThat(artifact.length - headerLength(artifact)).isEqualTo(size + 16 * segments);
    }

    @Test
    void roundTripsSeveralMebibytesWithDefaultSegments() {
        ModelArtifacts defaults = new ModelArtifacts(kms);
        byte[] model = model(3 * 1024 * 1024 + 5, 7);
        byte[] artifact = pack(defaults, model);
        assertThat(decrypt(artifact)).isEqualTo(model);
    }

    @Test
    void inspectShowsTheHeaderWithoutTheKeyService() throws Exception {
        byte[] model = model(1000, 1);
        byte[] artifact = pack(model);
        int callsBefore = kms.decryptCalls();
        ArtifactHeader header = ModelArtifacts.inspect(new ByteArrayInputStream(artifact));
        assertThat(kms.decryptCalls()).isEqualTo(callsBefore);
        assertThat(header.formatVersion()).isEqualTo(1);
        assertThat(header.keyId()).isEqualTo(keyArn);
        assertThat(header.encryptionContext()).isEqualTo(CONTEXT);
        assertThat(header.metadata()).isEqualTo(METADATA);
        assertThat(header.segmentSize()).isEqualTo(SEGMENT);
        assertThat(header.plaintextSize()).isEqualTo(1000);
        assertThat(header.segmentCount()).isEqualTo(4);
        assertThat(header.plaintextSha256())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model)));
    }

    @Test
    void everyFlippedBitInTheHeaderIsHeaderTamperedOrUnsupportedVersion() {
        byte[] model = model(70 * 1024, 2);
        byte[] artifact = pack(model);
        int headerLength = headerLength(artifact);
        for (int position = 0; position < headerLength; position++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] copy = artifact.clone();
                copy[position] ^= (byte) (1 << bit);
                ArtifactException e = refusal(copy);
                assertThat(e).as("bit %d of header byte %d", bit, position).isNotNull();
                Reason expected = position == 4 ? Reason.UNSUPPORTED_VERSION : Reason.HEADER_TAMPERED;
                assertThat(e.reason()).as("bit %d of header byte %d: %s", bit, position, e.getMessage())
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void flippedBitsAcrossTheBodyNameTheirSegment() {
        byte[] model = model(5 * SEGMENT + 100, 3);
        byte[] artifact = pack(model);
        int headerLength = headerLength(artifact);
        int sealed = SEGMENT + 16;
        for (int position = headerLength; position < artifact.length; position += 37) {
            for (int extra : new int[] {0, sealed - 1 - (position - headerLength) % sealed}) {
                int at = Math.min(position + extra, artifact.length - 1);
                byte[] copy = artifact.clone();
                copy[at] ^= (byte) (1 << (at % 8));
                ArtifactException e = refusal(copy);
                int segment = (at - headerLength) / sealed;
                assertThat(e.reason()).as("byte %d: %s", at, e.getMessage()).isEqualTo(Reason.BODY_TAMPERED);
                assertThat(e.getMessage()).contains("segment " + segment + " of 6 failed authentication");
            }
        }
    }

    @Test
    void truncationAnywhereIsTruncated() {
        byte[] artifact = pack(model(4 * SEGMENT + 10, 4));
        int headerLength = headerLength(artifact);
        int sealed = SEGMENT + 16;
        int[] cuts = {0, 3, 9, 40, headerLength - 1, headerLength, headerLength + 1, headerLength + sealed,
                headerLength + 2 * sealed + 100, headerLength + 4 * sealed, artifact.length - 1};
        for (int cut : cuts) {
            ArtifactException e = refusal(Arrays.copyOf(artifact, cut));
            assertThat(e.reason()).as("cut at %d: %s", cut, e.getMessage()).isEqualTo(Reason.TRUNCATED);
        }
        assertThat(refusal(Arrays.copyOf(artifact, headerLength + sealed)).getMessage())
                .contains("ends before segment 1 of 5");
    }

    @Test
    void appendedBytesAreTrailingData() {
        byte[] artifact = pack(model(2 * SEGMENT, 5));
        byte[] longer = Arrays.copyOf(artifact, artifact.length + 1);
        assertThat(refusal(longer).reason()).isEqualTo(Reason.TRAILING_DATA);
    }

    @Test
    void swappedSegmentsAreReorderedNotJustTampered() {
        byte[] artifact = pack(model(4 * SEGMENT + 10, 6));
        int headerLength = headerLength(artifact);
        int sealed = SEGMENT + 16;
        byte[] swapped = artifact.clone();
        System.arraycopy(artifact, headerLength + sealed, swapped, headerLength + 2 * sealed, sealed);
        System.arraycopy(artifact, headerLength + 2 * sealed, swapped, headerLength + sealed, sealed);
        ArtifactException e = refusal(swapped);
        assertThat(e.reason()).isEqualTo(Reason.SEGMENT_REORDERED);
        assertThat(e.getMessage()).contains("segment 1 of 5 holds the authentic data of segment 2");
    }

    @Test
    void aBodyFromAnotherArtifactFailsAtSegmentZero() {
        byte[] a = pack(model(2 * SEGMENT, 7));
        byte[] b = pack(model(2 * SEGMENT, 8));
        int headerLength = headerLength(a);
        byte[] spliced = Arrays.copyOf(a, a.length);
        System.arraycopy(b, headerLength(b), spliced, headerLength, a.length - headerLength);
        ArtifactException e = refusal(spliced);
        assertThat(e.reason()).isEqualTo(Reason.BODY_TAMPERED);
        assertThat(e.getMessage()).contains("segment 0 of 2");
    }

    @Test
    void wrongContextIsWrongContext() {
        byte[] artifact = pack(model(100, 9));
        ArtifactException e = refusal(artifact,
                ArtifactBinding.context(Map.of("mlgate:model", "other", "aws:account", "111122223333")));
        assertThat(e.reason()).isEqualTo(Reason.WRONG_CONTEXT);
        assertThat(e.keyServiceErrorCode()).contains(KeyServiceException.INVALID_CIPHERTEXT);
        assertThat(refusal(artifact, ArtifactBinding.context(Map.of())).reason()).isEqualTo(Reason.WRONG_CONTEXT);
    }

    @Test
    void wrongKeyIsWrongKey() {
        byte[] artifact = pack(model(100, 10));
        kms.createKey("other");
        ArtifactException e = refusal(artifact, ArtifactBinding.context(CONTEXT).withKey("alias/other"));
        assertThat(e.reason()).isEqualTo(Reason.WRONG_KEY);
        assertThat(e.keyServiceErrorCode()).contains(KeyServiceException.INCORRECT_KEY);
        assertThat(decrypt(artifact, ArtifactBinding.context(CONTEXT).withKey("alias/models"))).hasSize(100);
        assertThat(decrypt(artifact, ArtifactBinding.context(CONTEXT).withKey(keyArn))).hasSize(100);
    }

    @Test
    void aDeletedKeyIsWrongKeyAndADisabledOneIsUnavailable() {
        byte[] artifact = pack(model(100, 11));
        kms.disable(keyArn);
        ArtifactException disabled = refusal(artifact);
        assertThat(disabled.reason()).isEqualTo(Reason.KEY_UNAVAILABLE);
        assertThat(disabled.keyServiceErrorCode()).contains("DisabledException");
        assertThat(disabled.getMessage()).contains("is disabled");
        kms.scheduleDeletion(keyArn);
        ArtifactException pending = refusal(artifact);
        assertThat(pending.reason()).isEqualTo(Reason.KEY_UNAVAILABLE);
        assertThat(pending.keyServiceErrorCode()).contains("KMSInvalidStateException");
        kms.delete(keyArn);
        ArtifactException deleted = refusal(artifact);
        assertThat(deleted.reason()).isEqualTo(Reason.WRONG_KEY);
        assertThat(deleted.keyServiceErrorCode()).contains("NotFoundException");
    }

    @Test
    void packagingUnderAMissingOrDisabledKeyFails() {
        assertThatThrownBy(() -> artifacts.write(ModelSource.of(new byte[10]), new ByteArrayOutputStream(),
                "alias/nope", CONTEXT, METADATA)).isInstanceOfSatisfying(ArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_KEY));
        kms.disable(keyArn);
        assertThatThrownBy(() -> pack(model(10, 1))).isInstanceOfSatisfying(ArtifactException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.KEY_UNAVAILABLE));
    }

    @Test
    void anotherVersionIsUnsupported() {
        byte[] artifact = pack(model(100, 12));
        artifact[4] = 2;
        ArtifactException e = refusal(artifact);
        assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_VERSION);
        assertThat(e.getMessage()).contains("version 2");
        assertThatThrownBy(() -> ModelArtifacts.inspect(new ByteArrayInputStream(artifact)))
                .isInstanceOf(ArtifactException.class);
    }

    @Test
    void aModelOverTheLimitIsTooLargeOnceItsSizeIsAuthenticated() throws Exception {
        byte[] artifact = pack(model(1000, 13));
        assertThatThrownBy(() -> artifacts.decrypt(new ByteArrayInputStream(artifact),
                ArtifactBinding.context(CONTEXT), 999)).isInstanceOfSatisfying(ArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
        assertThat(decrypt(artifact)).hasSize(1000);
        ArtifactReader reader = artifacts.open(new ByteArrayInputStream(artifact));
        assertThatThrownBy(() -> reader.decryptInto(ArtifactBinding.context(CONTEXT), new byte[1000], 1))
                .isInstanceOfSatisfying(ArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE));
    }

    @Test
    void decryptsIntoACallerBufferAndWipesItOnFailure() throws Exception {
        byte[] model = model(3 * SEGMENT + 5, 14);
        byte[] artifact = pack(model);
        byte[] buffer = new byte[model.length + 10];
        ArtifactReader reader = artifacts.open(new ByteArrayInputStream(artifact));
        assertThat(reader.decryptInto(ArtifactBinding.context(CONTEXT), buffer, 10)).isEqualTo(model.length);
        assertThat(Arrays.copyOfRange(buffer, 10, buffer.length)).isEqualTo(model);

        byte[] tampered = artifact.clone();
        tampered[tampered.length - 1] ^= 1;
        byte[] target = new byte[model.length];
        ArtifactReader bad = artifacts.open(new ByteArrayInputStream(tampered));
        assertThatThrownBy(() -> bad.decryptInto(ArtifactBinding.context(CONTEXT), target, 0))
                .isInstanceOfSatisfying(ArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BODY_TAMPERED));
        assertThat(target).containsOnly((byte) 0);
    }

    @Test
    void withoutTheDigestCheckSegmentsAreStillAuthenticated() {
        byte[] model = model(2 * SEGMENT + 3, 19);
        byte[] artifact = pack(model);
        ArtifactBinding fast = ArtifactBinding.context(CONTEXT).withoutDigestCheck();
        assertThat(fast.checksDigest()).isFalse();
        assertThat(ArtifactBinding.context(CONTEXT).checksDigest()).isTrue();
        assertThat(decrypt(artifact, fast)).isEqualTo(model);
        byte[] tampered = artifact.clone();
        tampered[headerLength(artifact) + SEGMENT + 20] ^= 4;
        assertThat(refusal(tampered, fast).reason()).isEqualTo(Reason.BODY_TAMPERED);
    }

    @Test
    void checkDataKeyUnwrapsOnlyTheDataKeyAndReportsAnUnusableKey() throws Exception {
        byte[] artifact = pack(model(3 * SEGMENT, 21));
        byte[] headerOnly = Arrays.copyOf(artifact, headerLength(artifact));
        assertThat(artifacts.checkDataKey(new ByteArrayInputStream(headerOnly), ArtifactBinding.context(CONTEXT)))
                .isEqualTo(keyArn);

        kms.disable(keyArn);
        ArtifactException disabled = catchThrowableOfType(ArtifactException.class, () ->
                artifacts.checkDataKey(new ByteArrayInputStream(headerOnly), ArtifactBinding.context(CONTEXT)));
        assertThat(disabled.reason()).isEqualTo(Reason.KEY_UNAVAILABLE);
        assertThat(disabled.keyServiceErrorCode()).contains(KeyServiceException.DISABLED);

        kms.enable(keyArn);
        ArtifactException wrongContext = catchThrowableOfType(ArtifactException.class, () ->
                artifacts.checkDataKey(new ByteArrayInputStream(headerOnly),
                        ArtifactBinding.context(Map.of("mlgate:model", "other"))));
        assertThat(wrongContext.reason()).isEqualTo(Reason.WRONG_CONTEXT);
    }

    @Test
    void closingADecryptedModelWipesIt() throws Exception {
        byte[] artifact = pack(model(500, 15));
        DecryptedModel decrypted = artifacts.decrypt(new ByteArrayInputStream(artifact),
                ArtifactBinding.context(CONTEXT), 1 << 20);
        byte[] bytes = decrypted.bytes();
        assertThat(bytes).isEqualTo(model(500, 15));
        decrypted.close();
        assertThat(bytes).containsOnly((byte) 0);
    }

    @Test
    void rewrapKeepsTheBodyAndDecryptsOnlyUnderTheNewKeyAndContext() throws Exception {
        byte[] model = model(3 * SEGMENT + 1, 16);
        byte[] artifact = pack(model);
        String newArn = kms.createKey("rotated");
        Map<String, String> newContext = Map.of("mlgate:model", "iris-v2");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArtifactHeader header = artifacts.rewrap(new ByteArrayInputStream(artifact), out, "alias/rotated",
                newContext);
        byte[] rewrapped = out.toByteArray();

        assertThat(header.keyId()).isEqualTo(newArn);
        assertThat(header.encryptionContext()).isEqualTo(newContext);
        int oldBody = headerLength(artifact);
        int newBody = headerLength(rewrapped);
        assertThat(Arrays.copyOfRange(rewrapped, newBody, rewrapped.length))
                .isEqualTo(Arrays.copyOfRange(artifact, oldBody, artifact.length));
        assertThat(decrypt(rewrapped, ArtifactBinding.context(newContext).withKey("alias/rotated")))
                .isEqualTo(model);
        assertThat(refusal(rewrapped, ArtifactBinding.context(newContext).withKey("alias/models")).reason())
                .isEqualTo(Reason.WRONG_KEY);
        assertThat(refusal(rewrapped, ArtifactBinding.context(CONTEXT)).reason()).isEqualTo(Reason.WRONG_CONTEXT);
        kms.disable(keyArn);
        assertThat(decrypt(rewrapped, ArtifactBinding.context(newContext))).isEqualTo(model);
    }

    @Test
    void rewrapUnderADisabledKeyIsKeyUnavailable() {
        byte[] artifact = pack(model(10, 17));
        String other = kms.createKey("off");
        kms.disable(other);
        assertThatThrownBy(() -> artifacts.rewrap(new ByteArrayInputStream(artifact), new ByteArrayOutputStream(),
                "alias/off", CONTEXT)).isInstanceOfSatisfying(ArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.KEY_UNAVAILABLE));
    }

    @Test
    void aModelThatChangesBetweenTheTwoReadsIsRefused() {
        byte[][] versions = {model(600, 1), model(600, 2)};
        int[] opened = {0};
        ModelSource changing = () -> new ByteArrayInputStream(versions[Math.min(opened[0]++, 1)]);
        assertThatThrownBy(() -> artifacts.write(changing, new ByteArrayOutputStream(), "alias/models", CONTEXT,
                METADATA)).isInstanceOf(IOException.class).hasMessageContaining("changed while it was being packaged");
    }

    @Test
    void dataKeysAreRedactedFromToString() {
        byte[] key = model(32, 18);
        GeneratedDataKey generated = new GeneratedDataKey(keyArn, key.clone(), new byte[] {1});
        assertThat(generated.toString()).doesNotContain(HexFormat.of().formatHex(key)).contains("redacted");
        generated.close();
        assertThat(generated.plaintext()).containsOnly((byte) 0);
    }
}
