package io.mlgate.sagemaker.transform;

import io.mlgate.kms.AtomicFileWriter;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bucket transform jobs read and write: {@code s3://mlgate-batch/KEY} is the file {@code <dataDir>/batch/KEY}.
 * Keys are checked before they touch the file system (no {@code .} or {@code ..} segment, no empty segment, no
 * backslash or NUL, not absolute), and every file is checked again by its real path, so neither a key nor a
 * symbolic link inside the folder reaches a file outside it. A prefix names every file whose key starts with it, as
 * an S3 prefix does (not only a folder), sorted by key.
 */
public final class BatchBucket {

    /** The bucket name that means "mlgate's batch folder". */
    public static final String BUCKET = "mlgate-batch";
    /** The folder under the data directory. */
    public static final String FOLDER = "batch";
    /** The most input files one job reads. */
    public static final int MAX_INPUT_FILES = 10_000;

    private static final Pattern URI = Pattern.compile("s3://([^/]+)/?(.*)", Pattern.DOTALL);
    private static final int MAX_KEY = 1024;

    private final Path root;
    private final Path realRoot;

    private BatchBucket(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /** The bucket under {@code dataDir} ({@code batch/}, created owner-only if absent). */
    public static BatchBucket open(Path dataDir) throws IOException {
        Path root = Objects.requireNonNull(dataDir, "dataDir").resolve(FOLDER).toAbsolutePath().normalize();
        AtomicFileWriter.ensurePrivateDirectory(root);
        return new BatchBucket(root, root.toRealPath());
    }

    /** The folder the bucket lives in. */
    public Path root() {
        return root;
    }

    /**
     * The key an {@code s3://mlgate-batch/KEY} URI names (may be empty or end with {@code /} for a prefix).
     *
     * @throws IllegalArgumentException with a client-safe reason if it names another bucket or an unsafe key
     */
    public static String keyOf(String uri) {
        Matcher m = URI.matcher(uri);
        if (!m.matches() || !m.group(1).equals(BUCKET)) {
            throw new IllegalArgumentException("mlgate reads and writes transform data in s3://" + BUCKET
                    + "/ only (the folder " + FOLDER + "/ of its data directory).");
        }
        String key = m.group(2);
        checkKey(key);
        return key;
    }

    public static String uriOf(String key) {
        return "s3://" + BUCKET + "/" + key;
    }

    /** Refuses keys that could leave the folder or that a file system reads differently from S3. */
    static void checkKey(String key) {
        if (key.length() > MAX_KEY) {
            throw new IllegalArgumentException("The key is longer than " + MAX_KEY + " characters.");
        }
        if (key.startsWith("/") || key.indexOf('\\') >= 0 || key.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("The key must be relative, without backslashes or NUL characters.");
        }
        String[] segments = key.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if ((s.isEmpty() && !last) || s.equals(".") || s.equals("..")) {
                throw new IllegalArgumentException("The key must not contain empty, '.' or '..' path segments.");
            }
        }
    }

    /**
     * The file of an object key, checked to stay inside the folder by its real path (symbolic links included).
     *
     * @throws IOException if the key is unsafe or a link leads outside the folder
     */
    public Path fileOf(String key) throws IOException {
        try {
            checkKey(key);
        } catch (IllegalArgumentException e) {
            throw new IOException(uriOf(key) + ": " + e.getMessage());
        }
        if (key.isEmpty() || key.endsWith("/")) {
            throw new IOException(uriOf(key) + " names a prefix, not an object.");
        }
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root)) {
            throw new IOException(uriOf(key) + " leaves the batch folder.");
        }
        Path existing = file;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
            throw new IOException(uriOf(key) + " leads outside the batch folder (symbolic link).");
        }
        return file;
    }

    /**
     * Every file whose key starts with {@code prefix}, sorted by key.
     *
     * @throws IOException if the folder cannot be listed, a file found is reached through a link that leads outside
     *                     the folder, or there are more than {@value #MAX_INPUT_FILES} files
     */
    public List<String> list(String prefix) throws IOException {
        try {
            checkKey(prefix);
        } catch (IllegalArgumentException e) {
            throw new IOException(uriOf(prefix) + ": " + e.getMessage());
        }
        Path dir = root.resolve(prefix.substring(0, prefix.lastIndexOf('/') + 1)).normalize();
        if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
            return List.of();
        }
        if (!dir.toRealPath().startsWith(realRoot)) {
            throw new IOException(uriOf(prefix) + " leads outside the batch folder (symbolic link).");
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                String key = keyOfFile(p);
                if (!key.startsWith(prefix)) {
                    continue;
                }
                if (!p.toRealPath().startsWith(realRoot)) {
                    throw new IOException(uriOf(key) + " leads outside the batch folder (symbolic link).");
                }
                keys.add(key);
                if (keys.size() > MAX_INPUT_FILES) {
                    throw new IOException("More than " + MAX_INPUT_FILES + " input files under " + uriOf(prefix)
                            + ".");
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    private String keyOfFile(Path p) {
        Path relative = root.relativize(p);
        StringBuilder key = new StringBuilder();
        for (Path part : relative) {
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    /**
     * The output key of an input, as SageMaker names it: the input's key relative to the input prefix's folder, under
     * the output path, with {@code .out} appended (prefix {@code in/}, input {@code in/a/x.csv}, output path
     * {@code out}: {@code out/a/x.csv.out}).
     */
    static String outputKey(String inputPrefix, String inputKey, String outputPrefix) {
        String base = inputPrefix.substring(0, inputPrefix.lastIndexOf('/') + 1);
        String relative = inputKey.substring(base.length());
        String folder = outputPrefix.isEmpty() || outputPrefix.endsWith("/") ? outputPrefix : outputPrefix + "/";
        return folder + relative + ".out";
    }

    /** The errors file of an output: the output's key with {@code .errors} appended. */
    static String errorsKey(String outputKey) {
        return outputKey + ".errors";
    }

    /**
     * The file an output key is written to, its folders created; refuses a key whose folder leads outside the bucket
     * or whose file is a symbolic link.
     */
    Path outputFile(String key) throws IOException {
        Path file = fileOf(key);
        Files.createDirectories(file.getParent());
        if (!file.getParent().toRealPath().startsWith(realRoot)) {
            throw new IOException(uriOf(key) + " leads outside the batch folder (symbolic link).");
        }
        if (Files.isSymbolicLink(file)) {
            throw new IOException(uriOf(key) + " is a symbolic link; outputs are never written through links.");
        }
        return file;
    }

    @Override
    public String toString() {
        return "BatchBucket[" + root + "]";
    }
}
