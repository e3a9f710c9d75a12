package io.mlgate.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeystoreTest {

    private static final String ACCOUNT = "111122223333";
    private static final String REGION = "us-east-1";

    @TempDir
    Path keys;

    private RootKey root;

    @BeforeEach
    void setUp() throws Exception {
        root = RootKey.loadOrCreate(keys);
    }

    @Test
    void defaultKeyIsCreatedOnceWithKmsShapedMetadata() throws Exception {
        Keystore store = Keystore.open(keys, root);
        assertThat(keys.resolve(Keystore.FILE)).doesNotExist();

        AccountKey key = store.defaultKeyFor(ACCOUNT, REGION);
        assertThat(key.arn().toString()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/" + key.keyId());
        assertThat(key.alias()).contains(Keystore.DEFAULT_ALIAS);
        assertThat(key.state()).isEqualTo(KeyState.ENABLED);
        assertThat(key.accountId()).isEqualTo(ACCOUNT);
        assertThat(key.region()).isEqualTo(REGION);
        assertThat(key.materialVersions()).containsExactly(1);
        assertThat(key.creationDate()).isNotNull();

        assertThat(store.defaultKeyFor(ACCOUNT, REGION).keyId()).isEqualTo(key.keyId());
        assertThat(store.defaultKeyFor("444455556666", REGION).keyId()).isNotEqualTo(key.keyId());
        assertThat(store.defaultKeyFor(ACCOUNT, "eu-west-1").keyId()).isNotEqualTo(key.keyId());
        assertThat(store.list()).hasSize(3);
    }

    @Test
    void rejectsMalformedAccountAndRegion() throws Exception {
        Keystore store = Keystore.open(keys, root);
        assertThatThrownBy(() -> store.defaultKeyFor("1234", REGION)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.defaultKeyFor(ACCOUNT, "Mars")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsByKeyIdKeyArnAndAliasArnButNotByWrongOrGarbageNames() throws Exception {
        Keystore store = Keystore.open(keys, root);
        AccountKey key = store.defaultKeyFor(ACCOUNT, REGION);
        assertThat(store.find(key.keyId().toString())).containsSame(key);
        assertThat(store.find(key.keyId().toString().toUpperCase())).containsSame(key);
        assertThat(store.find(key.arn().toString())).containsSame(key);
        assertThat(store.find("arn:aws:kms:us-east-1:111122223333:alias/mlgate/default")).containsSame(key);

        assertThat(store.find("arn:aws:kms:us-east-1:999999999999:key/" + key.keyId())).isEmpty();
        assertThat(store.find("arn:aws:kms:us-west-2:111122223333:key/" + key.keyId())).isEmpty();
        assertThat(store.find("arn:aws:kms:us-east-1:111122223333:alias/other")).isEmpty();
        assertThat(store.find(java.util.UUID.randomUUID().toString())).isEmpty();
        assertThat(store.find("not-a-key")).isEmpty();
        assertThat(store.find(null)).isEmpty();
    }

    @Test
    void survivesReopenWithSameIdsAndSameMaterial() throws Exception {
        Keystore store = Keystore.open(keys, root);
        AccountKey key = store.defaultKeyFor(ACCOUNT, REGION);
        AccountKey other = store.createKey(ACCOUNT, REGION, "second key");
        byte[] artifact = new EnvelopeCipher(store).encrypt("weights".getBytes(StandardCharsets.UTF_8), key,
                Map.of("model", "m1"));

        Keystore reopened = Keystore.open(keys, RootKey.loadOrCreate(keys));
        AccountKey again = reopened.find(key.keyId().toString()).orElseThrow();
        assertThat(again.arn()).isEqualTo(key.arn());
        assertThat(again.alias()).isEqualTo(key.alias());
        assertThat(again.creationDate()).isEqualTo(key.creationDate());
        assertThat(again.current().copyBytes()).isEqualTo(key.current().copyBytes());
        assertThat(reopened.find(other.arn().toString()).orElseThrow().description()).isEqualTo("second key");
        assertThat(reopened.defaultKeyFor(ACCOUNT, REGION).keyId()).isEqualTo(key.keyId());
        assertThat(new String(new EnvelopeCipher(reopened).decrypt(artifact, Map.of("model", "m1")),
                StandardCharsets.UTF_8)).isEqualTo("weights");
    }

    @Test
    void keystoreFileIsOwnerOnlyAndNoTemporaryFilesRemain() throws Exception {
        Keystore store = Keystore.open(keys, root);
        store.defaultKeyFor(ACCOUNT, REGION);
        store.createKey(ACCOUNT, REGION, "x");
        Path file = keys.resolve(Keystore.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var listing = Files.list(keys)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(RootKey.KEY_FILE, Keystore.FILE);
        }
    }

    @Test
    void stateChangesAndRotationPersist() throws Exception {
        Keystore store = Keystore.open(keys, root);
        AccountKey key = store.defaultKeyFor(ACCOUNT, REGION);
        assertThat(store.setState(key.keyId().toString(), KeyState.DISABLED).isEnabled()).isFalse();
        AccountKey rotated = store.rotate(key.arn().toString());
        assertThat(rotated.materialVersions()).containsExactly(1, 2);
        assertThat(rotated.currentMaterialVersion()).isEqualTo(2);
        assertThat(rotated.material(2).orElseThrow().copyBytes())
                .isNotEqualTo(rotated.material(1).orElseThrow().copyBytes());

        AccountKey reopened = Keystore.open(keys, root).find(key.keyId().toString()).orElseThrow();
        assertThat(reopened.state()).isEqualTo(KeyState.DISABLED);
        assertThat(reopened.materialVersions()).containsExactly(1, 2);
        assertThatThrownBy(() -> store.setState("no-such-key", KeyState.ENABLED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void editedDescriptionFailsNamingTheKeyId() throws Exception {
        AccountKey key = Keystore.open(keys, root).defaultKeyFor(ACCOUNT, REGION);
        Path file = keys.resolve(Keystore.FILE);
        Files.writeString(file, Files.readString(file).replace("Default key for", "Evil key for"));
        assertThatThrownBy(() -> Keystore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining(key.keyId().toString()).hasMessageContaining("failed authentication");
    }

    @Test
    void reEnablingADisabledKeyByEditingTheFileFails() throws Exception {
        Keystore store = Keystore.open(keys, root);
        AccountKey key = store.defaultKeyFor(ACCOUNT, REGION);
        store.setState(key.keyId().toString(), KeyState.DISABLED);
        Path file = keys.resolve(Keystore.FILE);
        Files.writeString(file, Files.readString(file).replace("\"Disabled\"", "\"Enabled\""));
        assertThatThrownBy(() -> Keystore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining(key.keyId().toString());
    }

    @Test
    void flippedSealedMaterialFailsNamingTheKeyId() throws Exception {
        AccountKey key = Keystore.open(keys, root).defaultKeyFor(ACCOUNT, REGION);
        Path file = keys.resolve(Keystore.FILE);
        String json = Files.readString(file);
        int at = json.indexOf("\"sealed\"");
        int valueStart = json.indexOf('"', at + 9) + 1 + 20;
        char c = json.charAt(valueStart);
        String tampered = json.substring(0, valueStart) + (c == 'A' ? 'B' : 'A') + json.substring(valueStart + 1);
        Files.writeString(file, tampered);
        assertThatThrownBy(() -> Keystore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining(key.keyId().toString());
    }

    @Test
    void keyIdThatDisagreesWithArnIsRefused() throws Exception {
        AccountKey key = Keystore.open(keys, root).defaultKeyFor(ACCOUNT, REGION);
        Path file = keys.resolve(Keystore.FILE);
        String otherId = java.util.UUID.randomUUID().toString();
        Files.writeString(file, Files.readString(file)
                .replace("\"keyId\" : \"" + key.keyId() + "\"", "\"keyId\" : \"" + otherId + "\""));
        assertThatThrownBy(() -> Keystore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining(otherId).hasMessageContaining("disagree");
    }

    @Test
    void aKeystoreSealedUnderAnotherRootKeyFails() throws Exception {
        Keystore.open(keys, root).defaultKeyFor(ACCOUNT, REGION);
        Path elsewhere = keys.resolve("other");
        Files.createDirectories(elsewhere);
        Files.copy(keys.resolve(Keystore.FILE), elsewhere.resolve(Keystore.FILE));
        RootKey otherRoot = RootKey.loadOrCreate(elsewhere);
        assertThatThrownBy(() -> Keystore.open(elsewhere, otherRoot)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("different root key");
    }

    @Test
    void garbageFileIsRefusedClearly() throws Exception {
        Files.writeString(keys.resolve(Keystore.FILE), "{not json");
        assertThatThrownBy(() -> Keystore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("not valid JSON");
        Files.writeString(keys.resolve(Keystore.FILE), "{\"format\":\"something-else\"}");
        assertThatThrownBy(() -> Keystore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("not an mlgate keystore");
    }

    @Test
    void concurrentDefaultKeyRequestsCreateExactlyOneKey() throws Exception {
        Keystore store = Keystore.open(keys, root);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        Set<java.util.UUID> ids = ConcurrentHashMap.newKeySet();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    ids.add(store.defaultKeyFor(ACCOUNT, REGION).keyId());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ids).hasSize(1);
        assertThat(Keystore.open(keys, root).list()).hasSize(1);
    }

    @Test
    void toStringNeverShowsMaterial() throws Exception {
        Keystore store = Keystore.open(keys, root);
        AccountKey key = store.defaultKeyFor(ACCOUNT, REGION);
        byte[] material = key.current().copyBytes();
        assertThat(key.toString()).contains(key.arn().toString());
        assertThat(SecretScan.containsAny(key.toString(), material)).isFalse();
        assertThat(SecretScan.containsAny(key.current().toString(), material)).isFalse();
        assertThat(SecretScan.containsAny(store.toString(), material)).isFalse();
    }
}
