package io.mlgate.kms.api;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.kms.artifact.DecryptedDataKey;
import io.mlgate.kms.artifact.GeneratedDataKey;
import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.kms.artifact.ReEncryptedDataKey;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The data keys of model artifacts, from the in-process KMS exactly as a caller of the API would get them:
 * GenerateDataKey, Decrypt and ReEncrypt run through {@link KmsService#invoke} as {@code caller}, so the key policy,
 * grants, IAM, key states and the encryption context all apply; a KMS error becomes a {@link KeyServiceException}
 * with the KMS code (e.g. {@code DisabledException}).
 */
public final class KmsDataKeys implements DataKeys {

    private final KmsService kms;
    private final PrincipalContext caller;
    private final RequestContext context;

    public KmsDataKeys(KmsService kms, PrincipalContext caller, RequestContext context) {
        this.kms = kms;
        this.caller = caller;
        this.context = context;
    }

    @Override
    public GeneratedDataKey generate(String keyId, Map<String, String> encryptionContext) {
        ObjectNode request = JsonBodies.object().put("KeyId", keyId).put("KeySpec", "AES_256");
        request.set("EncryptionContext", contextNode(encryptionContext));
        JsonNode response = call("GenerateDataKey", request);
        return new GeneratedDataKey(response.path("KeyId").asString(), blob(response, "Plaintext"),
                blob(response, "CiphertextBlob"));
    }

    @Override
    public DecryptedDataKey decrypt(byte[] ciphertextBlob, Map<String, String> encryptionContext,
                                    Optional<String> expectedKeyId) {
        ObjectNode request = JsonBodies.object().put("CiphertextBlob", Base64.getEncoder().encodeToString(ciphertextBlob));
        request.set("EncryptionContext", contextNode(encryptionContext));
        expectedKeyId.ifPresent(k -> request.put("KeyId", k));
        JsonNode response = call("Decrypt", request);
        return new DecryptedDataKey(response.path("KeyId").asString(), blob(response, "Plaintext"));
    }

    @Override
    public ReEncryptedDataKey reEncrypt(byte[] ciphertextBlob, Map<String, String> sourceContext,
                                       String destinationKeyId, Map<String, String> destinationContext) {
        ObjectNode request = JsonBodies.object()
                .put("CiphertextBlob", Base64.getEncoder().encodeToString(ciphertextBlob))
                .put("DestinationKeyId", destinationKeyId);
        request.set("SourceEncryptionContext", contextNode(sourceContext));
        request.set("DestinationEncryptionContext", contextNode(destinationContext));
        JsonNode response = call("ReEncrypt", request);
        return new ReEncryptedDataKey(response.path("KeyId").asString(), blob(response, "CiphertextBlob"));
    }

    private JsonNode call(String operation, ObjectNode request) {
        try {
            return kms.invoke(operation, request, caller, context);
        } catch (JsonServiceException e) {
            throw new KeyServiceException(e.code(), e.getMessage());
        }
    }

    private static ObjectNode contextNode(Map<String, String> context) {
        ObjectNode node = JsonBodies.object();
        context.forEach(node::put);
        return node;
    }

    private static byte[] blob(JsonNode response, String field) {
        return Base64.getDecoder().decode(response.path(field).asString());
    }

    @Override
    public String toString() {
        return "KmsDataKeys[caller=" + caller.arn() + "]";
    }
}
