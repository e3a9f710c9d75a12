package io.mlgate.gateway;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlgorithmSpec;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.ExpirationModelType;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.WrappingKeySpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The KMS API end to end with the real AWS SDK for Java v2 KmsClient and the AWS CLI v2: keys, aliases, encryption
 * with context, data keys, states, rotation, key policies, grants and bring-your-own-key, authorized by key policy +
 * grants + IAM, each call audited without plaintext or key material.
 */
class KmsIntegrationTest extends RunningGateway {

    private static final String ACCOUNT = "123456789012";
    private final ObjectMapper json = new ObjectMapper();

    KmsClient kms(String profile) throws Exception {
        String[] k = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get(profile);
        return KmsClient.builder().endpointOverride(URI.create("https://localhost:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k[0], k[1])))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    static String code(Throwable e) {
        return ((AwsServiceException) e).awsErrorDetails().errorCode();
    }

    @Test
    void keysAliasesAndEncryptionWithContextRoundTrip() throws Exception {
        try (KmsClient kms = kms("demo-admin")) {
            KeyMetadata key = kms.createKey(r -> r.description("it key").tags(t -> t.tagKey("team").tagValue("ml")))
                    .keyMetadata();
            assertThat(key.arn()).startsWith("arn:aws:kms:us-east-1:" + ACCOUNT + ":key/");
            assertThat(key.enabled()).isTrue();
            kms.createAlias(r -> r.aliasName("alias/it-models").targetKeyId(key.keyId()));
            assertThat(kms.describeKey(r -> r.keyId("alias/it-models")).keyMetadata().keyId()).isEqualTo(key.keyId());
            assertThat(kms.listAliases().aliases()).anySatisfy(a -> assertThat(a.aliasName()).isEqualTo("alias/it-models"));

            Map<String, String> context = Map.of("model", "iris", "stage", "prod");
            SdkBytes secret = SdkBytes.fromUtf8String("model weights are valuable");
            SdkBytes blob = kms.encrypt(r -> r.keyId("alias/it-models").plaintext(secret).encryptionContext(context))
                    .ciphertextBlob();
            var decrypted = kms.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(context));
            assertThat(decrypted.plaintext().asUtf8String()).isEqualTo("model weights are valuable");
            assertThat(decrypted.keyId()).isEqualTo(key.arn());

            assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(blob).encryptionContext(Map.of("model", "iris"))))
                    .isInstanceOf(InvalidCiphertextException.class);

            var dataKey = kms.generateDataKey(r -> r.keyId(key.keyId()).keySpec(DataKeySpec.AES_256)
                    .encryptionContext(context));
            assertThat(dataKey.plaintext().asByteArray()).hasSize(32);
            assertThat(kms.decrypt(r -> r.ciphertextBlob(dataKey.ciphertextBlob()).encryptionContext(context))
                    .plaintext().asByteArray()).isEqualTo(dataKey.plaintext().asByteArray());
            assertThat(kms.generateRandom(r -> r.numberOfBytes(24)).plaintext().asByteArray()).hasSize(24);

            String audit = allAuditText();
            assertThat(audit).contains("\"eventSource\":\"kms.amazonaws.com\"").contains("\"eventName\":\"Encrypt\"");
            assertThat(audit).doesNotContain("model weights are valuable")
                    .doesNotContain(java.util.Base64.getEncoder().encodeToString(dataKey.plaintext().asByteArray()));
        }
    }

    @Test
    void rotationStatesAndErrors() throws Exception {
        try (KmsClient kms = kms("demo-admin")) {
            String keyId = kms.createKey(r -> r.description("rotating")).keyMetadata().keyId();
            SdkBytes old = kms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("before"))).ciphertextBlob();
            kms.rotateKeyOnDemand(r -> r.keyId(keyId));
            SdkBytes fresh = kms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("after"))).ciphertextBlob();
            assertThat(kms.decrypt(r -> r.ciphertextBlob(old)).plaintext().asUtf8String()).isEqualTo("before");
            assertThat(kms.decrypt(r -> r.ciphertextBlob(fresh)).plaintext().asUtf8String()).isEqualTo("after");
            kms.enableKeyRotation(r -> r.keyId(keyId));
            assertThat(kms.getKeyRotationStatus(r -> r.keyId(keyId)).keyRotationEnabled()).isTrue();

            kms.disableKey(r -> r.keyId(keyId));
            assertThatThrownBy(() -> kms.decrypt(r -> r.ciphertextBlob(old))).isInstanceOf(DisabledException.class);
            kms.enableKey(r -> r.keyId(keyId));
            kms.scheduleKeyDeletion(r -> r.keyId(keyId).pendingWindowInDays(7));
            assertThatThrownBy(() -> kms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(KmsInvalidStateException.class);
            kms.cancelKeyDeletion(r -> r.keyId(keyId));
            assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("alias/does-not-exist")))
                    .isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void aKeyPolicyThatOmitsTheCallerDeniesEvenWhenIamAllowsAndGrantsAllow() throws Exception {
        String onlyAnalyst = """
                {"Version":"2012-10-17","Statement":[{"Sid":"AnalystOnly","Effect":"Allow",
                 "Principal":{"AWS":"arn:aws:iam::123456789012:user/demo-analyst"},"Action":"kms:*","Resource":"*"}]}""";
        try (KmsClient admin = kms("demo-admin"); KmsClient analyst = kms("demo-analyst")) {
            String keyId = admin.createKey(r -> r.policy(onlyAnalyst).bypassPolicyLockoutSafetyCheck(true))
                    .keyMetadata().keyId();
            // demo-admin's IAM policy allows kms:* but the key policy names only the analyst
            assertThatThrownBy(() -> admin.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("x"))))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("AccessDeniedException"));
            SdkBytes blob = analyst.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("ok")))
                    .ciphertextBlob();
            assertThat(analyst.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("ok");

            // a key of the default policy (root delegates to IAM): the analyst's IAM allows no kms action...
            String shared = admin.createKey(r -> r.description("default policy")).keyMetadata().keyId();
            SdkBytes sharedBlob = admin.encrypt(r -> r.keyId(shared).plaintext(SdkBytes.fromUtf8String("g")))
                    .ciphertextBlob();
            assertThatThrownBy(() -> analyst.decrypt(r -> r.ciphertextBlob(sharedBlob)))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("AccessDeniedException"));
            // ...until a grant allows Decrypt; retiring it takes it away
            var grant = admin.createGrant(r -> r.keyId(shared)
                    .granteePrincipal("arn:aws:iam::123456789012:user/demo-analyst")
                    .operations(software.amazon.awssdk.services.kms.model.GrantOperation.DECRYPT)
                    .retiringPrincipal("arn:aws:iam::123456789012:user/demo-admin"));
            assertThat(analyst.decrypt(r -> r.ciphertextBlob(sharedBlob)).plaintext().asUtf8String()).isEqualTo("g");
            assertThat(admin.listGrants(r -> r.keyId(shared)).grants()).hasSize(1);
            admin.retireGrant(r -> r.keyId(shared).grantId(grant.grantId()));
            assertThatThrownBy(() -> analyst.decrypt(r -> r.ciphertextBlob(sharedBlob)))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("AccessDeniedException"));
        }
    }

    @Test
    void bringYourOwnKeyMaterial() throws Exception {
        try (KmsClient kms = kms("demo-admin")) {
            String keyId = kms.createKey(r -> r.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
            GetParametersForImportResponse params = kms.getParametersForImport(r -> r.keyId(keyId)
                    .wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256).wrappingKeySpec(WrappingKeySpec.RSA_3072));
            PublicKey wrapping = KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(params.publicKey().asByteArray()));
            byte[] material = new byte[32];
            new SecureRandom().nextBytes(material);
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.ENCRYPT_MODE, wrapping, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    PSource.PSpecified.DEFAULT));
            byte[] wrapped = oaep.doFinal(material);
            kms.importKeyMaterial(r -> r.keyId(keyId).importToken(params.importToken())
                    .encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped))
                    .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
            SdkBytes blob = kms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("byok"))).ciphertextBlob();
            assertThat(kms.decrypt(r -> r.ciphertextBlob(blob)).plaintext().asUtf8String()).isEqualTo("byok");
        }
    }

    @Test
    void everyOtherOperationRoundTripsThroughTheSdk() throws Exception {
        try (KmsClient kms = kms("demo-admin")) {
            String keyId = kms.createKey(r -> r.description("ops")).keyMetadata().keyId();
            String other = kms.createKey(r -> r.description("other")).keyMetadata().keyId();
            assertThat(kms.listKeys().keys()).anySatisfy(k -> assertThat(k.keyId()).isEqualTo(keyId));

            kms.createAlias(r -> r.aliasName("alias/it-ops").targetKeyId(keyId));
            kms.updateAlias(r -> r.aliasName("alias/it-ops").targetKeyId(other));
            assertThat(kms.describeKey(r -> r.keyId("alias/it-ops")).keyMetadata().keyId()).isEqualTo(other);
            kms.deleteAlias(r -> r.aliasName("alias/it-ops"));
            assertThatThrownBy(() -> kms.describeKey(r -> r.keyId("alias/it-ops")))
                    .isInstanceOf(NotFoundException.class);

            var withoutPlaintext = kms.generateDataKeyWithoutPlaintext(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_128));
            assertThat(kms.decrypt(r -> r.ciphertextBlob(withoutPlaintext.ciphertextBlob())).plaintext().asByteArray())
                    .hasSize(16);
            SdkBytes blob = kms.encrypt(r -> r.keyId(keyId).plaintext(SdkBytes.fromUtf8String("move me"))
                    .encryptionContext(Map.of("a", "1"))).ciphertextBlob();
            var moved = kms.reEncrypt(r -> r.ciphertextBlob(blob).sourceEncryptionContext(Map.of("a", "1"))
                    .destinationKeyId(other).destinationEncryptionContext(Map.of("b", "2")));
            assertThat(moved.keyId()).endsWith(other);
            assertThat(kms.decrypt(r -> r.ciphertextBlob(moved.ciphertextBlob()).encryptionContext(Map.of("b", "2")))
                    .plaintext().asUtf8String()).isEqualTo("move me");

            kms.enableKeyRotation(r -> r.keyId(keyId));
            kms.disableKeyRotation(r -> r.keyId(keyId));
            assertThat(kms.getKeyRotationStatus(r -> r.keyId(keyId)).keyRotationEnabled()).isFalse();

            String policy = kms.getKeyPolicy(r -> r.keyId(keyId).policyName("default")).policy();
            assertThat(policy).contains("arn:aws:iam::123456789012:root");
            kms.putKeyPolicy(r -> r.keyId(keyId).policyName("default").policy(policy.replace("\"kms:*\"",
                    "[\"kms:*\"]")));
            assertThat(kms.getKeyPolicy(r -> r.keyId(keyId).policyName("default")).policy()).contains("[\"kms:*\"]");

            var grant = kms.createGrant(r -> r.keyId(keyId)
                    .granteePrincipal("arn:aws:iam::123456789012:user/demo-analyst")
                    .operations(software.amazon.awssdk.services.kms.model.GrantOperation.ENCRYPT));
            assertThat(kms.listGrants(r -> r.keyId(keyId)).grants()).hasSize(1);
            kms.revokeGrant(r -> r.keyId(keyId).grantId(grant.grantId()));
            assertThat(kms.listGrants(r -> r.keyId(keyId)).grants()).isEmpty();

            kms.tagResource(r -> r.keyId(keyId).tags(t -> t.tagKey("env").tagValue("test")));
            assertThat(kms.listResourceTags(r -> r.keyId(keyId)).tags())
                    .anySatisfy(t -> assertThat(t.tagKey() + "=" + t.tagValue()).isEqualTo("env=test"));
            kms.untagResource(r -> r.keyId(keyId).tagKeys("env"));
            assertThat(kms.listResourceTags(r -> r.keyId(keyId)).tags()).isEmpty();

            // imported material can be deleted: the key then waits for new material
            String external = kms.createKey(r -> r.origin(OriginType.EXTERNAL)).keyMetadata().keyId();
            importMaterial(kms, external);
            kms.deleteImportedKeyMaterial(r -> r.keyId(external));
            assertThat(kms.describeKey(r -> r.keyId(external)).keyMetadata().keyStateAsString())
                    .isEqualTo("PendingImport");
            assertThatThrownBy(() -> kms.encrypt(r -> r.keyId(external).plaintext(SdkBytes.fromUtf8String("x"))))
                    .isInstanceOf(KmsInvalidStateException.class);
        }
    }

    private static void importMaterial(KmsClient kms, String keyId) throws Exception {
        GetParametersForImportResponse params = kms.getParametersForImport(r -> r.keyId(keyId)
                .wrappingAlgorithm(AlgorithmSpec.RSAES_OAEP_SHA_256).wrappingKeySpec(WrappingKeySpec.RSA_3072));
        PublicKey wrapping = KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(params.publicKey().asByteArray()));
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.ENCRYPT_MODE, wrapping, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                PSource.PSpecified.DEFAULT));
        byte[] wrapped = oaep.doFinal(material);
        kms.importKeyMaterial(r -> r.keyId(keyId).importToken(params.importToken())
                .encryptedKeyMaterial(SdkBytes.fromByteArray(wrapped))
                .expirationModel(ExpirationModelType.KEY_MATERIAL_DOES_NOT_EXPIRE));
    }

    @Test
    void theAwsCliCreatesKeysEncryptsDecryptsAndGeneratesDataKeys() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/aws")), "AWS CLI v2 (/usr/bin/aws) not installed");
        JsonNode created = cli("kms create-key --description cli-key");
        String keyId = created.path("KeyMetadata").path("KeyId").asString();
        assertThat(keyId).isNotEmpty();
        Path plain = home.resolve("cli-plain.txt");
        Files.writeString(plain, "hello from the cli");
        JsonNode encrypted = cli("kms encrypt --key-id " + keyId + " --plaintext fileb://" + plain
                + " --encryption-context purpose=test");
        Path blob = home.resolve("cli-blob.bin");
        Files.write(blob, java.util.Base64.getDecoder().decode(encrypted.path("CiphertextBlob").asString()));
        JsonNode decrypted = cli("kms decrypt --ciphertext-blob fileb://" + blob + " --encryption-context purpose=test");
        assertThat(new String(java.util.Base64.getDecoder().decode(decrypted.path("Plaintext").asString()),
                StandardCharsets.UTF_8)).isEqualTo("hello from the cli");
        JsonNode dataKey = cli("kms generate-data-key --key-id " + keyId + " --key-spec AES_256");
        assertThat(java.util.Base64.getDecoder().decode(dataKey.path("Plaintext").asString())).hasSize(32);
    }

    private JsonNode cli(String args) throws Exception {
        String[] k = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-admin");
        GatewayIntegrationTest.CliRun run = GatewayIntegrationTest.runCli("AWS_ACCESS_KEY_ID=" + k[0]
                + " AWS_SECRET_ACCESS_KEY=" + k[1] + " AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE="
                + home.resolve("keys/dev-ca.pem") + " /usr/bin/aws --endpoint-url https://localhost:" + port
                + " --output json " + args);
        assertThat(run.exit()).as(run.output()).isZero();
        return json.readTree(run.output());
    }
}
