package io.mlgate.kms;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

import io.mlgate.kms.root.Argon2idParameters;
import io.mlgate.kms.root.KeyFileProtector;
import io.mlgate.kms.root.PassphraseProtector;
import io.mlgate.kms.root.RootKeyProtector;
import io.mlgate.kms.root.RootRotation;
import io.mlgate.kms.root.RootSeal;
import io.mlgate.kms.root.UnlockedRoot;

/**
 * The root of key custody under keys/: an AES-256 key, unlocked by a {@link RootKeyProtector} (key file, Argon2id
 * passphrase, or PKCS#11 token), that seals every other secret kept there (AES-256-GCM, random nonce, versioned
 * format).
 */
public final class RootKey {

    /** File holding the 32 random root-key bytes (file protector). */
    public static final String KEY_FILE = KeyFileProtector.FILE;
    /** File holding the KDF salt, parameters and verifier (passphrase protector). */
    public static final String SALT_FILE = PassphraseProtector.FILE;

    static final int KEY_BYTES = 32;

    private final UnlockedRoot root;

    private RootKey(UnlockedRoot root) {
        this.root = root;
    }

    /**
     * Unlocks the root key of {@code keysDir} with {@code protector}, first finishing (or discarding) a root rotation
     * that a crash interrupted. Fails with {@link KeyCustodyException} on a wrong passphrase or PIN, or a folder
     * protected by another protector.
     */
    public static RootKey unlock(RootKeyProtector protector, Path keysDir) throws IOException {
        Objects.requireNonNull(protector, "protector");
        Objects.requireNonNull(keysDir, "keysDir");
        RootRotation.recover(keysDir);
        return new RootKey(protector.unlock(keysDir));
    }

    /**
     * Unlocks with {@code protector} without looking for an interrupted rotation; for the rotation itself, which
     * sets up the new root in its staging folder.
     */
    public static RootKey unlockWithoutRecovery(RootKeyProtector protector, Path keysDir) throws IOException {
        return new RootKey(protector.unlock(keysDir));
    }

    /**
     * Reads {@code keysDir/root.key}, creating it (32 bytes from SecureRandom, mode 0600, written atomically) if it
     * does not exist. Refuses a directory already protected by another protector.
     */
    public static RootKey loadOrCreate(Path keysDir) throws IOException {
        return unlock(new KeyFileProtector(), keysDir);
    }

    /**
     * Derives the root key from {@code passphrase} with Argon2id ({@link Argon2idParameters#DEFAULT}) and the salt in
     * {@code keysDir/root.salt}, creating salt and verifier on first use (a folder set up with scrypt still opens).
     * A wrong passphrase fails with a {@link KeyCustodyException}. The caller keeps ownership of {@code passphrase}
     * and may clear it afterwards.
     */
    public static RootKey fromPassphrase(char[] passphrase, Path keysDir) throws IOException {
        return unlock(PassphraseProtector.of(passphrase, Argon2idParameters.DEFAULT), keysDir);
    }

    /** As {@link #fromPassphrase(char[], Path)} with explicit Argon2id parameters for a new folder. */
    public static RootKey fromPassphrase(char[] passphrase, Path keysDir, Argon2idParameters parameters)
            throws IOException {
        return unlock(PassphraseProtector.of(passphrase, parameters), keysDir);
    }

    /**
     * Encrypts and authenticates a small secret, binding it to {@code associatedData} (which is not stored).
     * Output: version byte, 12-byte random nonce, ciphertext and 16-byte tag.
     */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        return RootSeal.seal(root, plaintext, associatedData);
    }

    /**
     * Verifies and decrypts a value made by {@link #seal}; fails with {@link KeyCustodyException} if it was modified,
     * sealed under another root key, or sealed with different associated data.
     */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        return RootSeal.open(root, sealed, associatedData);
    }

    @Override
    public String toString() {
        return "RootKey[" + root.description() + "]";
    }
}
