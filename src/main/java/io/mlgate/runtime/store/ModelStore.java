package io.mlgate.runtime.store;

import io.mlgate.kms.artifact.ArtifactHeader;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.kms.artifact.ModelSource;

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
 * The model store under the data directory ({@code data/models/NAME.mlga}): each model is an envelope-encrypted
 * artifact ({@link ModelArtifacts}, docs/model-artifacts.md) whose data key is wrapped by a KMS key under an
 * encryption context. Models are encrypted while streaming in and decrypted only into memory, so no plaintext model
 * file is ever written.
 */
public final class ModelStore {

    static final String SUFFIX = ".mlga";

    private final Path dir;

    public ModelStore(Path dataDir) throws IOException {
        this.dir = dataDir.resolve("models");
        Files.createDirectories(dir);
    }

    public boolean contains(String name) {
        return Files.isRegularFile(file(name));
    }

    /**
     * Packages {@code model} into the store as {@code name} with a data key from {@code artifacts}' key service
     * under {@code keyId} and {@code context}; the file appears atomically once complete.
     *
     * @return the header written
     */
    public ArtifactHeader put(String name, ModelSource model, ModelArtifacts artifacts, String keyId,
                              Map<String, String> context) throws IOException {
        Path target = file(name);
        Path temp = dir.resolve("." + target.getFileName() + ".tmp");
        ArtifactHeader header;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(channel);
            header = artifacts.write(model, out, keyId, context, Map.of("name", name));
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
        return header;
    }

    /** The artifact's bytes, from its header on; the caller closes the stream. */
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(file(name));
    }

    public Path file(String name) {
        if (!validName(name)) {
            throw new IllegalArgumentException("invalid model name: must match [a-zA-Z0-9](-*[a-zA-Z0-9])*, 1..63");
        }
        return dir.resolve(name + SUFFIX);
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
