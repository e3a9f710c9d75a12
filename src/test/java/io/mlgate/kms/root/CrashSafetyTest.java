package io.mlgate.kms.root;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.RootKey;

/** Kills a process that rewrites a sealed store at random moments; the store must always open, old or new. */
class CrashSafetyTest {

    @TempDir
    Path keys;

    @Test
    void killedWriterLeavesTheOldOrTheNewCompleteStore() throws Exception {
        RootKey root = RootKey.loadOrCreate(keys);
        long lastSeen = 0;
        for (int kill = 0; kill < 5; kill++) {
            Process child = ChildJvm.builder(SealedStoreWriterMain.class, Map.of(), keys.toString())
                    .redirectErrorStream(true).start();
            long reported = 0;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                int writesBeforeKill = 1 + ThreadLocalRandom.current().nextInt(8);
                for (int i = 0; i < writesBeforeKill; i++) {
                    String line = lines.readLine();
                    assertThat(line).as("child output").isNotNull().startsWith("wrote ");
                    reported = Long.parseLong(line.substring(6));
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(15));
                child.destroyForcibly();
                child.waitFor();
            }
            long generation = SealedStoreWriterMain.read(keys, root);
            assertThat(generation).as("kill %d: a write that returned is never lost", kill)
                    .isGreaterThanOrEqualTo(reported).isGreaterThan(lastSeen);
            lastSeen = generation;
        }
        try (Stream<Path> files = Files.list(keys)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .containsExactlyInAnyOrder(RootKey.KEY_FILE, SealedStoreWriterMain.FILE);
        }
    }

    @Test
    void aTornWriteIsDetectedNotSilentlyAccepted() throws Exception {
        RootKey root = RootKey.loadOrCreate(keys);
        Process child = ChildJvm.builder(SealedStoreWriterMain.class, Map.of(), keys.toString()).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII))) {
            assertThat(lines.readLine()).startsWith("wrote ");
            child.destroyForcibly();
            child.waitFor();
        }
        // What a non-atomic writer would leave behind: the new file cut in the middle.
        Path store = keys.resolve(SealedStoreWriterMain.FILE);
        byte[] whole = Files.readAllBytes(store);
        Files.write(store, java.util.Arrays.copyOf(whole, whole.length / 2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SealedStoreWriterMain.read(keys, root))
                .isInstanceOf(Exception.class);
    }
}
