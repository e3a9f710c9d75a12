package io.mlgate.sts.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.RootKey;
import io.mlgate.sts.MutableClock;

class VirtualMfaDevicesTest {

    static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    @TempDir
    Path keysDir;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:10Z"));
    RootKey root;
    VirtualMfaDevices store;

    @BeforeEach
    void setUp() throws Exception {
        root = RootKey.loadOrCreate(keysDir);
        store = VirtualMfaDevices.open(keysDir, root, clock, "mlgate");
    }

    private String code(String base32, long offsetSteps) {
        return Totp.code(Base32.decode(base32), Totp.step(clock.instant()) + offsetSteps);
    }

    @Test
    void createReturnsSeedOnceAndStoresItSealed() throws Exception {
        NewVirtualMfaDevice d = store.create("123456789012", "/", "alice-phone");
        assertThat(d.serialNumber()).isEqualTo("arn:aws:iam::123456789012:mfa/alice-phone");
        assertThat(d.base32StringSeed()).matches("[A-Z2-7]{32}");
        assertThat(d.otpauthUri()).startsWith("otpauth://totp/mlgate:alice-phone@123456789012?secret="
                + d.base32StringSeed());
        assertThat(d.toString()).doesNotContain(d.base32StringSeed());
        assertThat(Files.readString(keysDir.resolve(VirtualMfaDevices.FILE))).doesNotContain(d.base32StringSeed());
        assertThatThrownBy(() -> store.create("123456789012", "/", "alice-phone"))
                .isInstanceOfSatisfying(MfaException.class, e -> assertThat(e.code()).isEqualTo("EntityAlreadyExists"));
        assertThatThrownBy(() -> store.create("123456789012", "/", "bad name!"))
                .isInstanceOfSatisfying(MfaException.class, e -> assertThat(e.code()).isEqualTo("ValidationError"));
    }

    @Test
    void enableNeedsTwoConsecutiveCodes() throws Exception {
        NewVirtualMfaDevice d = store.create("123456789012", "/", "alice-phone");
        assertThatThrownBy(() -> store.enable(d.serialNumber(), ALICE, code(d.base32StringSeed(), 0),
                code(d.base32StringSeed(), 0)))
                .isInstanceOfSatisfying(MfaException.class, e -> assertThat(e.code()).isEqualTo("InvalidAuthenticationCode"));
        MfaDevice enabled = store.enable(d.serialNumber(), ALICE, code(d.base32StringSeed(), -1),
                code(d.base32StringSeed(), 0));
        assertThat(enabled.user()).contains(ALICE);
        assertThat(store.listForUser(ALICE)).extracting(MfaDevice::serialNumber).containsExactly(d.serialNumber());
        assertThat(store.listForUser("arn:aws:iam::123456789012:user/bob")).isEmpty();
        assertThatThrownBy(() -> store.enable(d.serialNumber(), ALICE, "000000", "000000"))
                .isInstanceOfSatisfying(MfaException.class, e -> assertThat(e.code()).isEqualTo("EntityAlreadyExists"));
    }

    @Test
    void verifyAcceptsEachStepOnceWithinOneStepOfNow() throws Exception {
        NewVirtualMfaDevice d = store.create("123456789012", "/", "alice-phone");
        store.enable(d.serialNumber(), ALICE, code(d.base32StringSeed(), -2), code(d.base32StringSeed(), -1));
        String now = code(d.base32StringSeed(), 0);
        assertThat(store.verify(d.serialNumber(), "arn:aws:iam::123456789012:user/bob", now)).isFalse();
        assertThat(store.verify(d.serialNumber(), ALICE, now)).isTrue();
        assertThat(store.verify(d.serialNumber(), ALICE, now)).as("replay").isFalse();
        assertThat(store.verify(d.serialNumber(), ALICE, code(d.base32StringSeed(), 2))).as("too far ahead").isFalse();
        assertThat(store.verify(d.serialNumber(), ALICE, code(d.base32StringSeed(), 1))).isTrue();
        clock.advance(Duration.ofSeconds(120));
        assertThat(store.verify(d.serialNumber(), ALICE, code(d.base32StringSeed(), -2))).as("too old").isFalse();
        assertThat(store.verify(d.serialNumber(), ALICE, "12345")).isFalse();
    }

    @Test
    void replayProtectionSurvivesReopen() throws Exception {
        NewVirtualMfaDevice d = store.create("123456789012", "/", "alice-phone");
        store.enable(d.serialNumber(), ALICE, code(d.base32StringSeed(), -2), code(d.base32StringSeed(), -1));
        String now = code(d.base32StringSeed(), 0);
        assertThat(store.verify(d.serialNumber(), ALICE, now)).isTrue();
        VirtualMfaDevices reopened = VirtualMfaDevices.open(keysDir, root, clock, "mlgate");
        assertThat(reopened.listForUser(ALICE)).hasSize(1);
        assertThat(reopened.verify(d.serialNumber(), ALICE, now)).isFalse();
        assertThat(reopened.verify(d.serialNumber(), ALICE, code(d.base32StringSeed(), 1))).isTrue();
    }

    @Test
    void deactivateAndDelete() throws Exception {
        NewVirtualMfaDevice d = store.create("123456789012", "/", "alice-phone");
        store.enable(d.serialNumber(), ALICE, code(d.base32StringSeed(), -2), code(d.base32StringSeed(), -1));
        assertThatThrownBy(() -> store.delete(d.serialNumber()))
                .isInstanceOfSatisfying(MfaException.class, e -> assertThat(e.code()).isEqualTo("DeleteConflict"));
        store.deactivate(d.serialNumber(), ALICE);
        assertThat(store.verify(d.serialNumber(), ALICE, code(d.base32StringSeed(), 0))).isFalse();
        store.delete(d.serialNumber());
        assertThat(store.listVirtual("123456789012")).isEmpty();
        assertThatThrownBy(() -> store.delete(d.serialNumber()))
                .isInstanceOfSatisfying(MfaException.class, e -> assertThat(e.code()).isEqualTo("NoSuchEntity"));
    }
}
