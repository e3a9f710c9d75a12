package io.mlgate.credentials;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * A long-term access key as the store holds it: id, owner, status and creation date, with the secret kept in memory
 * and released only through {@link #secretAccessKey()}. Immutable; {@link #toString()} redacts the secret.
 */
public final class StoredAccessKey {

    private final String accessKeyId;
    private final String userArn;
    private final AccessKeyStatus status;
    private final Instant createDate;
    private final byte[] secret;

    StoredAccessKey(String accessKeyId, String userArn, AccessKeyStatus status, Instant createDate, byte[] secret) {
        this.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        this.userArn = Objects.requireNonNull(userArn, "userArn");
        this.status = Objects.requireNonNull(status, "status");
        this.createDate = Objects.requireNonNull(createDate, "createDate");
        this.secret = secret;
    }

    /** The access key id ({@code AKIA...}). */
    public String accessKeyId() {
        return accessKeyId;
    }

    /** The ARN of the IAM user that owns the key. */
    public String userArn() {
        return userArn;
    }

    /** Active or Inactive. */
    public AccessKeyStatus status() {
        return status;
    }

    /** Whether the key may authenticate requests now. */
    public boolean isActive() {
        return status == AccessKeyStatus.ACTIVE;
    }

    /** When the key was created. */
    public Instant createDate() {
        return createDate;
    }

    /**
     * The secret access key as ASCII bytes (e.g. for deriving a SigV4 signing key). Returns a fresh copy each call;
     * the caller should zero it after use and must never log it.
     */
    public byte[] secretAccessKey() {
        return secret.clone();
    }

    /** Used by the store to bind the sealed secret to this entry without copying. */
    byte[] secretView() {
        return secret;
    }

    StoredAccessKey withStatus(AccessKeyStatus newStatus) {
        return new StoredAccessKey(accessKeyId, userArn, newStatus, createDate, secret);
    }

    @Override
    public String toString() {
        return "StoredAccessKey[" + accessKeyId + ", user=" + userArn + ", status=" + status.wireName()
                + ", created=" + createDate + ", secret=<redacted>]";
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
