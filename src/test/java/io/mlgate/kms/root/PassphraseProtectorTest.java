package io.mlgate.kms.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;

class PassphraseProtectorTest {

    static final Argon2idParameters FAST = new Argon2idParameters(8 * 1024, 1, 1);
    private static final byte[] AD = "ad".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void recordsArgon2idParametersAndReopensWithTheSamePassphraseFromAFile() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "correct horse battery staple\n");
        RootKey first = RootKey.unlock(PassphraseProtector.fromFile(pw, FAST), dir.resolve("keys"));
        String header = Files.readString(dir.resolve("keys").resolve(PassphraseProtector.FILE));
        assertThat(header).contains("\"kdf\" : \"argon2id\"").contains("\"memoryKiB\" : 8192")
                .contains("\"iterations\" : 1").contains("\"parallelism\" : 1").doesNotContain("correct horse");
        byte[] sealed = first.seal("secret".getBytes(StandardCharsets.US_ASCII), AD);

        // The same passphrase without the trailing newline, as an environment variable: the same key.
        RootKey again = RootKey.unlock(PassphraseProtector.fromEnvironment("PW",
                Map.of("PW", "correct horse battery staple")::get, Argon2idParameters.DEFAULT), dir.resolve("keys"));
        assertThat(again.open(sealed, AD)).isEqualTo("secret".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void wrongPassphraseFailsClearly() throws Exception {
        RootKey.fromPassphrase("right".toCharArray(), dir, FAST);
        assertThatThrownBy(() -> RootKey.fromPassphrase("wrong".toCharArray(), dir, FAST))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("wrong root passphrase")
                .hasMessageNotContaining("wrong\"").hasMessageNotContaining("right");
    }

    @Test
    void storedParametersWinOverTheProtectorsDefaults() throws Exception {
        RootKey.fromPassphrase("pw".toCharArray(), dir, FAST);
        // Unlocking with DEFAULT parameters still derives with the recorded (8 MiB, 1 pass) ones.
        byte[] sealed = RootKey.fromPassphrase("pw".toCharArray(), dir, FAST).seal(AD, AD);
        assertThat(RootKey.fromPassphrase("pw".toCharArray(), dir).open(sealed, AD)).isEqualTo(AD);
    }

    @Test
    void tooWeakParametersAreRefused() {
        assertThatThrownBy(() -> new Argon2idParameters(1024, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Argon2idParameters(8192, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Argon2idParameters.DEFAULT.memoryKiB()).isEqualTo(64 * 1024);
    }

    @Test
    void missingOrEmptySourcesFail() throws Exception {
        assertThatThrownBy(() -> PassphraseProtector.fromEnvironment("PW", name -> null, FAST).unlock(dir))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("PW");
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "\n");
        assertThatThrownBy(() -> PassphraseProtector.fromFile(empty, FAST).unlock(dir.resolve("k")))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("empty");
    }

    @Test
    void settingsPickTheProtector() throws Exception {
        assertThat(RootKeySettings.fromEnvironment(name -> null)).isInstanceOf(KeyFileProtector.class);
        assertThat(RootKeySettings.fromEnvironment(Map.of(RootKeySettings.PASSPHRASE, "x")::get))
                .isInstanceOf(PassphraseProtector.class);
        assertThat(RootKeySettings.fromEnvironment(Map.of(RootKeySettings.PASSPHRASE_FILE, "/x")::get).toString())
                .contains("file /x");
        assertThatThrownBy(() -> RootKeySettings.fromEnvironment(Map.of(RootKeySettings.PROTECTOR, "hsm")::get))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("file, passphrase or pkcs11");
        assertThatThrownBy(() -> RootKeySettings.fromEnvironment(Map.of(RootKeySettings.PROTECTOR, "passphrase")::get))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining(RootKeySettings.PASSPHRASE_FILE);
    }
}
