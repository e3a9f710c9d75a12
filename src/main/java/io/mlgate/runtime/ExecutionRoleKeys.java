package io.mlgate.runtime;

import io.mlgate.iam.eval.RequestContext;
import io.mlgate.kms.api.KmsDataKeys;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.kms.artifact.DecryptedDataKey;
import io.mlgate.kms.artifact.GeneratedDataKey;
import io.mlgate.kms.artifact.ReEncryptedDataKey;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The data keys of an endpoint's model artifacts as its {@link ExecutionRole} gets them from the in-process KMS:
 * each call runs through {@link KmsDataKeys} as the role session built from the IAM configuration of that moment,
 * so key policy, grants, IAM policies (and their hot reloads) and key states all apply.
 */
public final class ExecutionRoleKeys implements DataKeys {

    private final KmsService kms;
    private final ExecutionRole role;

    public ExecutionRoleKeys(KmsService kms, ExecutionRole role) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.role = Objects.requireNonNull(role, "role");
    }

    public ExecutionRole role() {
        return role;
    }

    private DataKeys now() {
        return new KmsDataKeys(kms, role.principal(), RequestContext.builder().build());
    }

    @Override
    public GeneratedDataKey generate(String keyId, Map<String, String> context) {
        return now().generate(keyId, context);
    }

    @Override
    public DecryptedDataKey decrypt(byte[] ciphertextBlob, Map<String, String> context,
                                    Optional<String> expectedKeyId) {
        return now().decrypt(ciphertextBlob, context, expectedKeyId);
    }

    @Override
    public ReEncryptedDataKey reEncrypt(byte[] ciphertextBlob, Map<String, String> sourceContext,
                                       String destinationKeyId, Map<String, String> destinationContext) {
        return now().reEncrypt(ciphertextBlob, sourceContext, destinationKeyId, destinationContext);
    }

    @Override
    public String toString() {
        return "ExecutionRoleKeys[" + role.roleArn() + "]";
    }
}
