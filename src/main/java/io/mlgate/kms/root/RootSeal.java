package io.mlgate.kms.root;

import java.security.GeneralSecurityException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

import io.mlgate.kms.KeyCustodyException;

/**
 * The sealed-value format of the root key, the same for every protector: version byte 1, 12-byte random nonce,
 * AES-256-GCM ciphertext and 16-byte tag, with the version byte and the caller's associated data authenticated.
 * With a token key the cipher runs on the token (CKM_AES_GCM).
 */
public final class RootSeal {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RootSeal() {
    }

    /** Seals {@code plaintext} under {@code root}, bound to {@code associatedData} (which is not stored). */
    public static byte[] seal(UnlockedRoot root, byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(root);
            cipher.init(Cipher.ENCRYPT_MODE, root.key(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(new byte[] {VERSION});
            cipher.updateAAD(associatedData);
            byte[] body = cipher.doFinal(plaintext);
            if (body.length != plaintext.length + TAG_BYTES) {
                throw new IllegalStateException("AES-GCM returned " + body.length + " bytes for " + plaintext.length);
            }
            byte[] sealed = new byte[1 + NONCE_BYTES + body.length];
            sealed[0] = VERSION;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            System.arraycopy(body, 0, sealed, 1 + NONCE_BYTES, body.length);
            return sealed;
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KeyCustodyException("sealing under the root key (" + root.description() + ") failed: "
                    + e.getClass().getSimpleName());
        }
    }

    /** Opens a value made by {@link #seal}; fails with {@link KeyCustodyException} if anything does not match. */
    public static byte[] open(UnlockedRoot root, byte[] sealed, byte[] associatedData) {
        Objects.requireNonNull(sealed, "sealed");
        Objects.requireNonNull(associatedData, "associatedData");
        if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES) {
            throw new KeyCustodyException("sealed value is too short (" + sealed.length + " bytes)");
        }
        if (sealed[0] != VERSION) {
            throw new KeyCustodyException("sealed value has unsupported format version " + (sealed[0] & 0xff));
        }
        try {
            Cipher cipher = cipher(root);
            cipher.init(Cipher.DECRYPT_MODE, root.key(), new GCMParameterSpec(TAG_BYTES * 8, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(sealed, 0, 1);
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw authenticationFailure();
        } catch (GeneralSecurityException | ProviderException e) {
            if (root.provider() != null) {
                // Tokens report a bad GCM tag in various ways (SoftHSM2: CKR_GENERAL_ERROR, others CKR_ENCRYPTED_DATA_INVALID).
                throw authenticationFailure();
            }
            throw new KeyCustodyException("opening under the root key failed: " + e.getClass().getSimpleName());
        }
    }

    private static KeyCustodyException authenticationFailure() {
        return new KeyCustodyException("sealed value failed authentication: it was modified, sealed under a "
                + "different root key, or bound to different associated data");
    }

    private static Cipher cipher(UnlockedRoot root) throws GeneralSecurityException {
        return root.provider() == null ? Cipher.getInstance("AES/GCM/NoPadding")
                : Cipher.getInstance("AES/GCM/NoPadding", root.provider());
    }
}
