package io.mlgate.kms.root;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the root key that seals everything under keys/ lives and how it is unlocked: a key file, a passphrase through
 * Argon2id, or a non-extractable key on a PKCS#11 token. Each protector marks keys/ with its own file
 * ({@link #markerFile()}) and refuses a folder marked by another one.
 */
public sealed interface RootKeyProtector permits KeyFileProtector, PassphraseProtector, Pkcs11Protector {

    /** The marker files of all protectors, in keys/. */
    String[] MARKER_FILES = {KeyFileProtector.FILE, PassphraseProtector.FILE, Pkcs11Protector.FILE};

    /** {@code file}, {@code passphrase} or {@code pkcs11}. */
    String kind();

    /** The file in keys/ that records this protector (its key, salt and KDF parameters, or token key label). */
    String markerFile();

    /**
     * Unlocks the root key for {@code keysDir}, setting it up on first use (a fresh key file, salt or token key).
     * Fails with {@link io.mlgate.kms.KeyCustodyException} on a wrong passphrase or PIN, a missing token key, or a
     * folder protected by another protector.
     */
    UnlockedRoot unlock(Path keysDir) throws IOException;

    /** Fails if {@code keysDir} carries the marker of a protector other than {@code self}. */
    static void requireNoOtherMarker(Path keysDir, RootKeyProtector self) {
        for (String marker : MARKER_FILES) {
            if (!marker.equals(self.markerFile()) && java.nio.file.Files.exists(keysDir.resolve(marker))) {
                String kind = marker.equals(KeyFileProtector.FILE) ? "a root key file"
                        : marker.equals(PassphraseProtector.FILE) ? "a passphrase" : "a PKCS#11 token key";
                throw new io.mlgate.kms.KeyCustodyException(keysDir + " is protected by " + kind + " (" + marker
                        + " is present); configure that protector, or move to " + self.kind()
                        + " with 'mlgate kms rotate-root --to " + self.kind() + "'");
            }
        }
    }
}
