package io.mlgate.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.SecretScan;

class AccessKeyStoreTest {

    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
    private static final String BOB = "arn:aws:iam::111122223333:user/team/bob";

    @TempDir
    Path keys;

    private RootKey root;

    @BeforeEach
    void setUp() throws Exception {
        root = RootKey.loadOrCreate(keys);
    }

    @Test
    void createdKeysHaveAwsShapedIdsAndSecrets() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        IssuedAccessKey issued = store.create(ALICE);
        assertThat(issued.accessKeyId()).matches("AKIA[A-Z2-7]{16}");
        assertThat(issued.secretAccessKey()).matches("[A-Za-z0-9/+]{40}");
        assertThat(issued.status()).isEqualTo(AccessKeyStatus.ACTIVE);
        assertThat(issued.userArn()).isEqualTo(ALICE);

        StoredAccessKey stored = store.find(issued.accessKeyId()).orElseThrow();
        assertThat(new String(stored.secretAccessKey(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(issued.secretAccessKey());
        assertThat(stored.isActive()).isTrue();
    }

    @Test
    void idsAndSecretsAreUnique() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        Set<String> ids = new HashSet<>();
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            IssuedAccessKey k = store.create(ALICE);
            ids.add(k.accessKeyId());
            secrets.add(k.secretAccessKey());
        }
        assertThat(ids).hasSize(50);
        assertThat(secrets).hasSize(50);
        assertThat(store.forUser(ALICE)).hasSize(50);
    }

