package io.mlgate.cli;

import io.mlgate.iam.config.Account;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.validate.ValidatedConfiguration;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.api.KmsDataKeys;
import io.mlgate.kms.api.KmsKeyStore;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.root.RootKeySettings;
import java.io.IOException;
import java.time.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.mlgate.kms.artifact.ArtifactException;
import io.mlgate.kms.artifact.ArtifactHeader;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.kms.artifact.ModelSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mlgate model}: packages ONNX models into envelope-encrypted artifacts, shows an artifact's header without
 * decrypting it, and re-wraps an artifact's data key under another key. Data keys come from the key service that
 * {@link #dataKeys(Path)} returns for the mlgate home folder.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Encrypted model artifacts: package, inspect, rewrap (see docs/model-artifacts.md).",
        subcommands = {ModelCommand.Upload.class, ModelCommand.Package.class, ModelCommand.Inspect.class,
                ModelCommand.Rewrap.class})
public final class ModelCommand implements Runnable {

    /** Exit code when an artifact or key is refused (the reason is printed on stderr). */
    static final int REFUSED = 1;
    /** Exit code when a file cannot be read or written, or no key service is available. */
    static final int FAILED = 3;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Function<Path, DataKeys> keyService;

    /** The command as {@code mlgate} runs it: data keys from {@link #dataKeys(Path)}. */
    public ModelCommand() {
        this(ModelCommand::dataKeys);
    }

    /** The command with data keys from {@code keyService}, given the mlgate home folder (tests, embedding). */
    public ModelCommand(Function<Path, DataKeys> keyService) {
        this.keyService = Objects.requireNonNull(keyService, "keyService");
    }

