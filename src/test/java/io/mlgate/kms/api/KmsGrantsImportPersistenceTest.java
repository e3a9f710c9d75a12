package io.mlgate.kms.api;

import static io.mlgate.kms.api.KmsFixture.ACCOUNT;
import static io.mlgate.kms.api.KmsFixture.arn;
import static io.mlgate.kms.api.KmsFixture.b64;
import static io.mlgate.kms.api.KmsFixture.unb64;
import static io.mlgate.kms.api.KmsServiceTest.assertKmsError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.SecretScan;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

class KmsGrantsImportPersistenceTest {

    @TempDir
    Path keys;

    KmsFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new KmsFixture(keys);
    }

    private String encrypt(String keyId, String context, PrincipalContext who) throws JsonServiceException {
        return f.call("Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"" + b64("data".getBytes(
                StandardCharsets.UTF_8)) + "\"" + (context == null ? "" : ",\"EncryptionContext\":" + context) + "}",
                who).get("CiphertextBlob").asString();
    }

    @Test
    void grantsAllowTheirOperationsUnderTheirConstraintsUntilRetiredOrRevoked() throws Exception {
        String id = f.createKey("");
        assertKmsError(() -> encrypt(id, "{\"tenant\":\"a\"}", f.bob), "AccessDeniedException");
        JsonNode grant = f.call("CreateGrant", "{\"KeyId\":\"" + id + "\",\"GranteePrincipal\":\"arn:aws:iam::"
                + ACCOUNT + ":user/bob\",\"RetiringPrincipal\":\"arn:aws:iam::" + ACCOUNT + ":user/alice\","
                + "\"Operations\":[\"Encrypt\",\"Decrypt\"],\"Constraints\":{\"EncryptionContextSubset\":"
                + "{\"tenant\":\"a\"}},\"Name\":\"bob-grant\"}", f.admin);
        String token = grant.get("GrantToken").asString();
        String grantId = grant.get("GrantId").asString();
        assertThat(grantId).matches("[0-9a-f]{64}");

        String blob = encrypt(id, "{\"tenant\":\"a\",\"x\":\"y\"}", f.bob);
        f.call("Decrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"EncryptionContext\":{\"tenant\":\"a\",\"x\":\"y\"},"
                + "\"GrantTokens\":[\"" + token + "\"]}", f.bob);
        assertKmsError(() -> encrypt(id, "{\"tenant\":\"b\"}", f.bob), "AccessDeniedException");
        assertKmsError(() -> f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\",\"KeySpec\":\"AES_256\","
                + "\"EncryptionContext\":{\"tenant\":\"a\"}}", f.bob), "AccessDeniedException");
        assertKmsError(() -> f.call("Encrypt", "{\"KeyId\":\"" + id + "\",\"Plaintext\":\"AA==\","
                + "\"GrantTokens\":[\"not-a-token\"]}", f.admin), "InvalidGrantTokenException");

        JsonNode list = f.call("ListGrants", "{\"KeyId\":\"" + id + "\"}", f.admin).get("Grants");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("GrantId").asString()).isEqualTo(grantId);
        assertThat(list.get(0).get("Constraints").get("EncryptionContextSubset").get("tenant").asString())
                .isEqualTo("a");
        assertThat(list.get(0).get("IssuingAccount").asString()).isEqualTo("arn:aws:iam::" + ACCOUNT + ":root");

        assertKmsError(() -> f.call("RetireGrant", "{\"GrantToken\":\"" + token + "\"}", f.bob),
                "AccessDeniedException");
        f.call("RetireGrant", "{\"GrantToken\":\"" + token + "\"}", f.alice);
        assertKmsError(() -> encrypt(id, "{\"tenant\":\"a\"}", f.bob), "AccessDeniedException");
        assertThat(f.call("ListGrants", "{\"KeyId\":\"" + id + "\"}", f.admin).get("Grants")).isEmpty();

        JsonNode g2 = f.call("CreateGrant", "{\"KeyId\":\"" + arn(id) + "\",\"GranteePrincipal\":\"arn:aws:iam::"
                + ACCOUNT + ":user/bob\",\"Operations\":[\"DescribeKey\"]}", f.admin);
        f.call("DescribeKey", "{\"KeyId\":\"" + id + "\"}", f.bob);
        f.call("RevokeGrant", "{\"KeyId\":\"" + id + "\",\"GrantId\":\"" + g2.get("GrantId").asString() + "\"}",
                f.admin);
        assertKmsError(() -> f.call("DescribeKey", "{\"KeyId\":\"" + id + "\"}", f.bob), "AccessDeniedException");
        assertKmsError(() -> f.call("RevokeGrant", "{\"KeyId\":\"" + id + "\",\"GrantId\":\""
                + g2.get("GrantId").asString() + "\"}", f.admin), "NotFoundException");
        assertKmsError(() -> f.call("RevokeGrant", "{\"KeyId\":\"" + id + "\",\"GrantId\":\"xyz\"}", f.admin),
                "InvalidGrantIdException");
    }

    @Test
    void createGrantChecksOperationsConstraintsAndGrantOperationsKey() throws Exception {
        String id = f.createKey("");
        String grantee = "\"GranteePrincipal\":\"arn:aws:iam::" + ACCOUNT + ":user/bob\"";
        assertKmsError(() -> f.call("CreateGrant", "{\"KeyId\":\"" + id + "\"," + grantee + ",\"Operations\":"
                + "[\"DescribeKey\"],\"Constraints\":{\"EncryptionContextEquals\":{\"a\":\"b\"}}}", f.admin),
                "ValidationException");
        assertKmsError(() -> f.call("CreateGrant", "{\"KeyId\":\"" + id + "\"," + grantee + ",\"Operations\":"
                + "[\"Fly\"]}", f.admin), "ValidationException");
        assertKmsError(() -> f.call("CreateGrant", "{\"KeyId\":\"" + id + "\"," + grantee + ",\"Operations\":[]}",
                f.admin), "ValidationException");
        PrincipalContext limited = KmsFixture.user("limited", ACCOUNT, "{\"Version\":\"2012-10-17\",\"Statement\":"
                + "[{\"Effect\":\"Allow\",\"Action\":\"kms:CreateGrant\",\"Resource\":\"*\",\"Condition\":"
                + "{\"ForAllValues:StringEquals\":{\"kms:GrantOperations\":[\"Decrypt\"]}}}]}");
        f.call("CreateGrant", "{\"KeyId\":\"" + id + "\"," + grantee + ",\"Operations\":[\"Decrypt\"]}", limited);
        assertKmsError(() -> f.call("CreateGrant", "{\"KeyId\":\"" + id + "\"," + grantee + ",\"Operations\":"
                + "[\"Decrypt\",\"Encrypt\"]}", limited), "AccessDeniedException");
        JsonNode equalsGrant = f.call("CreateGrant", "{\"KeyId\":\"" + id + "\",\"GranteePrincipal\":\"arn:aws:iam::"
                + ACCOUNT + ":user/bob\",\"Operations\":[\"Encrypt\"],\"Constraints\":{\"EncryptionContextEquals\":"
                + "{\"a\":\"b\"}}}", f.admin);
        assertThat(equalsGrant.get("GrantToken").asString()).isNotEmpty();
        encrypt(id, "{\"a\":\"b\"}", f.bob);
        assertKmsError(() -> encrypt(id, "{\"a\":\"b\",\"c\":\"d\"}", f.bob), "AccessDeniedException");
    }

    private static byte[] wrap(JsonNode params, byte[] material, boolean sha256) throws Exception {
        PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(unb64(params.get(
                "PublicKey"))));
        Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(Cipher.ENCRYPT_MODE, pub, new OAEPParameterSpec(sha256 ? "SHA-256" : "SHA-1", "MGF1",
                sha256 ? MGF1ParameterSpec.SHA256 : MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
        return rsa.doFinal(material);
    }

    private JsonNode importParameters(String id, String algorithm, String spec) throws JsonServiceException {
        return f.call("GetParametersForImport", "{\"KeyId\":\"" + id + "\",\"WrappingAlgorithm\":\"" + algorithm
                + "\",\"WrappingKeySpec\":\"" + spec + "\"}", f.admin);
    }

    private void importMaterial(String id, JsonNode params, byte[] wrapped, String extra) throws JsonServiceException {
        f.call("ImportKeyMaterial", "{\"KeyId\":\"" + id + "\",\"ImportToken\":\"" + params.get("ImportToken")
                .asString() + "\",\"EncryptedKeyMaterial\":\"" + b64(wrapped) + "\"" + extra + "}", f.admin);
    }

    @Test
    void byokImportsWrappedMaterialThenEncryptsAndDecrypts() throws Exception {
        JsonNode created = f.call("CreateKey", "{\"Origin\":\"EXTERNAL\"}", f.admin).get("KeyMetadata");
        String id = created.get("KeyId").asString();
        assertThat(created.get("KeyState").asString()).isEqualTo("PendingImport");
        assertThat(created.get("Origin").asString()).isEqualTo("EXTERNAL");
        assertKmsError(() -> encrypt(id, null, f.admin), "KMSInvalidStateException");
        assertKmsError(() -> importParameters(id, "RSAES_PKCS1_V1_5", "RSA_2048"), "UnsupportedOperationException");

        JsonNode params = importParameters(id, "RSAES_OAEP_SHA_256", "RSA_3072");
        assertThat(params.get("KeyId").asString()).isEqualTo(arn(id));
        assertThat(params.get("ParametersValidTo").asDouble()).isEqualTo(1735689600.0 + 86400);
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        assertKmsError(() -> importMaterial(id, params, wrap(params, material, false), ""),
                "InvalidCiphertextException");
        assertKmsError(() -> importMaterial(id, params, wrap(params, new byte[16], true), ""),
                "IncorrectKeyMaterialException");
        assertKmsError(() -> f.call("ImportKeyMaterial", "{\"KeyId\":\"" + id + "\",\"ImportToken\":\"" + b64(
                new byte[52]) + "\",\"EncryptedKeyMaterial\":\"" + b64(wrap(params, material, true)) + "\"}", f.admin),
                "InvalidImportTokenException");
        importMaterial(id, params, wrap(params, material, true), ",\"ExpirationModel\":\"KEY_MATERIAL_EXPIRES\","
                + "\"ValidTo\":" + (1735689600L + 10 * 86400));
        JsonNode described = f.call("DescribeKey", "{\"KeyId\":\"" + id + "\"}", f.admin).get("KeyMetadata");
        assertThat(described.get("KeyState").asString()).isEqualTo("Enabled");
        assertThat(described.get("ExpirationModel").asString()).isEqualTo("KEY_MATERIAL_EXPIRES");
        String blob = encrypt(id, "{\"k\":\"v\"}", f.admin);
        f.call("Decrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"EncryptionContext\":{\"k\":\"v\"}}", f.admin);
        assertKmsError(() -> f.call("RotateKeyOnDemand", "{\"KeyId\":\"" + id + "\"}", f.admin),
                "UnsupportedOperationException");

        // the imported material never reaches the file or any rendering in clear
        String file = Files.readString(keys.resolve(KmsKeyStore.FILE));
        assertThat(SecretScan.containsAny(file, material)).isFalse();
        assertThat(SecretScan.containsAny(f.store.toString() + f.service + f.store.list(), material)).isFalse();

        // delete, then a re-import must be the same material; old ciphertexts decrypt again
        f.call("DeleteImportedKeyMaterial", "{\"KeyId\":\"" + id + "\"}", f.admin);
        assertKmsError(() -> f.call("Decrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"EncryptionContext\":"
                + "{\"k\":\"v\"}}", f.admin), "KMSInvalidStateException");
        JsonNode params2 = importParameters(id, "RSAES_OAEP_SHA_1", "RSA_2048");
        byte[] other = new byte[32];
        assertKmsError(() -> importMaterial(id, params2, wrap(params2, other, false), ""),
                "IncorrectKeyMaterialException");
        importMaterial(id, params2, wrap(params2, material, false), "");
        assertThat(unb64(f.call("Decrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"EncryptionContext\":"
                + "{\"k\":\"v\"}}", f.admin).get("Plaintext"))).isEqualTo("data".getBytes(StandardCharsets.UTF_8));

        // expiring material: after ValidTo the key is pending import
        JsonNode params3 = importParameters(id, "RSAES_OAEP_SHA_256", "RSA_2048");
        importMaterial(id, params3, wrap(params3, material, true), ",\"ValidTo\":" + (1735689600L + 86400));
        f.clock.advance(Duration.ofDays(2));
        assertKmsError(() -> encrypt(id, null, f.admin), "KMSInvalidStateException");
        assertThat(f.call("DescribeKey", "{\"KeyId\":\"" + id + "\"}", f.admin).get("KeyMetadata").get("KeyState")
                .asString()).isEqualTo("PendingImport");
        assertKmsError(() -> importMaterial(id, params3, wrap(params3, material, true), ""),
                "InvalidImportTokenException");
    }

    @Test
    void importParametersExpire() throws Exception {
        String id = f.call("CreateKey", "{\"Origin\":\"EXTERNAL\"}", f.admin).get("KeyMetadata").get("KeyId")
                .asString();
        JsonNode params = importParameters(id, "RSAES_OAEP_SHA_256", "RSA_2048");
        f.clock.advance(Duration.ofHours(25));
        assertKmsError(() -> importMaterial(id, params, wrap(params, new byte[32], true), ""),
                "ExpiredImportTokenException");
        String awsKey = f.createKey("");
        assertKmsError(() -> importParameters(awsKey, "RSAES_OAEP_SHA_256", "RSA_2048"),
                "UnsupportedOperationException");
    }

    @Test
    void reopeningTheStoreSeesEverythingAndTamperingIsDetected() throws Exception {
        String id = f.createKey("\"Description\":\"persisted\",\"Tags\":[{\"TagKey\":\"t\",\"TagValue\":\"v\"}]");
        f.call("CreateAlias", "{\"AliasName\":\"alias/kept\",\"TargetKeyId\":\"" + id + "\"}", f.admin);
        String before = encrypt(id, null, f.admin);
        f.call("RotateKeyOnDemand", "{\"KeyId\":\"" + id + "\"}", f.admin);
        String after = encrypt(id, null, f.admin);
        f.call("CreateGrant", "{\"KeyId\":\"" + id + "\",\"GranteePrincipal\":\"arn:aws:iam::" + ACCOUNT
                + ":user/bob\",\"Operations\":[\"Encrypt\"]}", f.admin);
        f.call("EnableKeyRotation", "{\"KeyId\":\"" + id + "\"}", f.admin);

        f.reopen();
        JsonNode m = f.call("DescribeKey", "{\"KeyId\":\"alias/kept\"}", f.admin).get("KeyMetadata");
        assertThat(m.get("KeyId").asString()).isEqualTo(id);
        assertThat(m.get("Description").asString()).isEqualTo("persisted");
        for (String blob : new String[] {before, after}) {
            f.call("Decrypt", "{\"CiphertextBlob\":\"" + blob + "\"}", f.admin);
        }
        encrypt(id, null, f.bob);
        assertThat(f.call("ListResourceTags", "{\"KeyId\":\"" + id + "\"}", f.admin).get("Tags")).hasSize(1);
        assertThat(f.call("GetKeyRotationStatus", "{\"KeyId\":\"" + id + "\"}", f.admin).get("KeyRotationEnabled")
                .asBoolean()).isTrue();

        Path file = keys.resolve(KmsKeyStore.FILE);
        String text = Files.readString(file);
        Files.writeString(file, text.replace("\"persisted\"", "\"edited\""));
        assertThatThrownBy(() -> KmsKeyStore.open(keys, f.root)).isInstanceOf(KeyCustodyException.class)
                .hasMessageContaining(id);
        Files.writeString(file, text.replace("user/bob", "user/eve"));
        assertThatThrownBy(() -> KmsKeyStore.open(keys, f.root)).isInstanceOf(KeyCustodyException.class);
        Files.writeString(file, text);
        assertThat(KmsKeyStore.open(keys, f.root).size()).isEqualTo(1);
    }

    @Test
    void targetNamesActionKeyArnAndAuditsNoSecrets() throws Exception {
        String id = f.createKey("");
        f.call("CreateAlias", "{\"AliasName\":\"alias/t\",\"TargetKeyId\":\"" + id + "\"}", f.admin);
        byte[] secret = "top-secret-plaintext".getBytes(StandardCharsets.UTF_8);
        JsonNode body = JsonBodies.read(("{\"KeyId\":\"alias/t\",\"Plaintext\":\"" + b64(secret) + "\","
                + "\"EncryptionContext\":{\"Purpose\":\"x\"}}").getBytes(StandardCharsets.UTF_8));
        JsonTarget t = f.service.target("Encrypt", body, ACCOUNT, f.admin);
        assertThat(t.action()).isEqualTo("kms:Encrypt");
        assertThat(t.resourceArn()).isEqualTo(arn(id));
        assertThat(t.resourceType()).isEqualTo("AWS::KMS::Key");
        assertThat(t.readOnly()).isFalse();
        assertThat(t.requestParameters()).containsEntry("keyId", "alias/t")
                .containsEntry("encryptionContext", java.util.Map.of("Purpose", "x"))
                .doesNotContainKey("plaintext");
        assertThat(SecretScan.containsAny(t.toString(), secret)).isFalse();

        String blob = f.call("Encrypt", new String(JsonBodies.write(body), StandardCharsets.UTF_8), f.admin)
                .get("CiphertextBlob").asString();
        JsonTarget d = f.service.target("Decrypt", JsonBodies.read(("{\"CiphertextBlob\":\"" + blob + "\","
                + "\"EncryptionContext\":{\"Purpose\":\"x\"}}").getBytes(StandardCharsets.UTF_8)), ACCOUNT, f.admin);
        assertThat(d.resourceArn()).isEqualTo(arn(id));
        assertThat(d.toString()).doesNotContain(blob);
        assertThat(f.service.target("DescribeKey", JsonBodies.read(("{\"KeyId\":\"" + id + "\"}").getBytes(
                StandardCharsets.UTF_8)), ACCOUNT, f.admin).readOnly()).isTrue();
        JsonTarget create = f.service.target("CreateKey", JsonBodies.read("{}".getBytes(StandardCharsets.UTF_8)),
                ACCOUNT, f.admin);
        assertThat(create.resourceArn()).isEqualTo("*");
        assertThat(f.service.authorizesInternally("Encrypt")).isTrue();
        assertThat(f.service.api().targetPrefix()).isEqualTo("TrentService.");

        JsonNode dk = f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\",\"KeySpec\":\"AES_256\"}", f.admin);
        byte[] dataKey = unb64(dk.get("Plaintext"));
        assertThatThrownBy(() -> f.call("Decrypt", "{\"CiphertextBlob\":\"" + dk.get("CiphertextBlob").asString()
                + "\",\"EncryptionContext\":{\"a\":\"b\"}}", f.admin)).satisfies(e -> {
                    assertThat(SecretScan.containsAny(e.getMessage(), dataKey)).isFalse();
                    assertThat(e.getMessage()).doesNotContain(dk.get("CiphertextBlob").asString());
                });
        assertThat(SecretScan.containsAny(Files.readString(keys.resolve(KmsKeyStore.FILE)), dataKey)).isFalse();
        assertKmsError(() -> f.service.target("Fly", JsonBodies.read(new byte[0]), ACCOUNT, f.admin),
                "UnknownOperationException");
    }
}