    @Test
    void findIsExactAndForUserListsOnlyThatUsersKeys() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        IssuedAccessKey a1 = store.create(ALICE);
        IssuedAccessKey a2 = store.create(ALICE);
        IssuedAccessKey b = store.create(BOB);
        assertThat(store.forUser(ALICE)).extracting(StoredAccessKey::accessKeyId)
                .containsExactlyInAnyOrder(a1.accessKeyId(), a2.accessKeyId());
        assertThat(store.forUser(BOB)).extracting(StoredAccessKey::accessKeyId).containsExactly(b.accessKeyId());
        assertThat(store.forUser("arn:aws:iam::111122223333:user/nobody")).isEmpty();
        assertThat(store.find(a1.accessKeyId().toLowerCase())).isEmpty();
        assertThat(store.find("AKIAAAAAAAAAAAAAAAAA")).isEmpty();
        assertThat(store.find(null)).isEmpty();
    }

    @Test
    void rejectsNonUserArns() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        assertThatThrownBy(() -> store.create("alice")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("arn:aws:iam::1234:user/alice"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.create("arn:aws:sts::111122223333:assumed-role/r/s"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.create("arn:aws:iam::111122223333:root").userArn())
                .isEqualTo("arn:aws:iam::111122223333:root");
    }

    @Test
    void survivesReopenWithSameIdsSecretsAndStatus() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        IssuedAccessKey a = store.create(ALICE);
        IssuedAccessKey b = store.create(BOB);
        store.setStatus(b.accessKeyId(), AccessKeyStatus.INACTIVE);

        AccessKeyStore reopened = AccessKeyStore.open(keys, RootKey.loadOrCreate(keys));
        StoredAccessKey ra = reopened.find(a.accessKeyId()).orElseThrow();
        assertThat(new String(ra.secretAccessKey(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(a.secretAccessKey());
        assertThat(ra.userArn()).isEqualTo(ALICE);
        assertThat(ra.createDate()).isEqualTo(a.createDate());
        StoredAccessKey rb = reopened.find(b.accessKeyId()).orElseThrow();
        assertThat(rb.status()).isEqualTo(AccessKeyStatus.INACTIVE);
        assertThat(rb.isActive()).isFalse();
        assertThat(new String(rb.secretAccessKey(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(b.secretAccessKey());
    }

    @Test
    void setStatusAndDelete() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        IssuedAccessKey a = store.create(ALICE);
        assertThat(store.setStatus(a.accessKeyId(), AccessKeyStatus.INACTIVE).isActive()).isFalse();
        assertThat(store.find(a.accessKeyId()).orElseThrow().isActive()).isFalse();
        assertThat(store.setStatus(a.accessKeyId(), AccessKeyStatus.ACTIVE).isActive()).isTrue();
        assertThatThrownBy(() -> store.setStatus("AKIAAAAAAAAAAAAAAAAA", AccessKeyStatus.ACTIVE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.delete(a.accessKeyId())).isTrue();
        assertThat(store.delete(a.accessKeyId())).isFalse();
        assertThat(store.find(a.accessKeyId())).isEmpty();
        assertThat(AccessKeyStore.open(keys, root).find(a.accessKeyId())).isEmpty();
    }

    @Test
    void fileIsOwnerOnlyAndHoldsNoPlaintextSecret() throws Exception {
        IssuedAccessKey a = AccessKeyStore.open(keys, root).create(ALICE);
        Path file = keys.resolve(AccessKeyStore.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains(a.accessKeyId()).doesNotContain(a.secretAccessKey());
    }

    @Test
    void reassigningAKeyToAnotherUserByEditingTheFileFails() throws Exception {
        IssuedAccessKey a = AccessKeyStore.open(keys, root).create(ALICE);
        Path file = keys.resolve(AccessKeyStore.FILE);
        Files.writeString(file, Files.readString(file).replace("user/alice", "user/mallory"));
        assertThatThrownBy(() -> AccessKeyStore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining(a.accessKeyId()).hasMessageContaining("failed authentication");
    }

    @Test
    void reactivatingAKeyByEditingTheFileFails() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        IssuedAccessKey a = store.create(ALICE);
        store.setStatus(a.accessKeyId(), AccessKeyStatus.INACTIVE);
        Path file = keys.resolve(AccessKeyStore.FILE);
        Files.writeString(file, Files.readString(file).replace("\"Inactive\"", "\"Active\""));
        assertThatThrownBy(() -> AccessKeyStore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining(a.accessKeyId());
    }

    @Test
    void swappingSealedSecretsBetweenEntriesFails() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        IssuedAccessKey a = store.create(ALICE);
        IssuedAccessKey b = store.create(ALICE);
        Path file = keys.resolve(AccessKeyStore.FILE);
        String json = Files.readString(file);
        String idA = a.accessKeyId();
        String idB = b.accessKeyId();
        // Swap the ids: each sealed secret now sits under the other id.
        String swapped = json.replace(idA, "#A#").replace(idB, idA).replace("#A#", idB);
        Files.writeString(file, swapped);
        assertThatThrownBy(() -> AccessKeyStore.open(keys, root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("failed authentication");
    }

    @Test
    void storeSealedUnderAnotherRootKeyFails(@TempDir Path other) throws Exception {
        AccessKeyStore.open(keys, root).create(ALICE);
        Files.copy(keys.resolve(AccessKeyStore.FILE), other.resolve(AccessKeyStore.FILE));
        RootKey otherRoot = RootKey.loadOrCreate(other);
        assertThatThrownBy(() -> AccessKeyStore.open(other, otherRoot)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining("different root key");
    }

    @Test
    void toStringsAndErrorsNeverRevealTheSecret() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        IssuedAccessKey a = store.create(ALICE);
        byte[] secret = a.secretAccessKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        StoredAccessKey stored = store.find(a.accessKeyId()).orElseThrow();
        assertThat(a.toString()).contains(a.accessKeyId()).contains("redacted");
        assertThat(stored.toString()).contains(a.accessKeyId()).contains("redacted");
        for (String text : new String[] {a.toString(), stored.toString(), store.toString()}) {
            assertThat(text).doesNotContain(a.secretAccessKey());
            assertThat(SecretScan.containsAny(text, secret)).isFalse();
        }
        Path file = keys.resolve(AccessKeyStore.FILE);
        Files.writeString(file, Files.readString(file).replace("user/alice", "user/eve"));
        try {
            AccessKeyStore.open(keys, root);
            throw new AssertionError("expected tamper failure");
        } catch (KeyCustodyException e) {
            assertThat(e.getMessage()).doesNotContain(a.secretAccessKey());
            assertThat(SecretScan.containsAny(e.getMessage(), secret)).isFalse();
        }
    }

    @Test
    void secretAccessorReturnsACopy() throws Exception {
        AccessKeyStore store = AccessKeyStore.open(keys, root);
        IssuedAccessKey a = store.create(ALICE);
        StoredAccessKey stored = store.find(a.accessKeyId()).orElseThrow();
        byte[] copy = stored.secretAccessKey();
        java.util.Arrays.fill(copy, (byte) 0);
        assertThat(new String(stored.secretAccessKey(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(a.secretAccessKey());
    }
}
