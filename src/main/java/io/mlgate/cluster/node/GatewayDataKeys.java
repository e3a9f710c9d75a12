package io.mlgate.cluster.node;

import io.mlgate.cluster.wire.ClusterJson;
import io.mlgate.cluster.wire.DecryptRequest;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.kms.artifact.DecryptedDataKey;
import io.mlgate.kms.artifact.GeneratedDataKey;
import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.kms.artifact.ReEncryptedDataKey;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The data keys of placed model artifacts as a node gets them: KMS Decrypt through the gateway's control port
 * ({@code POST /cluster/v1/data-keys/decrypt}, mutual TLS), as the placement's execution role, which succeeds only
 * through the KMS grant the gateway created for this node. The plaintext key is read from the answer straight into a
 * byte array (no String), the answer's bytes are wiped, and the key itself is wiped when the artifact reader closes
 * the {@link DecryptedDataKey}. Nodes never generate or re-encrypt data keys: those are refused.
 */
public final class GatewayDataKeys implements DataKeys {

    static final String PATH = "/cluster/v1/data-keys/decrypt";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final ControlClient control;
    private final String executionRoleArn;

    public GatewayDataKeys(ControlClient control, String executionRoleArn) {
        this.control = Objects.requireNonNull(control, "control");
        this.executionRoleArn = Objects.requireNonNull(executionRoleArn, "executionRoleArn");
    }

    @Override
    public GeneratedDataKey generate(String keyId, Map<String, String> context) {
        throw new KeyServiceException(KeyServiceException.ACCESS_DENIED,
                "runtime nodes only decrypt data keys; GenerateDataKey is not available to them");
    }

    @Override
    public ReEncryptedDataKey reEncrypt(byte[] ciphertextBlob, Map<String, String> sourceContext,
                                       String destinationKeyId, Map<String, String> destinationContext) {
        throw new KeyServiceException(KeyServiceException.ACCESS_DENIED,
                "runtime nodes only decrypt data keys; ReEncrypt is not available to them");
    }

    /**
     * @throws KeyServiceException with the KMS code the gateway answered (e.g. {@code AccessDeniedException}), or
     *         {@value KeyServiceException#KEY_UNAVAILABLE} if the gateway cannot be reached
     */
    @Override
    public DecryptedDataKey decrypt(byte[] ciphertextBlob, Map<String, String> context,
                                    Optional<String> expectedKeyId) {
        DecryptRequest request = new DecryptRequest(executionRoleArn,
                Base64.getEncoder().encodeToString(ciphertextBlob), Map.copyOf(context), expectedKeyId.orElse(null));
        byte[] answer;
        try {
            answer = control.postRaw(PATH, ClusterJson.write(request));
        } catch (ControlException e) {
            String code = e.status() == 0 ? KeyServiceException.KEY_UNAVAILABLE : e.code();
            throw new KeyServiceException(code, e.getMessage());
        }
        try {
            return read(answer);
        } finally {
            Arrays.fill(answer, (byte) 0);
        }
    }

    /** Reads {@code {"keyId": ..., "plaintext": base64}} without turning the key into a String. */
    static DecryptedDataKey read(byte[] answer) {
        String keyId = null;
        byte[] plaintext = null;
        try (JsonParser p = MAPPER.createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed();
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("keyId".equals(name) && value == JsonToken.VALUE_STRING && keyId == null) {
                    keyId = p.getString();
                } else if ("plaintext".equals(name) && value == JsonToken.VALUE_STRING && plaintext == null) {
                    plaintext = p.getBinaryValue();
                } else {
                    throw malformed();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw malformed();
            }
        } catch (JacksonException e) {
            wipe(plaintext);
            throw malformed();
        } catch (KeyServiceException e) {
            wipe(plaintext);
            throw e;
        }
        if (keyId == null || plaintext == null) {
            wipe(plaintext);
            throw malformed();
        }
        return new DecryptedDataKey(keyId, plaintext);
    }

    private static void wipe(byte[] bytes) {
        if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static KeyServiceException malformed() {
        return new KeyServiceException(KeyServiceException.KEY_UNAVAILABLE,
                "the gateway's answer to Decrypt is not a DecryptResponse");
    }

    @Override
    public String toString() {
        return "GatewayDataKeys[" + executionRoleArn + "]";
    }
}
