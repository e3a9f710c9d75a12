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
        this(dataDir.resolve("models"), true);
    }

    private ModelStore(Path dir, boolean create) throws IOException {
        this.dir = dir;
        if (create) {
            Files.createDirectories(dir);
        }
    }

    /**
     * A store in a sub-folder of this one ({@code data/models/FOLDER/NAME.mlga}), e.g. the models uploaded with
     * {@code mlgate model upload}, kept apart from the gateway's own artifacts so their names cannot collide.
     */
    public ModelStore subStore(String folder) throws IOException {
        if (!validName(folder)) {
            throw new IllegalArgumentException("invalid folder name: " + folder);
        }
        return new ModelStore(dir.resolve(folder), true);
    }

    /** The folder the artifacts are in. */
    public Path directory() {
        return dir;
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
        return put(name, model, artifacts, keyId, context, Map.of());
    }

    /**
     * As {@link #put(String, ModelSource, ModelArtifacts, String, Map)}, with further metadata entries bound into
     * the artifact's authenticated header (the {@code name} entry is always the store name).
     */
    public ArtifactHeader put(String name, ModelSource model, ModelArtifacts artifacts, String keyId,
                              Map<String, String> context, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new java.util.TreeMap<>(metadata);
        meta.put("name", name);
        Path target = file(name);
        Path temp = dir.resolve("." + target.getFileName() + ".tmp");
        ArtifactHeader header;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(channel);
            header = artifacts.write(model, out, keyId, context, meta);
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

    public static boolean validName(String name) {
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
