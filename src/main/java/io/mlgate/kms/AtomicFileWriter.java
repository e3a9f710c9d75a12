package io.mlgate.kms;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files under keys/ so that a crash never leaves a half-written file: content goes to an owner-only temporary
 * file in the same directory, is forced to disk, atomically moved into place, and the directory is forced too.
 */
public final class AtomicFileWriter {

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private AtomicFileWriter() {
    }

    /** Creates {@code dir} (and parents) if absent; a directory created here is owner-only where POSIX is supported. */
    public static void ensurePrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (isPosix(parent == null ? dir.toAbsolutePath().getRoot() : parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
    }

    /** Atomically replaces (or creates) {@code target} with {@code content}; the file is owner-only on POSIX. */
    public static void replace(Path target, byte[] content) throws IOException {
        Path dir = directoryOf(target);
        Path temp = writeTemp(dir, target, content);
        try {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system holding " + dir + " does not support atomic renames", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        forceDirectory(dir);
    }

    /**
     * Creates {@code target} with {@code content} only if no file exists there, atomically (via a hard link where the
     * file system supports it), so two processes racing to create it cannot overwrite each other.
     *
     * @return {@code true} if this call created the file, {@code false} if it already existed
     */
    public static boolean createIfAbsent(Path target, byte[] content) throws IOException {
        Path dir = directoryOf(target);
        if (Files.exists(target)) {
            return false;
        }
        Path temp = writeTemp(dir, target, content);
        try {
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | IOException linkUnsupported) {
                if (Files.exists(target)) {
                    return false;
                }
                // No hard links here: fall back to a rename that refuses to replace (not race-free on every FS).
                try {
                    Files.move(temp, target);
                } catch (FileAlreadyExistsException e) {
                    return false;
                }
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        forceDirectory(dir);
        return true;
    }

    private static Path directoryOf(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IllegalArgumentException("target has no parent directory: " + target);
        }
        return dir;
    }

    private static Path writeTemp(Path dir, Path target, byte[] content) throws IOException {
        String prefix = "." + target.getFileName() + ".";
        Path temp = isPosix(dir)
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
                : Files.createTempFile(dir, prefix, ".tmp", new FileAttribute<?>[0]);
        boolean written = false;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
            written = true;
        } finally {
            if (!written) {
                Files.deleteIfExists(temp);
            }
        }
        return temp;
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notSupportedHere) {
            // Some platforms (Windows) cannot open or sync a directory; the rename itself is still atomic there.
        }
    }

    static boolean isPosix(Path anyPathOnTheFileSystem) {
        return anyPathOnTheFileSystem.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
