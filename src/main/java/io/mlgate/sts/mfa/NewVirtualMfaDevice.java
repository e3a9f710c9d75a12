package io.mlgate.sts.mfa;

import java.util.Objects;

/**
 * The answer to creating a virtual MFA device: its serial number and, this once only, the Base32 seed and the
 * {@code otpauth://} URI an authenticator app imports. {@link #toString()} omits the seed.
 */
public final class NewVirtualMfaDevice {

    private final MfaDevice device;
    private final String base32StringSeed;
    private final String otpauthUri;

    NewVirtualMfaDevice(MfaDevice device, String base32StringSeed, String otpauthUri) {
        this.device = Objects.requireNonNull(device);
        this.base32StringSeed = Objects.requireNonNull(base32StringSeed);
        this.otpauthUri = Objects.requireNonNull(otpauthUri);
    }

    public MfaDevice device() {
        return device;
    }

    public String serialNumber() {
        return device.serialNumber();
    }

    /** The seed in Base32 (IAM's {@code Base32StringSeed}); shown to the user once. */
    public String base32StringSeed() {
        return base32StringSeed;
    }

    /** {@code otpauth://totp/...?secret=...}: what IAM encodes in its {@code QRCodePNG}. */
    public String otpauthUri() {
        return otpauthUri;
    }

    @Override
    public String toString() {
        return "NewVirtualMfaDevice[" + device.serialNumber() + "]";
    }
}
