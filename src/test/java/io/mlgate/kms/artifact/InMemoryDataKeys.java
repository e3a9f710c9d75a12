package io.mlgate.kms.artifact;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test key service behaving like KMS for data keys: customer keys with aliases and states, blobs that name their key
 * by an internal id and bind the encryption context as AES-GCM associated data, KMS error codes.
 */
public final class InMemoryDataKeys implements DataKeys {

    private static final String ACCOUNT = "111122223333";
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { ENABLED, DISABLED, PENDING_DELETION, DELETED }

    private static final class Key {
        final String arn;
        final byte[] id = new byte[16];
        final byte[] material = new byte[32];
        State state = State.ENABLED;

        Key(String arn) {
            this.arn = arn;
            RANDOM.nextBytes(id);
            RANDOM.nextBytes(material);
        }
    }

    private final Map<String, Key> byArn = new HashMap<>();
    private final Map<String, Key> byAlias = new HashMap<>();
    private final Map<ByteBuffer, Key> byId = new HashMap<>();
    private int decryptCalls;

    /** Creates a key with alias {@code alias/NAME}; returns its ARN. */
    public synchronized String createKey(String aliasName) {
        String arn = "arn:aws:kms:us-east-1:" + ACCOUNT + ":key/" + java.util.UUID.randomUUID();
        Key key = new Key(arn);
        byArn.put(arn, key);
        byAlias.put("alias/" + aliasName, key);
        byId.put(ByteBuffer.wrap(key.id), key);
        return arn;
    }

    public synchronized void disable(String keyId) {
        resolve(keyId).state = State.DISABLED;
    }

    public synchronized void enable(String keyId) {
        resolve(keyId).state = State.ENABLED;
    }

    public synchronized void scheduleDeletion(String keyId) {
        resolve(keyId).state = State.PENDING_DELETION;
    }

    public synchronized void delete(String keyId) {
        resolve(keyId).state = State.DELETED;
    }

    public synchronized int decryptCalls() {
        return decryptCalls;
    }

    @Override
    public synchronized GeneratedDataKey generate(String keyId, Map<String, String> context) {
        Key key = usable(resolve(keyId));
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        return new GeneratedDataKey(key.arn, dataKey, seal(key, dataKey, context));
    }

    @Override
    public synchronized DecryptedDataKey decrypt(byte[] blob, Map<String, String> context,
            Optional<String> expectedKeyId) {
        decryptCalls++;
        Key expected = expectedKeyId.map(this::resolve).orElse(null);
        Key key = keyOf(blob);
        if (expected != null && expected != key) {
            throw new KeyServiceException(KeyServiceException.INCORRECT_KEY,
                    "The key ID in the request does not identify the key that encrypted the ciphertext.");
        }
        usable(key);
        return new DecryptedDataKey(key.arn, open(key, blob, context));
    }

    @Override
    public synchronized ReEncryptedDataKey reEncrypt(byte[] blob, Map<String, String> sourceContext,
            String destinationKeyId, Map<String, String> destinationContext) {
        Key source = usable(keyOf(blob));
        Key destination = usable(resolve(destinationKeyId));
        byte[] dataKey = open(source, blob, sourceContext);
        try {
            return new ReEncryptedDataKey(destination.arn, seal(destination, dataKey, destinationContext));
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private Key resolve(String keyId) {
        Key key = keyId.startsWith("alias/") ? byAlias.get(keyId) : byArn.get(keyId);
        if (key == null || key.state == State.DELETED) {
            throw new KeyServiceException(KeyServiceException.NOT_FOUND, "Key '" + keyId + "' does not exist");
        }
        return key;
    }

    private static Key usable(Key key) {
        switch (key.state) {
            case DISABLED -> throw new KeyServiceException(KeyServiceException.DISABLED, key.arn + " is disabled.");
            case PENDING_DELETION -> throw new KeyServiceException(KeyServiceException.INVALID_STATE,
                    key.arn + " is pending deletion.");
            case DELETED -> throw new KeyServiceException(KeyServiceException.NOT_FOUND, key.arn + " does not exist");
            default -> {
                return key;
            }
        }
    }

    private Key keyOf(byte[] blob) {
        if (blob.length != 16 + 12 + 32 + 16) {
            throw invalid();
        }
        Key key = byId.get(ByteBuffer.wrap(Arrays.copyOf(blob, 16)));
        if (key == null) {
            throw invalid();
        }
        if (key.state == State.DELETED) {
            throw new KeyServiceException(KeyServiceException.NOT_FOUND, key.arn + " does not exist");
        }
        return key;
    }

    private static KeyServiceException invalid() {
        return new KeyServiceException(KeyServiceException.INVALID_CIPHERTEXT, "The ciphertext is invalid.");
    }

    private static byte[] seal(Key key, byte[] dataKey, Map<String, String> context) {
        byte[] blob = new byte[16 + 12 + 32 + 16];
        System.arraycopy(key.id, 0, blob, 0, 16);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, blob, 16, 12);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key.material, "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(key.id);
            cipher.updateAAD(canonical(context));
            cipher.doFinal(dataKey, 0, dataKey.length, blob, 28);
            return blob;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] open(Key key, byte[] blob, Map<String, String> context) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.material, "AES"),
                    new GCMParameterSpec(128, blob, 16, 12));
            cipher.updateAAD(key.id);
            cipher.updateAAD(canonical(context));
            return cipher.doFinal(blob, 28, blob.length - 28);
        } catch (AEADBadTagException e) {
            throw invalid();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] canonical(Map<String, String> context) {
        StringBuilder s = new StringBuilder();
        new TreeMap<>(context).forEach((k, v) -> s.append(k.length()).append(':').append(k).append(v.length())
                .append(':').append(v));
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
