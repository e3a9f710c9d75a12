package io.mlgate.sts.mfa;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual MFA device as listed by IAM: serial number ({@code arn:aws:iam::A:mfa/NAME}), account, the user it is
 * enabled for (none until EnableMFADevice), and when it was created and enabled. Holds no seed.
 */
public record MfaDevice(String serialNumber, String accountId, String userArn, Instant createdAt, Instant enabledAt) {

    public MfaDevice {
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** The user the device is enabled for. */
    public Optional<String> user() {
        return Optional.ofNullable(userArn);
    }

    public boolean isEnabled() {
        return userArn != null;
    }
}
