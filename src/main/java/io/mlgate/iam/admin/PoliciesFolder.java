package io.mlgate.iam.admin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.validate.ValidatedConfiguration;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.SourcePosition;
import io.mlgate.kms.AtomicFileWriter;

import tools.jackson.core.JacksonException;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The policies/ folder as the administration core edits it: reads an entity file as a JSON tree, and commits a change
 * to one file only after the whole resulting configuration has been validated on a staged copy of the folder; writes
 * are atomic and forced to disk.
 */
final class PoliciesFolder {

    static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final ObjectWriter PRETTY = JSON.writer().with(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectNameValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));
    private static final List<String> LOADED_ENTRIES = List.of(IamConfigurationLoader.ACCOUNTS_FILE,
            IamConfigurationLoader.USERS_DIR, IamConfigurationLoader.GROUPS_DIR, IamConfigurationLoader.ROLES_DIR,
            IamConfigurationLoader.MANAGED_POLICIES_DIR);

    /** One entity file as read: where it is (relative to the folder), its bytes and its JSON object. */
    record EntityFile(String relativePath, byte[] original, ObjectNode tree) {
    }

    /** A change to one file: new content (null: delete it); {@code original} null means the file must not exist yet. */
    record FileChange(String relativePath, byte[] original, ObjectNode content) {

        static FileChange create(String relativePath, ObjectNode content) {
            return new FileChange(relativePath, null, content);
        }

        static FileChange replace(EntityFile file, ObjectNode content) {
            return new FileChange(file.relativePath(), file.original(), content);
        }

        static FileChange delete(EntityFile file) {
            return new FileChange(file.relativePath(), file.original(), null);
        }
    }

    private final Path root;

    PoliciesFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** Loads and validates the folder as it is on disk now. */
    IamConfiguration load() throws IamAdminException {
        try {
            return ValidatedConfiguration.load(root).configuration();
        } catch (ConfigurationException e) {
            throw new IamAdminException(IamErrorCode.SERVICE_FAILURE, "The IAM configuration in the policies folder is "
                    + "invalid, so it cannot be changed through the API until the files are fixed: "
                    + e.problems().get(0) + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1)
                    + " more problems)" : ""));
        }
    }

    /** Reads the file an entity was loaded from. */
    EntityFile read(SourcePosition definedAt) throws IamAdminException {
        String relative = definedAt.source();
        Path file = resolve(relative);
        try {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode tree = JSON.readTree(bytes);
            if (!(tree instanceof ObjectNode object)) {
                throw concurrent(relative);
            }
            return new EntityFile(relative, bytes, object);
        } catch (NoSuchFileException e) {
            throw concurrent(relative);
        } catch (JacksonException e) {
            throw concurrent(relative);
        } catch (IOException e) {
            throw new IamAdminException(IamErrorCode.SERVICE_FAILURE, "Cannot read " + relative + ".");
        }
    }

    /** A free file name for a new entity in {@code dir}: {@code <name>.json}, else {@code <name>-2.json}, ... */
    String newEntityFile(String dir, String name) {
        String candidate = dir + "/" + name + ".json";
        for (int n = 2; Files.exists(resolve(candidate)); n++) {
            candidate = dir + "/" + name + "-" + n + ".json";
        }
        return candidate;
    }

    /**
     * Validates the configuration that {@code change} would produce and, if it is valid, writes the change.
     *
     * @return the new configuration, exactly as the loader reads the folder after the change
     */
    IamConfiguration commit(FileChange change) throws IamAdminException {
        byte[] content = change.content() == null ? null : render(change.content());
        IamConfiguration next = validateStaged(change.relativePath(), content);
        Path target = resolve(change.relativePath());
        try {
            if (change.original() == null) {
                Files.createDirectories(target.getParent());
                if (!AtomicFileWriter.createIfAbsent(target, content)) {
                    throw concurrent(change.relativePath());
                }
                return next;
            }
            byte[] now;
            try {
                now = Files.readAllBytes(target);
            } catch (NoSuchFileException e) {
                throw concurrent(change.relativePath());
            }
            if (!Arrays.equals(now, change.original())) {
                throw concurrent(change.relativePath());
            }
            if (content == null) {
                Files.delete(target);
                forceDirectory(target.getParent());
            } else {
                AtomicFileWriter.replace(target, content);
            }
            return next;
        } catch (IOException e) {
            throw new IamAdminException(IamErrorCode.SERVICE_FAILURE, "Cannot write " + change.relativePath()
                    + " (" + e.getClass().getSimpleName() + ").");
        }
    }

    /** The pretty-printed JSON text of an entity file. */
    static byte[] render(ObjectNode tree) {
        return (PRETTY.writeValueAsString(tree) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private IamConfiguration validateStaged(String relativePath, byte[] content) throws IamAdminException {
        Path stage = null;
        try {
            stage = Files.createTempDirectory("mlgate-iam-stage");
            for (String entry : LOADED_ENTRIES) {
                copy(root.resolve(entry), stage.resolve(entry));
            }
            Path staged = stage.resolve(relativePath);
            if (content == null) {
                Files.deleteIfExists(staged);
            } else {
                Files.createDirectories(staged.getParent());
                Files.write(staged, content);
            }
            return ValidatedConfiguration.load(stage).configuration();
        } catch (ConfigurationException e) {
            // a policy document the validator refuses (e.g. an unknown action) is a malformed document for the API
            boolean policyFinding = ValidatedConfiguration.isValidatorProblem(e.problems().get(0));
            throw new IamAdminException(policyFinding ? IamErrorCode.MALFORMED_POLICY_DOCUMENT
                    : IamErrorCode.INVALID_INPUT, "The change would make the IAM configuration invalid: "
                    + e.problems().get(0));
        } catch (IOException e) {
            throw new IamAdminException(IamErrorCode.SERVICE_FAILURE, "Cannot stage the change for validation ("
                    + e.getClass().getSimpleName() + ").");
        } finally {
            if (stage != null) {
                deleteTree(stage);
            }
        }
    }

    private Path resolve(String relative) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("not inside the policies folder: " + relative);
        }
        return p;
    }

    private static IamAdminException concurrent(String relative) {
        return new IamAdminException(IamErrorCode.CONCURRENT_MODIFICATION, relative + " was changed by someone else "
                + "while this request was processed; try again.");
    }

    /** Copies a file or directory tree, keeping modification times (they stand in for missing CreateDates). */
    private static void copy(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        if (Files.isRegularFile(from)) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Path dest = to.resolve(p.getFileName().toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest); // the loader reports it; keep it so the staged load agrees
                } else {
                    Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a leftover temporary copy is harmless; the live folder is not affected
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notSupportedHere) {
            // some platforms cannot sync a directory; the delete itself has happened
        }
    }
}