    /**
     * The key service the CLI packages and re-wraps with, for the mlgate home folder {@code home}: the in-process
     * KMS core over the local keystore. Until that core is connected here, it refuses with an explanation.
     *
     * @throws IllegalStateException if no key service is available to the command line
     */
    static DataKeys dataKeys(Path home) {
        // the operator's command line acts as the hosting account's root on the local key service: the key policy
        // still decides (AWS's default policy allows the root; a policy that leaves the root out refuses)
        try {
            Path keys = home.resolve("keys");
            RootKey root = RootKey.unlock(RootKeySettings.fromEnvironment(System::getenv), keys);
            IamConfiguration iam = ValidatedConfiguration.load(home.resolve("policies")).configuration();
            String account = iam.accounts().stream().map(Account::id).findFirst()
                    .orElseThrow(() -> new IllegalStateException("policies/accounts.json names no account"));
            String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
            KmsService kms = new KmsService(KmsKeyStore.open(keys, root), new PolicyEvaluator(), Clock.systemUTC(),
                    region);
            PrincipalContext rootPrincipal = PrincipalContext.builder("arn:aws:iam::" + account + ":root", account,
                    PrincipalType.ACCOUNT).build();
            return new KmsDataKeys(kms, rootPrincipal, RequestContext.builder().build());
        } catch (IOException | ConfigurationException e) {
            throw new IllegalStateException("cannot open the key service under " + home.toAbsolutePath().normalize()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    private ModelArtifacts artifacts(String home) {
        return new ModelArtifacts(keyService.apply(Path.of(home)));
    }

    /**
     * {@code mlgate model upload FILE.onnx --name NAME [--descriptor D.json] [--key K]}: checks the model against its
     * descriptor, encrypts it into the model store ({@code data/models/uploaded/NAME.mlga}, context
     * {@code model=NAME}, descriptor bound into the header) and prints, as its last line, the ModelDataUrl that
     * SageMaker CreateModel takes.
     */
    @Command(name = "upload", mixinStandardHelpOptions = true,
            description = "Put an ONNX model into mlgate's model store (encrypted) and print its ModelDataUrl.")
    static final class Upload implements Callable<Integer> {

        @ParentCommand
        ModelCommand parent;

        @Parameters(index = "0", paramLabel = "FILE.onnx", description = "the ONNX model")
        Path in;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "the model's name in the store: letters, digits and inner hyphens, at most 63")
        String name;

        @Option(names = "--descriptor", paramLabel = "JSON",
                description = "the model descriptor (inputName, outputName, featureNames, labels, outputKind; "
                        + "inputKind text for text models); default: FILE.model.json beside the model")
        Path descriptor;

        @Option(names = "--key", paramLabel = "KEY",
                description = "the customer key (default: " + io.mlgate.gateway.EndpointCatalog.MODEL_KEY_ALIAS
                        + ", created by the gateway on its first start)")
        String key = io.mlgate.gateway.EndpointCatalog.MODEL_KEY_ALIAS;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "the gateway's data folder (default: HOME/data)")
        Path dataDir;

        @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
        String home = Main.defaultHome();

        @Override
        public Integer call() {
            return guarded(() -> {
                if (!Files.isRegularFile(in)) {
                    throw new IOException("model file " + in + " does not exist");
                }
                Path descriptorFile = descriptor != null ? descriptor
                        : in.resolveSibling(baseName(in) + ".model.json");
                if (!Files.isRegularFile(descriptorFile)) {
                    throw new IOException("model descriptor " + descriptorFile + " does not exist (give one with "
                            + "--descriptor; see docs/model-artifacts.md)");
                }
                io.mlgate.runtime.ModelDescriptor parsed;
                try {
                    parsed = io.mlgate.runtime.ModelDescriptor.parse(Files.readAllBytes(descriptorFile));
                } catch (io.mlgate.runtime.InvalidModelException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
                if (Files.size(in) > io.mlgate.runtime.ArtifactEndpoints.MAX_MODEL_BYTES) {
                    throw new IOException("model file " + in + " is larger than "
                            + io.mlgate.runtime.ArtifactEndpoints.MAX_MODEL_BYTES + " bytes");
                }
                byte[] onnx = Files.readAllBytes(in);
                Path data = dataDir != null ? dataDir : Path.of(home).resolve("data");
                io.mlgate.runtime.UploadedModels uploads = new io.mlgate.runtime.UploadedModels(
                        new io.mlgate.runtime.store.ModelStore(data));
                ArtifactHeader header;
                try {
                    header = uploads.upload(name, onnx, parsed, parent.artifacts(home), key);
                } catch (io.mlgate.runtime.InvalidModelException e) {
                    throw new IllegalArgumentException("the model does not match its descriptor: " + e.getMessage());
                } finally {
                    java.util.Arrays.fill(onnx, (byte) 0);
                }
                System.out.println("uploaded " + in + " as " + uploads.store().file(name) + " ("
                        + header.plaintextSize() + " bytes, key " + header.keyId() + ", context "
                        + header.encryptionContext() + ")");
                System.out.println(io.mlgate.runtime.UploadedModels.urlOf(name));
            });
        }
    }

    /** {@code mlgate model package --in F --key K --context k=v ... [--name N] [--out A]}. */
    @Command(name = "package", mixinStandardHelpOptions = true,
            description = "Encrypt a model into an artifact under a customer key and an encryption context.")
    static final class Package implements Callable<Integer> {

        @ParentCommand
        ModelCommand parent;

        @Option(names = "--in", required = true, paramLabel = "MODEL", description = "the plaintext model (.onnx)")
        Path in;

        @Option(names = "--key", required = true, paramLabel = "KEY",
                description = "customer key: key id, key ARN, alias/NAME or alias ARN")
        String key;

        @Option(names = "--context", paramLabel = "K=V",
                description = "encryption context entry (repeatable); loading must present the same context")
        Map<String, String> context = new TreeMap<>();

        @Option(names = "--name", paramLabel = "NAME",
                description = "model name recorded in the metadata (default: the file name without extension)")
        String name;

        @Option(names = "--meta", paramLabel = "K=V", description = "further metadata entry (repeatable)")
        Map<String, String> metadata = new TreeMap<>();

        @Option(names = "--out", paramLabel = "ARTIFACT", description = "output artifact (default: MODEL.mlga)")
        Path out;

        @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
        String home = Main.defaultHome();

        @Override
        public Integer call() {
            Path target = out != null ? out : in.resolveSibling(in.getFileName() + ".mlga");
            Map<String, String> meta = new TreeMap<>(metadata);
            meta.put("name", name != null ? name : baseName(in));
            return guarded(() -> {
                if (!Files.isRegularFile(in)) {
                    throw new IOException("model file " + in + " does not exist");
                }
                ModelArtifacts artifacts = parent.artifacts(home);
                ArtifactHeader[] header = new ArtifactHeader[1];
                writeAtomically(target, o -> header[0] = artifacts.write(ModelSource.of(in), o, key, context, meta));
                System.out.println("packaged " + in + " -> " + target + " (" + header[0].plaintextSize()
                        + " bytes, sha256 " + header[0].plaintextSha256() + ", key " + header[0].keyId() + ")");
            });
        }
    }

    /** {@code mlgate model inspect ARTIFACT}: the header as JSON; never decrypts and needs no key. */
    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Print an artifact's header as JSON without decrypting it (fields are as written, "
                    + "not yet authenticated).")
    static final class Inspect implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ARTIFACT")
        Path artifact;

        @Override
        public Integer call() {
            return guarded(() -> {
                ArtifactHeader header;
                try (InputStream in = Files.newInputStream(artifact)) {
                    header = ModelArtifacts.inspect(in);
                }
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(describe(header)));
            });
        }
    }

    /** {@code mlgate model rewrap ARTIFACT --key K2 [--context k=v ...] [--out A2]}. */
    @Command(name = "rewrap", mixinStandardHelpOptions = true,
            description = "Re-wrap an artifact's data key under another key (and optionally another context); "
                    + "the encrypted body is copied unchanged.")
    static final class Rewrap implements Callable<Integer> {

        @ParentCommand
        ModelCommand parent;

        @Parameters(index = "0", paramLabel = "ARTIFACT")
        Path artifact;

        @Option(names = "--key", required = true, paramLabel = "KEY", description = "the new customer key")
        String key;

        @Option(names = "--context", paramLabel = "K=V",
                description = "new encryption context entry (repeatable; default: keep the current context)")
        Map<String, String> context;

        @Option(names = "--out", paramLabel = "ARTIFACT", description = "output (default: replace ARTIFACT)")
        Path out;

        @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
        String home = Main.defaultHome();

        @Override
        public Integer call() {
            Path target = out != null ? out : artifact;
            return guarded(() -> {
                Map<String, String> newContext = context;
                if (newContext == null) {
                    try (InputStream in = Files.newInputStream(artifact)) {
                        newContext = ModelArtifacts.inspect(in).encryptionContext();
                    }
                }
                ModelArtifacts artifacts = parent.artifacts(home);
                Map<String, String> chosen = newContext;
                ArtifactHeader[] header = new ArtifactHeader[1];
                try (InputStream in = Files.newInputStream(artifact)) {
                    writeAtomically(target, o -> header[0] = artifacts.rewrap(in, o, key, chosen));
                }
                System.out.println("re-wrapped " + artifact + " -> " + target + " under key " + header[0].keyId()
                        + " with context " + header[0].encryptionContext());
            });
        }
    }

    static Map<String, Object> describe(ArtifactHeader header) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("formatVersion", header.formatVersion());
        json.put("keyId", header.keyId());
        json.put("encryptionContext", header.encryptionContext());
        json.put("segmentSize", header.segmentSize());
        json.put("segmentCount", header.segmentCount());
        json.put("plaintextSize", header.plaintextSize());
        json.put("plaintextSha256", header.plaintextSha256());
        json.put("metadata", header.metadata());
        json.put("wrappedDataKeyLength", header.wrappedDataKeyLength());
        json.put("authenticated", false);
        return json;
    }

    private interface Action {
        void run() throws IOException;
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static int guarded(Action action) {
        PrintStream err = System.err;
        try {
            action.run();
            return 0;
        } catch (ArtifactException e) {
            err.println("refused (" + e.reason() + e.keyServiceErrorCode().map(c -> ", " + c).orElse("") + "): "
                    + e.getMessage());
            return REFUSED;
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
    }

    /** Writes {@code target} through a temporary file beside it, moved into place only when complete. */
    private static void writeAtomically(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                writer.write(out);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
