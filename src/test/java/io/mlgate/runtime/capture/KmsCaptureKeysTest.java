package io.mlgate.runtime.capture;

import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.api.KmsKeyStore;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.protocol.json.JsonBodies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Capture data keys from the real in-process KMS, as the execution role: key policy, IAM and key state apply. */
class KmsCaptureKeysTest {

    static final String ACCOUNT = "123456789012";
    static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/runtime";
    static final String OTHER = "arn:aws:iam::" + ACCOUNT + ":role/other";
    static final Map<String, String> CONTEXT = CaptureFileHeader.context("e", "A", "2026/11/27/10/f.jsonl.mlgc");

    @TempDir
    Path keysDir;

    KmsService kms;
    KmsCaptureKeys keys;
    PrincipalContext root;
    String keyArn;

    static PrincipalContext role(String arn, String policy) throws Exception {
        String name = arn.substring(arn.lastIndexOf('/') + 1);
        String session = "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + name + "/mlgate-runtime";
        PrincipalContext.Builder b = PrincipalContext.builder(session, ACCOUNT, PrincipalType.ASSUMED_ROLE)
                .roleArn(arn).userId("AROA" + name.toUpperCase() + ":mlgate-runtime");
        if (policy != null) {
            b.identityPolicy(IdentityPolicy.inline("p", arn, PolicyParser.parse(policy, name)));
        }
        return b.build();
    }

    @BeforeEach
    void setUp() throws Exception {
        kms = new KmsService(KmsKeyStore.open(keysDir, RootKey.loadOrCreate(keysDir)), new PolicyEvaluator(),
                Clock.systemUTC(), "us-east-1");
        root = PrincipalContext.builder("arn:aws:iam::" + ACCOUNT + ":root", ACCOUNT, PrincipalType.ACCOUNT)
                .userId(ACCOUNT).build();
        keyArn = kms.invoke("CreateKey", JsonBodies.object(), root, RequestContext.builder().build())
                .path("KeyMetadata").path("Arn").asString();
        kms.invoke("CreateAlias", JsonBodies.object().put("AliasName", "alias/capture").put("TargetKeyId", keyArn),
                root, RequestContext.builder().build());
        // the demo role's statement: GenerateDataKey on the account's keys for capture files only
        PrincipalContext runtime = role(ROLE, """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:GenerateDataKey",
                 "Resource":"arn:aws:kms:*:123456789012:key/*",
                 "Condition":{"StringLike":{"kms:EncryptionContext:capture-endpoint":"*"}}}]}""");
        PrincipalContext other = role(OTHER, null);
        keys = new KmsCaptureKeys(kms, arn -> arn.equals(ROLE) ? runtime : other);
    }

    @Test
    void generatesADataKeyAsTheRoleThatTheKeyUnwrapsUnderTheSameContextOnly() throws Exception {
        CaptureKeys.FileKey key = keys.generate(ROLE, "alias/capture", CONTEXT);
        assertThat(key.keyArn()).isEqualTo(keyArn);
        byte[] plaintext = key.plaintext().clone();
        ObjectNode decrypt = JsonBodies.object().put("CiphertextBlob",
                Base64.getEncoder().encodeToString(key.wrapped())).put("KeyId", keyArn);
        CONTEXT.forEach(decrypt.putObject("EncryptionContext")::put);
        JsonNode out = kms.invoke("Decrypt", decrypt, root, RequestContext.builder().build());
        assertThat(Base64.getDecoder().decode(out.path("Plaintext").asString())).isEqualTo(plaintext);

        ObjectNode elsewhere = JsonBodies.object().put("CiphertextBlob",
                Base64.getEncoder().encodeToString(key.wrapped()));
        CaptureFileHeader.context("other", "A", "2026/11/27/10/f.jsonl.mlgc")
                .forEach(elsewhere.putObject("EncryptionContext")::put);
        assertThatThrownBy(() -> kms.invoke("Decrypt", elsewhere, root, RequestContext.builder().build()))
                .as("the wrapped key opens under its own endpoint's context only")
                .isInstanceOfSatisfying(io.mlgate.protocol.json.JsonServiceException.class,
                        e -> assertThat(e.code()).isEqualTo("InvalidCiphertextException"));
        keys.check(ROLE, keyArn, CONTEXT);
    }

    @Test
    void aRoleWithoutPermissionAMissingKeyOrADisabledKeyIsRefusedWithKmsCode() throws Exception {
        assertThatThrownBy(() -> keys.check(OTHER, "alias/capture", CONTEXT))
                .isInstanceOfSatisfying(KeyServiceException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("AccessDeniedException"));
        assertThatThrownBy(() -> keys.generate(OTHER, "alias/capture", CONTEXT))
                .isInstanceOfSatisfying(KeyServiceException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("AccessDeniedException"));
        assertThatThrownBy(() -> keys.check(ROLE, "alias/capture", Map.of("endpoint", "e")))
                .as("the role may generate keys for capture files only")
                .isInstanceOfSatisfying(KeyServiceException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("AccessDeniedException"));
        assertThatThrownBy(() -> keys.check(ROLE, "alias/missing", CONTEXT))
                .isInstanceOfSatisfying(KeyServiceException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("NotFoundException"));
        kms.invoke("DisableKey", JsonBodies.object().put("KeyId", keyArn), root, RequestContext.builder().build());
        assertThatThrownBy(() -> keys.check(ROLE, "alias/capture", CONTEXT))
                .isInstanceOfSatisfying(KeyServiceException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("DisabledException"));
    }
}
