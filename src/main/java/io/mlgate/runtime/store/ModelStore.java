package io.mlgate.runtime.store;

import io.mlgate.kms.AccountKey;
import io.mlgate.kms.EnvelopeCipher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The model store under the data directory: each artifact is kept envelope-encrypted ({@link EnvelopeCipher},
 * a per-artifact data key wrapped by the account key) and bound to its name and account by the encryption context.
 * Artifacts are encrypted while streaming in and decrypted only into memory, so no plaintext model file is ever
 * written.
 */
public final class ModelStore {

    static final String SUFFIX = ".onnx.mlga";
    private static final int MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

    private final Path dir;
    private final EnvelopeCipher cipher;

    public ModelStore(Path dataDir, EnvelopeCipher cipher) throws IOException {
        this.dir = dataDir.resolve("models");
        this.cipher = cipher;
        Files.createDirectories(dir);
    }

    public boolean contains(String name) {
        return Files.isRegularFile(file(name));
    }

    /** Encrypts {@code plaintext} under {@code key} into the store as {@code name}, replacing it atomically. */
    public void put(String name, InputStream plaintext, AccountKey key) throws IOException {
        Path target = file(name);
        Path temp = dir.resolve("." + target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(channel);
            cipher.encrypt(plaintext, out, key, context(name, key.accountId()));
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException ignored) {
            // platforms that cannot open directories: the file itself is already forced
        }
    }

    /**
     * Decrypts artifact {@code name} of {@code accountId} into memory. Throws
     * {@link io.mlgate.kms.ArtifactIntegrityException} if it was modified, truncated, or moved to another name.
     */
    public byte[] load(String name, String accountId) throws IOException {
        try (InputStream in = Files.newInputStream(file(name))) {
            return cipher.decrypt(in, context(name, accountId), MAX_ARTIFACT_BYTES);
        }
    }

    public Path file(String name) {
        if (!validName(name)) {
            throw new IllegalArgumentException("invalid model name: must match [a-zA-Z0-9](-*[a-zA-Z0-9])*, 1..63");
        }
        return dir.resolve(name + SUFFIX);
    }

    private static Map<String, String> context(String name, String accountId) {
        return Map.of("mlgate:model", name, "aws:account", accountId);
    }

    static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > 63) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && !(c == '-' && i > 0 && i < name.length() - 1)) {
                return false;
            }
        }
        return true;
    }
}
