package io.mlgate.kms.artifact;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a loader requires of an artifact: the encryption context its data key must open under and, optionally, the
 * customer key it must be wrapped under (passed to KMS Decrypt as {@code KeyId}).
 */
public final class ArtifactBinding {

    private final Map<String, String> context;
    private final Optional<String> keyId;
    private final boolean checkDigest;

    private ArtifactBinding(Map<String, String> context, Optional<String> keyId, boolean checkDigest) {
        ArtifactHeader.checkEntries(context, "encryption context");
        this.context = Collections.unmodifiableSortedMap(new TreeMap<>(context));
        this.keyId = keyId;
        this.checkDigest = checkDigest;
    }

    /** Requires {@code context} (exactly, as KMS does) and accepts whichever key the data key is wrapped under. */
    public static ArtifactBinding context(Map<String, String> context) {
        return new ArtifactBinding(context, Optional.empty(), true);
    }

    /** The same binding, also requiring the data key to be wrapped under {@code keyId} (id, ARN or alias). */
    public ArtifactBinding withKey(String keyId) {
        return new ArtifactBinding(context, Optional.of(Objects.requireNonNull(keyId, "keyId")), checkDigest);
    }

    /**
     * The same binding without recomputing the plaintext SHA-256 after decryption. Every segment is still
     * authenticated by AES-GCM under a key bound to the verified header, so this gives up only a check against a
     * faulty writer holding the data key, and roughly doubles decryption speed (docs/model-artifacts.md).
     */
    public ArtifactBinding withoutDigestCheck() {
        return new ArtifactBinding(context, keyId, false);
    }

    /** Whether decryption recomputes and compares the plaintext SHA-256 (the default). */
    public boolean checksDigest() {
        return checkDigest;
    }

    /** The required encryption context, sorted by key. */
    public Map<String, String> encryptionContext() {
        return context;
    }

    /** The required customer key, if any. */
    public Optional<String> keyId() {
        return keyId;
    }

    @Override
    public String toString() {
        return "ArtifactBinding[context=" + context + keyId.map(k -> ", key=" + k).orElse("")
                + (checkDigest ? "" : ", no digest check") + "]";
    }
}
