package io.mlgate.kms.api;

import io.mlgate.kms.AssociatedData;
import io.mlgate.protocol.json.JsonServiceException;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ciphertext blob of the KMS API: version byte {@code 0x01}, the 16-byte key id, the 4-byte material version,
 * a 12-byte random nonce, then AES-256-GCM ciphertext and 16-byte tag. The header and the canonical encryption
 * context are the GCM associated data, so a changed header or a different context fails to decrypt.
 */
final class KmsCiphertext {

    static final byte VERSION = 1;
    static final int HEADER_BYTES = 1 + 16 + 4;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final String AAD_DOMAIN = "mlgate/kms/ciphertext/v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a blob's header says: which key and material version made it. */
    record Header(UUID keyId, int materialVersion) {
    }

    private KmsCiphertext() {
    }

    static byte[] seal(UUID keyId, KmsKey.Material material, byte[] plaintext, Map<String, String> context) {
        byte[] header = header(keyId, material.version());
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] key = material.bytes().copy();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(header);
            cipher.updateAAD(canonicalContext(context));
            byte[] out = new byte[HEADER_BYTES + NONCE_BYTES + plaintext.length + TAG_BYTES];
            System.arraycopy(header, 0, out, 0, HEADER_BYTES);
            System.arraycopy(nonce, 0, out, HEADER_BYTES, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, out, HEADER_BYTES + NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Reads the header without decrypting; InvalidCiphertextException if the blob is not one of ours. */
    static Header header(byte[] blob) throws JsonServiceException {
        if (blob.length < HEADER_BYTES + NONCE_BYTES + TAG_BYTES || blob[0] != VERSION) {
            throw KmsErrors.invalidCiphertext();
        }
        ByteBuffer b = ByteBuffer.wrap(blob, 1, HEADER_BYTES - 1);
        UUID id = new UUID(b.getLong(), b.getLong());
        return new Header(id, b.getInt());
    }

    static byte[] open(KmsKey.Material material, byte[] blob, Map<String, String> context)
            throws JsonServiceException {
        header(blob);
        byte[] key = material.bytes().copy();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BYTES * 8, blob, HEADER_BYTES, NONCE_BYTES));
            cipher.updateAAD(blob, 0, HEADER_BYTES);
            cipher.updateAAD(canonicalContext(context));
            return cipher.doFinal(blob, HEADER_BYTES + NONCE_BYTES, blob.length - HEADER_BYTES - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw KmsErrors.invalidCiphertext();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] header(UUID keyId, int version) {
        return ByteBuffer.allocate(HEADER_BYTES).put(VERSION).putLong(keyId.getMostSignificantBits())
                .putLong(keyId.getLeastSignificantBits()).putInt(version).array();
    }

    /** The context sorted by key, every key and value length-prefixed: equal maps, equal bytes. */
    static byte[] canonicalContext(Map<String, String> context) {
        List<String> fields = new ArrayList<>();
        new TreeMap<>(context).forEach((k, v) -> {
            fields.add(k);
            fields.add(v);
        });
        return AssociatedData.of(AAD_DOMAIN, fields.toArray(String[]::new));
    }
}
