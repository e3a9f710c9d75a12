package io.mlgate.runtime.capture;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Capture data keys from the gateway's own KMS, exactly as a caller of the API would get them: GenerateDataKey
 * (AES_256) runs through {@link KmsService#invoke} as the execution role's session (built from the IAM
 * configuration of that moment, see {@code runtime/ExecutionRole}), so the key policy, grants, IAM policies, key
 * state and encryption-context conditions all apply. {@link #check} is the same call with {@code DryRun}.
 */
public final class KmsCaptureKeys implements CaptureKeys {

    private final KmsService kms;
    private final Function<String, PrincipalContext> roles;

    /**
     * @param kms   the gateway's KMS
     * @param roles the principal of an execution role's session, by role ARN (read at every call, so IAM reloads
     *              apply)
     */
    public KmsCaptureKeys(KmsService kms, Function<String, PrincipalContext> roles) {
        this.kms = Objects.requireNonNull(kms, "kms");
        this.roles = Objects.requireNonNull(roles, "roles");
    }

    @Override
    public FileKey generate(String executionRoleArn, String keyId, Map<String, String> context) {
        JsonNode response = call(executionRoleArn, request(keyId, context));
        byte[] plaintext = Base64.getDecoder().decode(response.path("Plaintext").asString());
        byte[] wrapped = Base64.getDecoder().decode(response.path("CiphertextBlob").asString());
        return new FileKey(response.path("KeyId").asString(), plaintext, wrapped);
    }

    @Override
    public void check(String executionRoleArn, String keyId, Map<String, String> context) {
        try {
            call(executionRoleArn, request(keyId, context).put("DryRun", true));
        } catch (KeyServiceException e) {
            if (e.errorCode().equals("DryRunOperationException")) {
                return; // "the request would have succeeded"
            }
            throw e;
        }
        throw new IllegalStateException("KMS ignored DryRun");
    }

    private static ObjectNode request(String keyId, Map<String, String> context) {
        ObjectNode request = JsonBodies.object().put("KeyId", keyId).put("KeySpec", "AES_256");
        ObjectNode ec = request.putObject("EncryptionContext");
        context.forEach(ec::put);
        return request;
    }

    private JsonNode call(String roleArn, ObjectNode request) {
        PrincipalContext role = roles.apply(roleArn);
        try {
            return kms.invoke("GenerateDataKey", request, role, RequestContext.builder().build());
        } catch (JsonServiceException e) {
            throw new KeyServiceException(e.code(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "KmsCaptureKeys";
    }
}
