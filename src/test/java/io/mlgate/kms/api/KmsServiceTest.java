package io.mlgate.kms.api;

import static io.mlgate.kms.api.KmsFixture.ACCOUNT;
import static io.mlgate.kms.api.KmsFixture.arn;
import static io.mlgate.kms.api.KmsFixture.b64;
import static io.mlgate.kms.api.KmsFixture.keyPolicy;
import static io.mlgate.kms.api.KmsFixture.quote;
import static io.mlgate.kms.api.KmsFixture.unb64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlgate.protocol.json.JsonServiceException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

class KmsServiceTest {

    @TempDir
    Path keys;

    KmsFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new KmsFixture(keys);
    }

    static void assertKmsError(ThrowingCallable call, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(JsonServiceException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.status()).isEqualTo(400);
        });
    }

    private String encrypt(String keyId, String plaintext, String context, io.mlgate.iam.eval.PrincipalContext who)
            throws JsonServiceException {
        return f.call("Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\""
                + b64(plaintext.getBytes(StandardCharsets.UTF_8)) + "\"" + (context == null ? ""
                : ",\"EncryptionContext\":" + context) + "}", who).get("CiphertextBlob").asString();
    }

    private String decrypt(String blob, String context, io.mlgate.iam.eval.PrincipalContext who)
            throws JsonServiceException {
        JsonNode out = f.call("Decrypt", "{\"CiphertextBlob\":\"" + blob + "\"" + (context == null ? ""
                : ",\"EncryptionContext\":" + context) + "}", who);
        return new String(unb64(out.get("Plaintext")), StandardCharsets.UTF_8);
    }

    @Test
    void createKeyDescribesWithKmsMetadataAndResolvesEveryKeyIdForm() throws Exception {
        JsonNode out = f.call("CreateKey", "{\"Description\":\"models\",\"Tags\":[{\"TagKey\":\"team\","
                + "\"TagValue\":\"ml\"}]}", f.admin);
        JsonNode m = out.get("KeyMetadata");
        String id = m.get("KeyId").asString();
        assertThat(m.get("Arn").asString()).isEqualTo(arn(id));
        assertThat(m.get("AWSAccountId").asString()).isEqualTo(ACCOUNT);
        assertThat(m.get("KeyState").asString()).isEqualTo("Enabled");
        assertThat(m.get("Enabled").asBoolean()).isTrue();
        assertThat(m.get("KeySpec").asString()).isEqualTo("SYMMETRIC_DEFAULT");
        assertThat(m.get("KeyUsage").asString()).isEqualTo("ENCRYPT_DECRYPT");
        assertThat(m.get("Origin").asString()).isEqualTo("AWS_KMS");
        assertThat(m.get("CreationDate").isNumber()).isTrue();
        assertThat(m.get("CreationDate").asDouble()).isEqualTo(1735689600.0);

        f.call("CreateAlias", "{\"AliasName\":\"alias/models\",\"TargetKeyId\":\"" + id + "\"}", f.admin);
        for (String ref : new String[] {id, arn(id), "alias/models",
                "arn:aws:kms:us-east-1:" + ACCOUNT + ":alias/models"}) {
            assertThat(f.call("DescribeKey", "{\"KeyId\":\"" + ref + "\"}", f.admin).get("KeyMetadata")
                    .get("KeyId").asString()).isEqualTo(id);
        }
        assertKmsError(() -> f.call("DescribeKey", "{\"KeyId\":\"alias/nope\"}", f.admin), "NotFoundException");
        assertKmsError(() -> f.call("DescribeKey", "{\"KeyId\":\"" + java.util.UUID.randomUUID() + "\"}", f.admin),
                "NotFoundException");
        assertKmsError(() -> f.call("DescribeKey", "{}", f.admin), "ValidationException");
        assertThat(f.call("ListKeys", "{}", f.admin).get("Keys").get(0).get("KeyArn").asString()).isEqualTo(arn(id));
        assertThat(f.call("ListResourceTags", "{\"KeyId\":\"" + id + "\"}", f.admin).get("Tags").get(0)
                .get("TagValue").asString()).isEqualTo("ml");
    }

    @Test
    void aliasesAreCreatedUpdatedListedAndDeleted() throws Exception {
        String a = f.createKey("");
        String b = f.createKey("");
        f.call("CreateAlias", "{\"AliasName\":\"alias/app\",\"TargetKeyId\":\"" + a + "\"}", f.admin);
        assertKmsError(() -> f.call("CreateAlias", "{\"AliasName\":\"alias/app\",\"TargetKeyId\":\"" + b + "\"}",
                f.admin), "AlreadyExistsException");
        assertKmsError(() -> f.call("CreateAlias", "{\"AliasName\":\"app2\",\"TargetKeyId\":\"" + b + "\"}",
                f.admin), "InvalidAliasNameException");
        assertKmsError(() -> f.call("CreateAlias", "{\"AliasName\":\"alias/aws/s3\",\"TargetKeyId\":\"" + b + "\"}",
                f.admin), "InvalidAliasNameException");
        JsonNode list = f.call("ListAliases", "{}", f.admin).get("Aliases");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("TargetKeyId").asString()).isEqualTo(a);
        assertThat(list.get(0).get("AliasArn").asString()).isEqualTo("arn:aws:kms:us-east-1:" + ACCOUNT
                + ":alias/app");

        f.call("UpdateAlias", "{\"AliasName\":\"alias/app\",\"TargetKeyId\":\"" + b + "\"}", f.admin);
        assertThat(f.call("DescribeKey", "{\"KeyId\":\"alias/app\"}", f.admin).get("KeyMetadata").get("KeyId")
                .asString()).isEqualTo(b);
        assertThat(f.call("ListAliases", "{\"KeyId\":\"" + a + "\"}", f.admin).get("Aliases")).isEmpty();

        f.call("DeleteAlias", "{\"AliasName\":\"alias/app\"}", f.admin);
        assertKmsError(() -> f.call("DescribeKey", "{\"KeyId\":\"alias/app\"}", f.admin), "NotFoundException");
        assertKmsError(() -> f.call("DeleteAlias", "{\"AliasName\":\"alias/app\"}", f.admin), "NotFoundException");
    }

    @Test
    void encryptDecryptBindsTheEncryptionContextExactly() throws Exception {
        String id = f.createKey("");
        String ctx = "{\"tenant\":\"a\",\"purpose\":\"model\"}";
        String blob = encrypt(id, "hello", ctx, f.admin);
        assertThat(decrypt(blob, "{\"purpose\":\"model\",\"tenant\":\"a\"}", f.admin)).isEqualTo("hello");
        JsonNode out = f.call("Decrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"KeyId\":\"" + arn(id)
                + "\",\"EncryptionContext\":" + ctx + "}", f.admin);
        assertThat(out.get("KeyId").asString()).isEqualTo(arn(id));
        assertThat(out.get("EncryptionAlgorithm").asString()).isEqualTo("SYMMETRIC_DEFAULT");

        assertKmsError(() -> decrypt(blob, "{\"tenant\":\"b\",\"purpose\":\"model\"}", f.admin),
                "InvalidCiphertextException");
        assertKmsError(() -> decrypt(blob, "{\"tenant\":\"a\"}", f.admin), "InvalidCiphertextException");
        assertKmsError(() -> decrypt(blob, null, f.admin), "InvalidCiphertextException");
        byte[] tampered = java.util.Base64.getDecoder().decode(blob);
        tampered[tampered.length - 1] ^= 1;
        assertKmsError(() -> decrypt(b64(tampered), ctx, f.admin), "InvalidCiphertextException");
        assertKmsError(() -> decrypt(b64(new byte[] {9, 9, 9}), ctx, f.admin), "InvalidCiphertextException");

        String other = f.createKey("");
        assertKmsError(() -> f.call("Decrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"KeyId\":\"" + other
                + "\",\"EncryptionContext\":" + ctx + "}", f.admin), "IncorrectKeyException");
        assertKmsError(() -> f.call("Encrypt", "{\"KeyId\":\"" + id + "\",\"Plaintext\":\"" + b64(new byte[4097])
                + "\"}", f.admin), "ValidationException");
        assertKmsError(() -> f.call("Encrypt", "{\"KeyId\":\"" + id + "\",\"Plaintext\":\"AA==\","
                + "\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\"}", f.admin), "InvalidKeyUsageException");
    }

    @Test
    void dataKeysReEncryptAndRandom() throws Exception {
        String id = f.createKey("");
        String ctx = "{\"k\":\"v\"}";
        JsonNode dk = f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\",\"KeySpec\":\"AES_256\","
                + "\"EncryptionContext\":" + ctx + "}", f.admin);
        byte[] plain = unb64(dk.get("Plaintext"));
        assertThat(plain).hasSize(32);
        JsonNode back = f.call("Decrypt", "{\"CiphertextBlob\":\"" + dk.get("CiphertextBlob").asString()
                + "\",\"EncryptionContext\":" + ctx + "}", f.admin);
        assertThat(unb64(back.get("Plaintext"))).isEqualTo(plain);

        assertThat(unb64(f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\",\"NumberOfBytes\":7}", f.admin)
                .get("Plaintext"))).hasSize(7);
        assertThat(unb64(f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\",\"KeySpec\":\"AES_128\"}", f.admin)
                .get("Plaintext"))).hasSize(16);
        assertKmsError(() -> f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\",\"KeySpec\":\"AES_256\","
                + "\"NumberOfBytes\":32}", f.admin), "ValidationException");
        assertKmsError(() -> f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\"}", f.admin),
                "ValidationException");
        JsonNode wp = f.call("GenerateDataKeyWithoutPlaintext", "{\"KeyId\":\"" + id + "\",\"KeySpec\":\"AES_256\"}",
                f.admin);
        assertThat(wp.has("Plaintext")).isFalse();
        assertThat(unb64(f.call("Decrypt", "{\"CiphertextBlob\":\"" + wp.get("CiphertextBlob").asString() + "\"}",
                f.admin).get("Plaintext"))).hasSize(32);

        String dest = f.createKey("");
        String blob = encrypt(id, "secret", ctx, f.admin);
        JsonNode re = f.call("ReEncrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"SourceEncryptionContext\":" + ctx
                + ",\"DestinationKeyId\":\"" + dest + "\",\"DestinationEncryptionContext\":{\"n\":\"1\"}}", f.admin);
        assertThat(re.get("SourceKeyId").asString()).isEqualTo(arn(id));
        assertThat(re.get("KeyId").asString()).isEqualTo(arn(dest));
        assertThat(decrypt(re.get("CiphertextBlob").asString(), "{\"n\":\"1\"}", f.admin)).isEqualTo("secret");
        assertKmsError(() -> f.call("ReEncrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"DestinationKeyId\":\""
                + dest + "\"}", f.admin), "InvalidCiphertextException");

        assertThat(unb64(f.call("GenerateRandom", "{\"NumberOfBytes\":24}", f.admin).get("Plaintext"))).hasSize(24);
        assertKmsError(() -> f.call("GenerateRandom", "{\"NumberOfBytes\":1025}", f.admin), "ValidationException");
    }

    @Test
    void rotatedKeysDecryptOldAndNewCiphertexts() throws Exception {
        String id = f.createKey("");
        String before = encrypt(id, "v1", null, f.admin);
        f.call("RotateKeyOnDemand", "{\"KeyId\":\"" + id + "\"}", f.admin);
        String after = encrypt(id, "v2", null, f.admin);
        assertThat(KmsCiphertext.header(unb64Text(before)).materialVersion()).isEqualTo(1);
        assertThat(KmsCiphertext.header(unb64Text(after)).materialVersion()).isEqualTo(2);
        assertThat(decrypt(before, null, f.admin)).isEqualTo("v1");
        assertThat(decrypt(after, null, f.admin)).isEqualTo("v2");

        JsonNode status = f.call("GetKeyRotationStatus", "{\"KeyId\":\"" + id + "\"}", f.admin);
        assertThat(status.get("KeyRotationEnabled").asBoolean()).isFalse();
        assertKmsError(() -> f.call("EnableKeyRotation", "{\"KeyId\":\"" + id + "\",\"RotationPeriodInDays\":30}",
                f.admin), "ValidationException");
        f.call("EnableKeyRotation", "{\"KeyId\":\"" + id + "\",\"RotationPeriodInDays\":90}", f.admin);
        status = f.call("GetKeyRotationStatus", "{\"KeyId\":\"" + id + "\"}", f.admin);
        assertThat(status.get("KeyRotationEnabled").asBoolean()).isTrue();
        assertThat(status.get("RotationPeriodInDays").asInt()).isEqualTo(90);
        assertThat(status.get("NextRotationDate").asDouble()).isEqualTo(1735689600.0 + 90 * 86400);

        f.clock.advance(Duration.ofDays(91));
        String third = encrypt(id, "v3", null, f.admin);
        assertThat(KmsCiphertext.header(unb64Text(third)).materialVersion()).isEqualTo(3);
        assertThat(decrypt(before, null, f.admin)).isEqualTo("v1");
        f.call("DisableKeyRotation", "{\"KeyId\":\"" + id + "\"}", f.admin);
        assertThat(f.call("GetKeyRotationStatus", "{\"KeyId\":\"" + id + "\"}", f.admin).get("KeyRotationEnabled")
                .asBoolean()).isFalse();
    }

    private static byte[] unb64Text(String b64) {
        return java.util.Base64.getDecoder().decode(b64);
    }

    @Test
    void disabledAndPendingDeletionKeysRefuseWithKmsCodes() throws Exception {
        String id = f.createKey("");
        String blob = encrypt(id, "x", null, f.admin);
        f.call("DisableKey", "{\"KeyId\":\"" + id + "\"}", f.admin);
        assertThat(f.call("DescribeKey", "{\"KeyId\":\"" + id + "\"}", f.admin).get("KeyMetadata").get("KeyState")
                .asString()).isEqualTo("Disabled");
        assertKmsError(() -> encrypt(id, "x", null, f.admin), "DisabledException");
        assertKmsError(() -> decrypt(blob, null, f.admin), "DisabledException");
        f.call("EnableKey", "{\"KeyId\":\"" + id + "\"}", f.admin);
        assertThat(decrypt(blob, null, f.admin)).isEqualTo("x");

        assertKmsError(() -> f.call("ScheduleKeyDeletion", "{\"KeyId\":\"" + id + "\",\"PendingWindowInDays\":6}",
                f.admin), "ValidationException");
        JsonNode s = f.call("ScheduleKeyDeletion", "{\"KeyId\":\"" + id + "\",\"PendingWindowInDays\":7}", f.admin);
        assertThat(s.get("KeyState").asString()).isEqualTo("PendingDeletion");
        assertThat(s.get("DeletionDate").asDouble()).isEqualTo(1735689600.0 + 7 * 86400);
        assertKmsError(() -> encrypt(id, "x", null, f.admin), "KMSInvalidStateException");
        assertKmsError(() -> decrypt(blob, null, f.admin), "KMSInvalidStateException");
        assertKmsError(() -> f.call("EnableKey", "{\"KeyId\":\"" + id + "\"}", f.admin), "KMSInvalidStateException");
        assertKmsError(() -> f.call("ScheduleKeyDeletion", "{\"KeyId\":\"" + id + "\"}", f.admin),
                "KMSInvalidStateException");
        assertThat(f.call("DescribeKey", "{\"KeyId\":\"" + id + "\"}", f.admin).get("KeyMetadata")
                .get("PendingDeletionWindowInDays").asInt()).isEqualTo(7);

        f.call("CancelKeyDeletion", "{\"KeyId\":\"" + id + "\"}", f.admin);
        assertThat(f.call("DescribeKey", "{\"KeyId\":\"" + id + "\"}", f.admin).get("KeyMetadata").get("KeyState")
                .asString()).isEqualTo("Disabled");
        assertKmsError(() -> f.call("CancelKeyDeletion", "{\"KeyId\":\"" + id + "\"}", f.admin),
                "KMSInvalidStateException");

        f.call("ScheduleKeyDeletion", "{\"KeyId\":\"" + id + "\",\"PendingWindowInDays\":7}", f.admin);
        f.clock.advance(Duration.ofDays(8));
        assertKmsError(() -> f.call("DescribeKey", "{\"KeyId\":\"" + id + "\"}", f.admin), "NotFoundException");
        assertThat(f.call("ListKeys", "{}", f.admin).get("Keys")).isEmpty();
    }

    @Test
    void keyPolicyThatOmitsTheCallerDeniesEvenWhenIamAllows() throws Exception {
        String policy = keyPolicy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT
                + ":user/admin\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}");
        String id = f.createKey("\"Policy\":" + quote(policy));
        encrypt(id, "ok", null, f.admin);
        assertThatThrownBy(() -> encrypt(id, "no", null, f.alice)).isInstanceOfSatisfying(JsonServiceException.class,
                e -> {
                    assertThat(e.code()).isEqualTo("AccessDeniedException");
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("User: arn:aws:iam::" + ACCOUNT + ":user/alice is not "
                            + "authorized to perform: kms:Encrypt on resource: " + arn(id)
                            + " because no resource-based policy allows the kms:Encrypt action");
                });
        assertThat(f.call("GetKeyPolicy", "{\"KeyId\":\"" + id + "\"}", f.admin).get("Policy").asString())
                .isEqualTo(policy);
    }

    @Test
    void keyPolicyDelegatingToRootNeedsTheIdentityPolicyToo() throws Exception {
        String id = f.createKey("");
        assertThat(f.call("GetKeyPolicy", "{\"KeyId\":\"" + id + "\",\"PolicyName\":\"default\"}", f.admin)
                .get("Policy").asString()).contains("arn:aws:iam::" + ACCOUNT + ":root").contains("kms:*");
        encrypt(id, "ok", null, f.alice);
        assertKmsError(() -> encrypt(id, "no", null, f.bob), "AccessDeniedException");
        assertKmsError(() -> f.call("ListKeys", "{}", f.bob), "AccessDeniedException");
        io.mlgate.iam.eval.PrincipalContext denied = KmsFixture.user("carol", ACCOUNT, "{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\","
                + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}");
        String blob = encrypt(id, "x", null, denied);
        assertKmsError(() -> decrypt(blob, null, denied), "AccessDeniedException");
    }

    @Test
    void conditionKeysEncryptionContextCallerAccountAndResourceTags() throws Exception {
        String policy = keyPolicy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT
                + ":user/admin\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/bob\"},"
                + "\"Action\":\"kms:Encrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{"
                + "\"kms:EncryptionContext:tenant\":\"a\",\"kms:CallerAccount\":\"" + ACCOUNT + "\","
                + "\"aws:ResourceTag/env\":\"prod\"}}},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/bob\"},"
                + "\"Action\":\"kms:GenerateDataKey\",\"Resource\":\"*\",\"Condition\":{\"ForAllValues:StringEquals\":"
                + "{\"kms:EncryptionContextKeys\":[\"tenant\"]},\"Null\":{\"kms:EncryptionContextKeys\":\"false\"}}}");
        String id = f.createKey("\"Policy\":" + quote(policy) + ",\"Tags\":[{\"TagKey\":\"env\",\"TagValue\":\"prod\"}]");
        encrypt(id, "ok", "{\"tenant\":\"a\"}", f.bob);
        assertKmsError(() -> encrypt(id, "no", "{\"tenant\":\"b\"}", f.bob), "AccessDeniedException");
        assertKmsError(() -> encrypt(id, "no", null, f.bob), "AccessDeniedException");
        f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\",\"KeySpec\":\"AES_256\",\"EncryptionContext\":"
                + "{\"tenant\":\"x\"}}", f.bob);
        assertKmsError(() -> f.call("GenerateDataKey", "{\"KeyId\":\"" + id + "\",\"KeySpec\":\"AES_256\","
                + "\"EncryptionContext\":{\"other\":\"x\"}}", f.bob), "AccessDeniedException");
        f.call("TagResource", "{\"KeyId\":\"" + id + "\",\"Tags\":[{\"TagKey\":\"env\",\"TagValue\":\"dev\"}]}",
                f.admin);
        assertKmsError(() -> encrypt(id, "no", "{\"tenant\":\"a\"}", f.bob), "AccessDeniedException");
    }

    @Test
    void lockoutSafetyCheckAndMalformedPolicies() throws Exception {
        String id = f.createKey("");
        String lockout = keyPolicy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCOUNT
                + ":user/bob\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}");
        assertKmsError(() -> f.call("PutKeyPolicy", "{\"KeyId\":\"" + id + "\",\"Policy\":" + quote(lockout) + "}",
                f.admin), "MalformedPolicyDocumentException");
        assertKmsError(() -> f.call("PutKeyPolicy", "{\"KeyId\":\"" + id + "\",\"Policy\":\"{not json\"}", f.admin),
                "MalformedPolicyDocumentException");
        assertKmsError(() -> f.call("CreateKey", "{\"Policy\":" + quote(lockout) + "}", f.admin),
                "MalformedPolicyDocumentException");
        f.call("PutKeyPolicy", "{\"KeyId\":\"" + id + "\",\"Policy\":" + quote(lockout)
                + ",\"BypassPolicyLockoutSafetyCheck\":true}", f.admin);
        assertKmsError(() -> encrypt(id, "x", null, f.admin), "AccessDeniedException");
        encrypt(id, "x", null, f.bob);
    }

    @Test
    void tagsAreAddedListedRemovedAndChecked() throws Exception {
        String id = f.createKey("");
        f.call("TagResource", "{\"KeyId\":\"" + id + "\",\"Tags\":[{\"TagKey\":\"a\",\"TagValue\":\"1\"},"
                + "{\"TagKey\":\"b\",\"TagValue\":\"2\"}]}", f.admin);
        assertThat(f.call("ListResourceTags", "{\"KeyId\":\"" + id + "\"}", f.admin).get("Tags")).hasSize(2);
        f.call("UntagResource", "{\"KeyId\":\"" + id + "\",\"TagKeys\":[\"a\"]}", f.admin);
        JsonNode tags = f.call("ListResourceTags", "{\"KeyId\":\"" + id + "\"}", f.admin).get("Tags");
        assertThat(tags).hasSize(1);
        assertThat(tags.get(0).get("TagKey").asString()).isEqualTo("b");
        assertKmsError(() -> f.call("TagResource", "{\"KeyId\":\"" + id + "\",\"Tags\":[{\"TagKey\":\"aws:x\","
                + "\"TagValue\":\"1\"}]}", f.admin), "TagException");

        io.mlgate.iam.eval.PrincipalContext tagger = KmsFixture.user("tagger", ACCOUNT, "{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:CreateKey\",\"Resource\":\"*\",\"Condition\":"
                + "{\"StringEquals\":{\"aws:RequestTag/team\":\"ml\"}}}]}");
        f.call("CreateKey", "{\"Tags\":[{\"TagKey\":\"team\",\"TagValue\":\"ml\"}],\"BypassPolicyLockoutSafetyCheck\":true}",
                tagger);
        assertKmsError(() -> f.call("CreateKey", "{\"Tags\":[{\"TagKey\":\"team\",\"TagValue\":\"web\"}]}", tagger),
                "AccessDeniedException");
    }

    @Test
    void listsPageWithMarkers() throws Exception {
        for (int i = 0; i < 3; i++) {
            f.createKey("");
        }
        JsonNode first = f.call("ListKeys", "{\"Limit\":2}", f.admin);
        assertThat(first.get("Keys")).hasSize(2);
        assertThat(first.get("Truncated").asBoolean()).isTrue();
        JsonNode second = f.call("ListKeys", "{\"Limit\":2,\"Marker\":\"" + first.get("NextMarker").asString() + "\"}",
                f.admin);
        assertThat(second.get("Keys")).hasSize(1);
        assertThat(second.get("Truncated").asBoolean()).isFalse();
        assertKmsError(() -> f.call("ListKeys", "{\"Marker\":\"!!\"}", f.admin), "InvalidMarkerException");
    }
}
