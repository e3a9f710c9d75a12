package io.mlgate.kms.root;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import javax.crypto.spec.SecretKeySpec;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;

/**
 * The zero-configuration protector: 32 random bytes in {@code keys/root.key} (mode 0600, created atomically). The
 * key is only as safe as the file; meant for the demo and for hosts whose disk is itself encrypted.
 */
public final class KeyFileProtector implements RootKeyProtector {

    /** The key file name in keys/. */
    public static final String FILE = "root.key";
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public String markerFile() {
        return FILE;
    }

    @Override
    public UnlockedRoot unlock(Path keysDir) throws IOException {
        Objects.requireNonNull(keysDir, "keysDir");
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        RootKeyProtector.requireNoOtherMarker(keysDir, this);
        Path keyFile = keysDir.resolve(FILE);
        if (!Files.exists(keyFile)) {
            byte[] fresh = new byte[KEY_BYTES];
            RANDOM.nextBytes(fresh);
            try {
                AtomicFileWriter.createIfAbsent(keyFile, fresh);
            } finally {
                Arrays.fill(fresh, (byte) 0);
            }
        }
        byte[] bytes = Files.readAllBytes(keyFile);
        try {
            if (bytes.length != KEY_BYTES) {
                throw new KeyCustodyException("root key file " + keyFile + " has " + bytes.length + " bytes; expected "
                        + KEY_BYTES);
            }
            return new UnlockedRoot(new SecretKeySpec(bytes, "AES"), null, "file " + keyFile);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return "KeyFileProtector";
    }
}
