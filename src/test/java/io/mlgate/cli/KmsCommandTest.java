package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.credentials.AccessKeyStore;
import io.mlgate.credentials.IssuedAccessKey;
import io.mlgate.kms.AccountKey;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.Keystore;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.root.PassphraseProtector;
import io.mlgate.kms.root.RootRotation;
import io.mlgate.kms.root.SealedFile;
import io.mlgate.sts.SessionTokenKeys;
import io.mlgate.sts.mfa.VirtualMfaDevices;

class KmsCommandTest extends ConsoleCapture {

    @TempDir
    Path temp;
    Path keys;
    Path passphrase;
    AccountKey accountKey;
    IssuedAccessKey accessKey;
    List<Integer> tokenKeyIds;

    private String kmsKeyId;

    private String auditKeyFingerprint;

    private String clusterFingerprint;
    private byte[] piiTokenizationKey;

    private String joinToken;

    @BeforeEach
    void populate() throws Exception {
        keys = temp.resolve("keys");
        RootKey root = RootKey.loadOrCreate(keys);
        Keystore keystore = Keystore.open(keys, root);
        accountKey = keystore.createKey("123456789012", "us-east-1", "model weights");
        keystore.rotate(accountKey.keyId().toString());
        accessKey = AccessKeyStore.open(keys, root).create("arn:aws:iam::123456789012:user/bob");
        tokenKeyIds = SessionTokenKeys.loadOrCreate(keys, root, Clock.systemUTC(), SessionTokenKeys.DEFAULT_ROTATION)
                .keyIds();
        VirtualMfaDevices.open(keys, root, Clock.systemUTC(), "mlgate").create("123456789012", "/", "phone");
        auditKeyFingerprint = io.mlgate.audit.integrity.AuditSigningKeys.loadOrCreate(keys, root, Clock.systemUTC())
                .current().fingerprint();
        // a KMS key (keys/kms-keys.json), created through the KMS service as an administrator would
        String admin = "arn:aws:iam::123456789012:user/admin";
        io.mlgate.iam.eval.PrincipalContext caller = io.mlgate.iam.eval.PrincipalContext
                .builder(admin, "123456789012", io.mlgate.iam.eval.PrincipalType.USER)
                .identityPolicy(io.mlgate.iam.policy.IdentityPolicy.inline("admin", admin,
                        io.mlgate.iam.policy.PolicyParser.parse("{\"Version\":\"2012-10-17\",\"Statement\":"
                                + "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}", "admin")))
                .build();
        io.mlgate.kms.api.KmsService kms = new io.mlgate.kms.api.KmsService(
                io.mlgate.kms.api.KmsKeyStore.open(keys, root), new io.mlgate.iam.eval.PolicyEvaluator(),
                Clock.systemUTC(), "us-east-1");
        var created = kms.invoke("CreateKey", io.mlgate.protocol.json.JsonBodies.read(
                "{\"Description\":\"kms key\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), caller,
                io.mlgate.iam.eval.RequestContext.builder().build());
        kmsKeyId = created.path("KeyMetadata").path("KeyId").asString();
        // the cluster CA key and the join token key (keys/cluster/, one folder below keys/)
        io.mlgate.cluster.pki.ClusterCa ca = io.mlgate.cluster.pki.ClusterCa.openOrCreate(keys, root,
                Clock.systemUTC());
        clusterFingerprint = ca.fingerprint();
        joinToken = io.mlgate.cluster.pki.JoinTokens.openOrCreate(keys, root, Clock.systemUTC())
                .issue("n1", java.time.Duration.ofHours(1), clusterFingerprint);
        piiTokenizationKey = io.mlgate.gateway.PiiTokenizationKey.loadOrCreate(keys, root);
        passphrase = temp.resolve("new-passphrase");
        Files.writeString(passphrase, "a long new root passphrase\n");
    }

    private int rotateToPassphrase() {
        return run("kms", "rotate-root", "--keys", keys.toString(), "--to", "passphrase", "--new-passphrase-file",
                passphrase.toString(), "--argon2-memory-mib", "8", "--argon2-iterations", "1");
    }

    @Test
    void rotateRootReSealsEveryFileAndEveryStoreOpensUnderTheNewRoot() throws Exception {
        assertThat(rotateToPassphrase()).as(err.toString()).isZero();
        assertThat(out.toString()).contains("in 9 files").contains("passphrase protector");

        assertThat(keys.resolve(RootKey.KEY_FILE)).doesNotExist();
        assertThat(keys.resolve(RootRotation.STAGING)).doesNotExist();
        assertThatThrownBy(() -> RootKey.loadOrCreate(keys)).isInstanceOf(KeyCustodyException.class);
        RootKey root = RootKey.unlock(PassphraseProtector.fromFile(passphrase,
                io.mlgate.kms.root.Argon2idParameters.DEFAULT), keys);

        AccountKey reopened = Keystore.open(keys, root).find(accountKey.keyId().toString()).orElseThrow();
        assertThat(reopened.materialVersions()).containsExactly(1, 2);
        assertThat(reopened.arn()).isEqualTo(accountKey.arn());
        assertThat(new String(AccessKeyStore.open(keys, root).find(accessKey.accessKeyId()).orElseThrow()
                .secretAccessKey())).isEqualTo(accessKey.secretAccessKey());
        assertThat(SessionTokenKeys.loadOrCreate(keys, root, Clock.systemUTC(), SessionTokenKeys.DEFAULT_ROTATION)
                .keyIds()).isEqualTo(tokenKeyIds);
        int opened = 0;
        for (SealedFile file : KmsCommand.sealedFiles()) {
            opened += file.verify(Files.readAllBytes(keys.resolve(file.name())), root);
        }
        assertThat(opened).isEqualTo(2 + 1 + tokenKeyIds.size() + 1 + 1 + 1 + 2 + 1);
        assertThat(io.mlgate.gateway.PiiTokenizationKey.loadOrCreate(keys, root))
                .as("the PII tokenization key is re-sealed, not lost").isEqualTo(piiTokenizationKey);
        assertThat(io.mlgate.cluster.pki.ClusterCa.openOrCreate(keys, root, Clock.systemUTC()).fingerprint())
                .isEqualTo(clusterFingerprint);
        io.mlgate.cluster.pki.JoinTokens.openOrCreate(keys, root, Clock.systemUTC())
                .verify(joinToken, "n1", clusterFingerprint);
        assertThat(io.mlgate.audit.integrity.AuditSigningKeys.loadOrCreate(keys, root, Clock.systemUTC()).current()
                .fingerprint()).isEqualTo(auditKeyFingerprint);
        assertThat(io.mlgate.kms.api.KmsKeyStore.open(keys, root).size()).isEqualTo(1);
        assertThat(kmsKeyId).isNotEmpty();
        assertThat(out.toString() + err).doesNotContain("a long new root passphrase");
    }

    @Test
    void aTamperedStoreStopsTheRotationWithKeysUnchanged() throws Exception {
        Path file = keys.resolve(AccessKeyStore.FILE);
        Files.writeString(file, Files.readString(file).replace("\"Active\"", "\"Inactive\""));
        byte[] keystoreBefore = Files.readAllBytes(keys.resolve(Keystore.FILE));

        assertThat(rotateToPassphrase()).isEqualTo(KmsCommand.CUSTODY_FAILURE);

        assertThat(err.toString()).contains("access-keys.json").contains("does not open");
        assertThat(Files.readAllBytes(keys.resolve(Keystore.FILE))).isEqualTo(keystoreBefore);
        assertThat(Keystore.open(keys, RootKey.loadOrCreate(keys)).list()).hasSize(1);
    }

    @Test
    void usageErrorsAreReported() {
        assertThat(run("kms", "rotate-root", "--keys", keys.toString(), "--to", "hsm")).isEqualTo(KmsCommand.USAGE);
        assertThat(err.toString()).contains("file, passphrase or pkcs11");
        assertThat(run("kms", "rotate-root", "--keys", keys.toString(), "--to", "pkcs11"))
                .isEqualTo(KmsCommand.USAGE);
    }
}
