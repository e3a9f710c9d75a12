package io.mlgate.kms.root;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class RootRotationTest {

    /** {"items":[{"name":..., "sealed":...}]}, each bound to its name. */
    static final SealedFile ITEMS = SealedJsonFile.of("items.json", (doc, sink) -> {
        for (JsonNode item : doc.path("items")) {
            sink.sealedField((ObjectNode) item, "sealed", ad(item.path("name").asString()));
        }
    });

    @TempDir
    Path keys;

    static byte[] ad(String name) {
        return ("test/" + name).getBytes(StandardCharsets.UTF_8);
    }

    static void writeItems(Path keys, RootKey root, String... names) throws Exception {
        StringBuilder json = new StringBuilder("{\"items\":[");
        for (int i = 0; i < names.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(names[i]).append("\",\"sealed\":\"")
                    .append(Base64.getEncoder().encodeToString(root.seal(("value of " + names[i])
                            .getBytes(StandardCharsets.UTF_8), ad(names[i])))).append("\"}");
        }
        AtomicFileWriter.replace(keys.resolve("items.json"), json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rotatesFromKeyFileToPassphraseAndTheOldKeyIsGone() throws Exception {
        RootKey old = RootKey.loadOrCreate(keys);
        writeItems(keys, old, "a", "b");
        byte[] before = Files.readAllBytes(keys.resolve("items.json"));

        RootRotation.Result result = RootRotation.rotate(keys, old,
                PassphraseProtector.of("new pass".toCharArray(), PassphraseProtectorTest.FAST), List.of(ITEMS));

        assertThat(result.files()).containsExactly("items.json");
        assertThat(result.sealedValues()).isEqualTo(2);
        assertThat(keys.resolve(RootKey.KEY_FILE)).doesNotExist();
        assertThat(keys.resolve(RootRotation.STAGING)).doesNotExist();
        RootKey fresh = RootKey.fromPassphrase("new pass".toCharArray(), keys);
        byte[] after = Files.readAllBytes(keys.resolve("items.json"));
        assertThat(ITEMS.verify(after, fresh)).isEqualTo(2);
        assertThatThrownBy(() -> ITEMS.verify(after, old)).isInstanceOf(KeyCustodyException.class);
        assertThatThrownBy(() -> ITEMS.verify(before, fresh)).isInstanceOf(KeyCustodyException.class);
        assertThatThrownBy(() -> RootKey.loadOrCreate(keys)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("passphrase");
    }

    @Test
    void aSealedBlobOneFolderDownIsResealed() throws Exception {
        RootKey old = RootKey.loadOrCreate(keys);
        byte[] ad = ad("blob");
        AtomicFileWriter.ensurePrivateDirectory(keys.resolve("sub"));
        AtomicFileWriter.replace(keys.resolve("sub/blob.key"), old.seal("secret".getBytes(StandardCharsets.UTF_8), ad));
        SealedFile blob = SealedBlobFile.of("sub/blob.key", ad);

        RootRotation.Result result = RootRotation.rotate(keys, old,
                PassphraseProtector.of("new pass".toCharArray(), PassphraseProtectorTest.FAST), List.of(blob));

        assertThat(result.files()).containsExactly("sub/blob.key");
        RootKey fresh = RootKey.fromPassphrase("new pass".toCharArray(), keys);
        byte[] after = Files.readAllBytes(keys.resolve("sub/blob.key"));
        assertThat(new String(fresh.open(after, ad), StandardCharsets.UTF_8)).isEqualTo("secret");
        assertThatThrownBy(() -> blob.verify(after, old)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("sub/blob.key");
        assertThat(keys.resolve(RootRotation.STAGING)).doesNotExist();
    }

    @Test
    void sealedFileNamesStayInsideKeys() {
        for (String bad : new String[] {"", "a/b/c", "../x", "sub/../x", ".hidden", "sub/.x", "/abs", "sub/"}) {
            assertThat(RootRotation.validName(bad)).as(bad).isFalse();
            assertThatThrownBy(() -> SealedBlobFile.of(bad, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(RootRotation.validName("cluster/ca.key")).isTrue();
        assertThat(RootRotation.validName("keystore.json")).isTrue();
    }

    @Test
    void aTamperedFileStopsTheRotationAndLeavesKeysUntouched() throws Exception {
        RootKey old = RootKey.loadOrCreate(keys);
        writeItems(keys, old, "a", "b");
        Path items = keys.resolve("items.json");
        Files.writeString(items, Files.readString(items).replace("\"name\":\"b\"", "\"name\":\"c\""));
        byte[] before = Files.readAllBytes(items);
        byte[] rootBefore = Files.readAllBytes(keys.resolve(RootKey.KEY_FILE));

        assertThatThrownBy(() -> RootRotation.rotate(keys, old, PassphraseProtector.of("p".toCharArray(),
                PassphraseProtectorTest.FAST), List.of(ITEMS))).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("items.json").hasMessageContaining("#1");

        assertThat(Files.readAllBytes(items)).isEqualTo(before);
        assertThat(Files.readAllBytes(keys.resolve(RootKey.KEY_FILE))).isEqualTo(rootBefore);
        assertThat(keys.resolve(PassphraseProtector.FILE)).doesNotExist();
        // The half-built staging folder is discarded by the next unlock.
        RootKey.loadOrCreate(keys);
        assertThat(keys.resolve(RootRotation.STAGING)).doesNotExist();
    }

    @Test
    void rotatingToTheSamePassphraseStillGivesANewKey() throws Exception {
        Path pw = keys.resolveSibling("pw-" + keys.getFileName());
        Files.writeString(pw, "same");
        RootKey old = RootKey.unlock(PassphraseProtector.fromFile(pw, PassphraseProtectorTest.FAST), keys);
        // A new passphrase folder gets a fresh salt, so even the same passphrase gives a new key: allowed.
        RootRotation.rotate(keys, old, PassphraseProtector.fromFile(pw, PassphraseProtectorTest.FAST), List.of());
        RootKey current = RootKey.unlock(PassphraseProtector.fromFile(pw, PassphraseProtectorTest.FAST), keys);
        byte[] sealed = current.seal(new byte[] {1}, new byte[0]);
        assertThatThrownBy(() -> old.open(sealed, new byte[0])).isInstanceOf(KeyCustodyException.class);
    }

    @Test
    void aCommittedRotationInterruptedMidwayIsFinishedByTheNextUnlock() throws Exception {
        RootKey old = RootKey.loadOrCreate(keys);
        writeItems(keys, old, "a");
        // Stage by hand what rotate() writes before its renames, then "crash" before any rename.
        Path staging = keys.resolve(RootRotation.STAGING);
        AtomicFileWriter.ensurePrivateDirectory(staging);
        RootKey next = RootKey.unlockWithoutRecovery(PassphraseProtector.of("n".toCharArray(),
                PassphraseProtectorTest.FAST), staging);
        AtomicFileWriter.replace(staging.resolve("items.json"),
                ITEMS.reseal(Files.readAllBytes(keys.resolve("items.json")), old, next));
        AtomicFileWriter.replace(staging.resolve(RootRotation.COMMIT),
                "{\"version\":1,\"marker\":\"root.salt\",\"files\":[\"items.json\"]}".getBytes(StandardCharsets.UTF_8));

        RootKey after = RootKey.fromPassphrase("n".toCharArray(), keys);

        assertThat(ITEMS.verify(Files.readAllBytes(keys.resolve("items.json")), after)).isEqualTo(1);
        assertThat(keys.resolve(RootKey.KEY_FILE)).doesNotExist();
        assertThat(staging).doesNotExist();
    }

    @Test
    void anUncommittedStagingFolderIsDiscarded() throws Exception {
        RootKey old = RootKey.loadOrCreate(keys);
        writeItems(keys, old, "a");
        Path staging = keys.resolve(RootRotation.STAGING);
        AtomicFileWriter.ensurePrivateDirectory(staging);
        RootKey.unlockWithoutRecovery(PassphraseProtector.of("n".toCharArray(), PassphraseProtectorTest.FAST), staging);
        Files.writeString(staging.resolve("items.json"), "{\"items\":[]}");

        assertThat(RootRotation.recover(keys)).isTrue();

        assertThat(staging).doesNotExist();
        assertThat(ITEMS.verify(Files.readAllBytes(keys.resolve("items.json")), RootKey.loadOrCreate(keys)))
                .isEqualTo(1);
        assertThat(RootRotation.recover(keys)).isFalse();
    }
}
