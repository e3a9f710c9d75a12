package io.mlgate.kms.root;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Moves everything under keys/ from one root key to another, crash-safely: the new protector is set up and every
 * sealed file re-sealed into the staging folder {@code keys/.rotate-root/}; a commit record written there last makes
 * the rotation take effect; then staged files are renamed over the old ones and the old protector's marker removed.
 * A crash before the commit record leaves keys/ untouched (the staging folder is discarded); a crash after it is
 * finished by {@link #recover}, which needs no key.
 */
public final class RootRotation {

    /** The staging folder inside keys/. */
    public static final String STAGING = ".rotate-root";
    /** The commit record inside the staging folder. */
    public static final String COMMIT = "COMMITTED";
    private static final String LOCK = ".rotate-root.lock";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What a rotation did: the files re-sealed (with their number of sealed values) and the new protector. */
    public record Result(List<String> files, int sealedValues, String protector, String newRoot) {
    }

    private RootRotation() {
    }

    /**
     * Re-seals every file of {@code files} present in {@code keysDir} from {@code from} to a root key unlocked (or
     * created) by {@code to}, then switches keys/ to {@code to}. Stop the gateway first: a running gateway keeps
     * writing under the old root key.
     */
    public static Result rotate(Path keysDir, RootKey from, RootKeyProtector to, List<? extends SealedFile> files)
            throws IOException {
        Objects.requireNonNull(keysDir, "keysDir");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(files, "files");
        try (FileLock lock = lock(keysDir)) {
            recoverLocked(keysDir);
            Path staging = keysDir.resolve(STAGING);
            AtomicFileWriter.ensurePrivateDirectory(staging);
            RootKey next = RootKey.unlockWithoutRecovery(to, staging);
            requireDifferent(from, next);
            List<String> names = new ArrayList<>();
            int values = 0;
            for (SealedFile file : files) {
                Path current = keysDir.resolve(file.name());
                if (!Files.isRegularFile(current)) {
                    continue;
                }
                byte[] resealed = file.reseal(Files.readAllBytes(current), from, next);
                values += file.verify(resealed, next);
                if (!validName(file.name())) {
                    throw new KeyCustodyException("invalid sealed file name '" + file.name() + "'");
                }
                Path staged = staging.resolve(file.name());
                AtomicFileWriter.ensurePrivateDirectory(staged.getParent());
                AtomicFileWriter.replace(staged, resealed);
                names.add(file.name());
            }
            ObjectNode commit = JSON.createObjectNode();
            commit.put("version", 1);
            commit.put("marker", to.markerFile());
            ArrayNode list = commit.putArray("files");
            names.forEach(list::add);
            AtomicFileWriter.replace(staging.resolve(COMMIT), JSON.writeValueAsBytes(commit));
            rollForward(keysDir, staging);
            return new Result(List.copyOf(names), values, to.kind(), next.toString());
        }
    }

    /**
     * Finishes a rotation that a crash interrupted after its commit record (renaming the remaining staged files into
     * place) or discards one interrupted before it; does nothing if there is none. Fails if a rotation is running.
     *
     * @return {@code true} if there was an interrupted rotation to finish or discard
     */
    public static boolean recover(Path keysDir) throws IOException {
        Objects.requireNonNull(keysDir, "keysDir");
        if (!Files.isDirectory(keysDir.resolve(STAGING))) {
            return false;
        }
        try (FileLock lock = lock(keysDir)) {
            return recoverLocked(keysDir);
        }
    }

    private static boolean recoverLocked(Path keysDir) throws IOException {
        Path staging = keysDir.resolve(STAGING);
        if (!Files.isDirectory(staging)) {
            return false;
        }
        if (Files.exists(staging.resolve(COMMIT))) {
            rollForward(keysDir, staging);
        } else {
            deleteTree(staging);
        }
        return true;
    }

    private static void rollForward(Path keysDir, Path staging) throws IOException {
        JsonNode commit;
        try {
            commit = JSON.readTree(Files.readAllBytes(staging.resolve(COMMIT)));
        } catch (JacksonException e) {
            throw new KeyCustodyException(staging.resolve(COMMIT) + " is not valid JSON; finish the rotation by hand");
        }
        String marker = commit.path("marker").asString("");
        if (!Arrays.asList(RootKeyProtector.MARKER_FILES).contains(marker)) {
            throw new KeyCustodyException(staging.resolve(COMMIT) + " names no known protector marker");
        }
        for (JsonNode name : commit.path("files")) {
            move(staging, keysDir, name.asString(""));
        }
        // The new protector's marker goes last among the renames, then the old markers are removed: until then an
        // unlock still sees the commit record and finishes this step first.
        move(staging, keysDir, marker);
        for (String other : RootKeyProtector.MARKER_FILES) {
            if (!other.equals(marker)) {
                Files.deleteIfExists(keysDir.resolve(other));
            }
        }
        forceDirectory(keysDir);
        Files.delete(staging.resolve(COMMIT));
        deleteTree(staging);
        forceDirectory(keysDir);
    }

    private static void move(Path staging, Path keysDir, String name) throws IOException {
        if (!validName(name)) {
            throw new KeyCustodyException("the rotation commit record names an invalid file '" + name + "'");
        }
        Path staged = staging.resolve(name);
        if (Files.exists(staged)) {
            Path target = keysDir.resolve(name);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (!target.getParent().equals(keysDir)) {
                forceDirectory(target.getParent());
            }
        }
    }

    /**
     * A sealed file's name relative to keys/: a plain file name, or one folder and a file name (keys/cluster/ca.key),
     * no segment empty or starting with a dot.
     */
    static boolean validName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        String[] segments = name.split("/", -1);
        if (segments.length > 2) {
            return false;
        }
        for (String segment : segments) {
            if (segment.isEmpty() || segment.startsWith(".") || segment.contains("\\")) {
                return false;
            }
        }
        return true;
    }

    private static void requireDifferent(RootKey from, RootKey next) {
        byte[] probe = "mlgate/root-rotation/probe".getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = next.seal(probe, probe);
        try {
            from.open(sealed, probe);
        } catch (KeyCustodyException expected) {
            return;
        }
        throw new KeyCustodyException("the new root key is the current one; rotate to a new key file, passphrase "
                + "or token key label");
    }

    private static FileLock lock(Path keysDir) throws IOException {
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        FileChannel channel = FileChannel.open(keysDir.resolve(LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new KeyCustodyException("a root rotation of " + keysDir + " is running in another process");
            }
            return new ClosingLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new KeyCustodyException("a root rotation of " + keysDir + " is running in this process");
        }
    }

    /** A lock that closes its channel when released. */
    private static final class ClosingLock extends FileLock {
        private final FileLock inner;

        ClosingLock(FileChannel channel, FileLock inner) {
            super(channel, inner.position(), inner.size(), inner.isShared());
            this.inner = inner;
        }

        @Override
        public boolean isValid() {
            return inner.isValid();
        }

        @Override
        public void release() throws IOException {
            try {
                inner.release();
            } finally {
                channel().close();
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notSupportedHere) {
            // The renames are atomic regardless; syncing the directory only narrows the window before they persist.
        }
    }
}
