package io.mlgate.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootKeyTest {

    private static final byte[] AD = "entry-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECRET = "a small secret".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void createsA32ByteOwnerOnlyKeyFileAndReloadsTheSameKey() throws Exception {
        Path keys = dir.resolve("keys");
        RootKey first = RootKey.loadOrCreate(keys);
        Path file = keys.resolve(RootKey.KEY_FILE);
        assertThat(Files.size(file)).isEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");

        byte[] sealed = first.seal(SECRET, AD);
        RootKey reloaded = RootKey.loadOrCreate(keys);
        assertThat(reloaded.open(sealed, AD)).isEqualTo(SECRET);
        try (var listing = Files.list(keys)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly(RootKey.KEY_FILE);
        }
    }

    @Test
    void aDifferentRootKeyCannotOpen() throws Exception {
        byte[] sealed = RootKey.loadOrCreate(dir.resolve("a")).seal(SECRET, AD);
        RootKey other = RootKey.loadOrCreate(dir.resolve("b"));
        assertThatThrownBy(() -> other.open(sealed, AD)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void sealIsRandomizedAndVersioned() throws Exception {
        RootKey root = RootKey.loadOrCreate(dir);
        byte[] a = root.seal(SECRET, AD);
        byte[] b = root.seal(SECRET, AD);
        assertThat(a).isNotEqualTo(b);
        assertThat(a[0]).isEqualTo((byte) 1);
        assertThat(a).hasSize(1 + 12 + SECRET.length + 16);
    }

    @Test
    void openWithTheRightAssociatedDataSucceedsAndWithWrongAssociatedDataFails() throws Exception {
        RootKey root = RootKey.loadOrCreate(dir);
        byte[] sealed = root.seal(SECRET, AD);
        assertThat(root.open(sealed, AD)).isEqualTo(SECRET);
        assertThatThrownBy(() -> root.open(sealed, "entry-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("associated data");
        assertThatThrownBy(() -> root.open(sealed, new byte[0])).isInstanceOf(KeyCustodyException.class);
    }

    @Test
    void everyModifiedByteAndTruncationFails() throws Exception {
        RootKey root = RootKey.loadOrCreate(dir);
        byte[] sealed = root.seal(SECRET, AD);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> root.open(tampered, AD)).as("byte %d", i)
                    .isInstanceOf(KeyCustodyException.class);
        }
        byte[] cut = java.util.Arrays.copyOf(sealed, sealed.length - 1);
        assertThatThrownBy(() -> root.open(cut, AD)).isInstanceOf(KeyCustodyException.class);
        assertThatThrownBy(() -> root.open(new byte[5], AD)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("too short");
    }

    @Test
    void keyFileOfWrongLengthIsRefused() throws Exception {
        Files.write(dir.resolve(RootKey.KEY_FILE), new byte[31]);
        assertThatThrownBy(() -> RootKey.loadOrCreate(dir)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("31 bytes");
    }

    @Test
    void passphraseModeDerivesTheSameKeyAgainAndRefusesAWrongPassphrase() throws Exception {
        RootKey first = RootKey.fromPassphrase("correct horse".toCharArray(), dir);
        Path saltFile = dir.resolve(RootKey.SALT_FILE);
        assertThat(saltFile).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(saltFile))).isEqualTo("rw-------");
        assertThat(dir.resolve(RootKey.KEY_FILE)).doesNotExist();
        byte[] sealed = first.seal(SECRET, AD);

        RootKey again = RootKey.fromPassphrase("correct horse".toCharArray(), dir);
        assertThat(again.open(sealed, AD)).isEqualTo(SECRET);

        assertThatThrownBy(() -> RootKey.fromPassphrase("correct horsE".toCharArray(), dir))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("wrong root passphrase");
    }

    @Test
    void emptyPassphraseIsRejected() {
        assertThatThrownBy(() -> RootKey.fromPassphrase(new char[0], dir))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modesCannotBeMixedInOneDirectory() throws Exception {
        Path fileMode = dir.resolve("file");
        RootKey.loadOrCreate(fileMode);
        assertThatThrownBy(() -> RootKey.fromPassphrase("pw".toCharArray(), fileMode))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining(RootKey.KEY_FILE);

        Path passMode = dir.resolve("pass");
        RootKey.fromPassphrase("pw".toCharArray(), passMode);
        assertThatThrownBy(() -> RootKey.loadOrCreate(passMode))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("passphrase");
    }

    @Test
    void saltFileWithHostileParametersIsRefused() throws Exception {
        RootKey.fromPassphrase("pw".toCharArray(), dir);
        Path saltFile = dir.resolve(RootKey.SALT_FILE);
        String json = Files.readString(saltFile).replace("65536", "1073741824");
        Files.writeString(saltFile, json);
        assertThatThrownBy(() -> RootKey.fromPassphrase("pw".toCharArray(), dir))
                .isInstanceOf(KeyCustodyException.class).hasMessageContaining("out-of-range");
    }

    @Test
    void toStringNamesTheSourceOnly() throws Exception {
        RootKey root = RootKey.loadOrCreate(dir);
        assertThat(root.toString()).startsWith("RootKey[file ").contains(RootKey.KEY_FILE);
        assertThat(SecretScan.containsAny(root.toString(), Files.readAllBytes(dir.resolve(RootKey.KEY_FILE))))
                .isFalse();
    }
}
