package io.mlgate.kms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {

    @TempDir
    Path dir;

    @Test
    void replaceWritesOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("f.json");
        AtomicFileWriter.replace(file, new byte[] {1, 2, 3});
        AtomicFileWriter.replace(file, new byte[] {4});
        assertThat(Files.readAllBytes(file)).containsExactly(4);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void createIfAbsentNeverOverwrites() throws Exception {
        Path file = dir.resolve("root.key");
        assertThat(AtomicFileWriter.createIfAbsent(file, new byte[] {1})).isTrue();
        assertThat(AtomicFileWriter.createIfAbsent(file, new byte[] {2})).isFalse();
        assertThat(Files.readAllBytes(file)).containsExactly(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void ensurePrivateDirectoryCreatesOwnerOnlyDirectoriesAndKeepsExistingOnes() throws Exception {
        Path keys = dir.resolve("a/b/keys");
        AtomicFileWriter.ensurePrivateDirectory(keys);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwxr-x---"));
        AtomicFileWriter.ensurePrivateDirectory(keys);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwxr-x---");
    }
}
