package io.mlgate.credentials;

import java.time.Instant;
import java.util.Objects;

/**
 * A newly created access key as handed to its owner exactly once, secret included; the store keeps only the sealed
 * secret afterwards. {@link #toString()} redacts the secret.
 */
public final class IssuedAccessKey {

    private final StoredAccessKey stored;

    IssuedAccessKey(StoredAccessKey stored) {
        this.stored = Objects.requireNonNull(stored, "stored");
    }

    /** The access key id ({@code AKIA...}). */
    public String accessKeyId() {
        return stored.accessKeyId();
    }

    /** The ARN of the IAM user that owns the key. */
    public String userArn() {
        return stored.userArn();
    }

    /** The status at creation (always Active). */
    public AccessKeyStatus status() {
        return stored.status();
    }

    /** When the key was created. */
    public Instant createDate() {
        return stored.createDate();
    }

    /** The 40-character secret access key, to show to the owner once; never log it. */
    public String secretAccessKey() {
        return StoredAccessKey.ascii(stored.secretView());
    }

    @Override
    public String toString() {
        return "IssuedAccessKey[" + accessKeyId() + ", user=" + userArn() + ", secret=<redacted>]";
    }
}
