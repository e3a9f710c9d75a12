package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.artifact.ArtifactBinding;
import io.mlgate.kms.artifact.DecryptedModel;
import io.mlgate.kms.artifact.InMemoryDataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import picocli.CommandLine;

class ModelCommandTest extends ConsoleCapture {

    static final byte[] MARKER = "PLAINTEXT-MODEL-MARKER-7f3a9c1e5b2d".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path input;
    @TempDir
    Path output;

    InMemoryDataKeys kms;
    String keyArn;

    @BeforeEach
    void setUp() {
        kms = new InMemoryDataKeys();
        keyArn = kms.createKey("models");
    }

    int model(String... args) {
        return new CommandLine(new ModelCommand(home -> kms)).execute(args);
    }

    String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    Path modelFile(int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(1).nextBytes(bytes);
        for (int at = 0; at + MARKER.length <= size; at += 100_000) {
            System.arraycopy(MARKER, 0, bytes, at, MARKER.length);
        }
        Path file = input.resolve("iris.onnx");
        Files.write(file, bytes);
        return file;
    }

    @Test
    void packagesInspectsAndRewraps() throws Exception {
        Path in = modelFile(300_000);
        Path artifact = output.resolve("iris.mlga");
        assertThat(model("package", "--in", in.toString(), "--key", "alias/models", "--context", "mlgate:model=iris",
                "--context", "aws:account=111122223333", "--out", artifact.toString())).as(stderr()).isZero();
        assertThat(stdout()).contains("packaged").contains(keyArn);

        out.reset();
        assertThat(model("inspect", artifact.toString())).isZero();
        assertThat(stdout()).contains("\"keyId\" : \"" + keyArn + "\"").contains("\"mlgate:model\" : \"iris\"")
                .contains("\"name\" : \"iris\"").contains("\"plaintextSize\" : 300000")
                .contains("\"segmentSize\" : 16384").contains("\"authenticated\" : false");

        String newArn = kms.createKey("rotated");
        Path rewrapped = output.resolve("iris-rotated.mlga");
        assertThat(model("rewrap", artifact.toString(), "--key", "alias/rotated", "--out", rewrapped.toString()))
                .as(stderr()).isZero();
        ModelArtifacts artifacts = new ModelArtifacts(kms);
        try (InputStream a = Files.newInputStream(rewrapped); DecryptedModel decrypted = artifacts.decrypt(a,
                ArtifactBinding.context(Map.of("mlgate:model", "iris", "aws:account", "111122223333"))
                        .withKey("alias/rotated"), 1 << 20)) {
            assertThat(decrypted.bytes()).isEqualTo(Files.readAllBytes(in));
            assertThat(decrypted.header().keyId()).isEqualTo(newArn);
        }
        assertThat(Files.size(rewrapped) - Files.size(artifact)).isEqualTo(0);
    }

    /** The real iris model and its descriptor, as a user has them on disk. */
    Path irisOnDisk() throws Exception {
        Path onnx = input.resolve("iris.onnx");
        Files.write(onnx, io.mlgate.runtime.DemoEndpoints.classpathArtifacts().load("iris.onnx"));
        Files.write(input.resolve("iris.model.json"),
                io.mlgate.runtime.DemoEndpoints.irisDescriptor().toJson());
        return onnx;
    }

    @Test
    void uploadPutsTheModelIntoTheStoreAndPrintsItsModelDataUrlLast() throws Exception {
        Path onnx = irisOnDisk();
        Path data = output.resolve("data");
        assertThat(model("upload", onnx.toString(), "--name", "iris-v7", "--key", "alias/models",
                "--data-dir", data.toString())).as(stderr()).isZero();
        List<String> lines = stdout().lines().toList();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("s3://mlgate-models/iris-v7");
        Path artifact = data.resolve("models/uploaded/iris-v7.mlga");
        assertThat(artifact).isRegularFile();
        // no stretch of the model's bytes (its weights) appears in the artifact; the descriptor in the header may
        byte[] plain = Files.readAllBytes(onnx);
        String stored = new String(Files.readAllBytes(artifact), StandardCharsets.ISO_8859_1);
        for (int at = plain.length / 4; at + 48 < plain.length; at += plain.length / 4) {
            assertThat(stored).doesNotContain(new String(plain, at, 48, StandardCharsets.ISO_8859_1));
        }

        io.mlgate.runtime.UploadedModels uploads = new io.mlgate.runtime.UploadedModels(
                new io.mlgate.runtime.store.ModelStore(data));
        try (io.mlgate.runtime.OnnxModel loaded = uploads.load("iris-v7", kms, 1 << 24)) {
            assertThat(loaded.labels()).containsExactly("setosa", "versicolor", "virginica");
            assertThat(loaded.predict(new float[][]{{5.1f, 3.5f, 1.4f, 0.2f}})[0].predictedLabel()).isEqualTo("setosa");
        }
    }

    @Test
    void uploadRefusesAModelThatDoesNotMatchItsDescriptorOrABadName() throws Exception {
        Path onnx = irisOnDisk();
        Path data = output.resolve("data");
        Path wrong = input.resolve("wrong.json");
        Files.writeString(wrong, new String(io.mlgate.runtime.DemoEndpoints.irisDescriptor().toJson(),
                StandardCharsets.UTF_8).replace("\"sepal_width_cm\", ", ""));
        assertThat(model("upload", onnx.toString(), "--name", "iris", "--descriptor", wrong.toString(),
                "--key", "alias/models", "--data-dir", data.toString())).isEqualTo(ModelCommand.FAILED);
        assertThat(stderr()).contains("does not match its descriptor");
        assertThat(data.resolve("models/uploaded/iris.mlga")).doesNotExist();

        assertThat(model("upload", onnx.toString(), "--name", "../evil", "--key", "alias/models",
                "--data-dir", data.toString())).isEqualTo(ModelCommand.FAILED);
        assertThat(stderr()).contains("invalid model name");

        Files.delete(input.resolve("iris.model.json"));
        assertThat(model("upload", onnx.toString(), "--name", "iris", "--key", "alias/models",
                "--data-dir", data.toString())).isEqualTo(ModelCommand.FAILED);
        assertThat(stderr()).contains("iris.model.json does not exist");
    }

    @Test
    void theEchoModelIsWrittenByTheDemoCommandAndUploadedAsATextModel() throws Exception {
        Path dir = input.resolve("echo-out");
        assertThat(run("demo", "echo-model", "--out", dir.toString())).as(stderr()).isZero();
        assertThat(stdout()).contains("model upload " + dir.resolve("echo.onnx") + " --name echo");
        Path onnx = dir.resolve("echo.onnx");
        assertThat(Files.readString(dir.resolve("echo.model.json"))).contains("\"inputKind\" : \"text\"");
        Path data = output.resolve("data");
        assertThat(model("upload", onnx.toString(), "--name", "echo", "--key", "alias/models",
                "--data-dir", data.toString())).as(stderr()).isZero();
        io.mlgate.runtime.UploadedModels uploads = new io.mlgate.runtime.UploadedModels(
                new io.mlgate.runtime.store.ModelStore(data));
        try (io.mlgate.runtime.OnnxModel loaded = uploads.load("echo", kms, 1 << 20)) {
            assertThat(loaded.descriptor().inputKind()).isEqualTo(io.mlgate.runtime.InputKind.TEXT);
            assertThat(loaded.generate("{\"text\":\"hello\"}")).isEqualTo("{\"text\":\"hello\"}");
        }

        // the [1, 1] variant, and shapes the echo model cannot have
        assertThat(run("demo", "echo-model", "--out", dir.toString(), "--name", "echo-2d", "--shape", "1,1")).isZero();
        assertThat(model("upload", dir.resolve("echo-2d.onnx").toString(), "--name", "echo-2d", "--key",
                "alias/models", "--data-dir", data.toString())).as(stderr()).isZero();
        assertThat(run("demo", "echo-model", "--out", dir.toString(), "--shape", "2")).isEqualTo(2);
        assertThat(stderr()).contains("neither 1 nor -1");
    }

    @Test
    void uploadChecksATextModelAgainstItsDescriptorInOnnxRuntime() throws Exception {
        Path dir = input.resolve("echo-out");
        assertThat(run("demo", "echo-model", "--out", dir.toString())).isZero();
        Path data = output.resolve("data");
        // the iris classifier under the echo model's descriptor: its input is a float tensor, not a string
        Path iris = irisOnDisk();
        String echoJson = Files.readString(dir.resolve("echo.model.json"))
                .replaceAll("\"sha256\" : \"[0-9a-f]+\",\\s*", "")
                .replace("\"inputName\" : \"text\"", "\"inputName\" : \"input\"")
                .replace("\"outputName\" : \"echo\"", "\"outputName\" : \"output\"");
        Path textDescriptor = input.resolve("text.json");
        Files.writeString(textDescriptor, echoJson);
        assertThat(model("upload", iris.toString(), "--name", "iris-as-text", "--descriptor",
                textDescriptor.toString(), "--key", "alias/models", "--data-dir", data.toString()))
                .isEqualTo(ModelCommand.FAILED);
        assertThat(stderr()).contains("does not match its descriptor").contains("needs a string tensor");
        // the echo model under the iris descriptor: not a float input either
        assertThat(model("upload", dir.resolve("echo.onnx").toString(), "--name", "echo-as-iris", "--descriptor",
                input.resolve("iris.model.json").toString(), "--key", "alias/models", "--data-dir",
                data.toString())).isEqualTo(ModelCommand.FAILED);
        assertThat(stderr()).contains("does not match its descriptor");
        // a text descriptor that breaks its own rules is refused before ONNX Runtime is asked
        Path labelled = input.resolve("labelled.json");
        Files.writeString(labelled, Files.readString(dir.resolve("echo.model.json"))
                .replace("\"outputKind\"", "\"labels\" : [\"a\"], \"outputKind\""));
        assertThat(model("upload", dir.resolve("echo.onnx").toString(), "--name", "echo-labelled", "--descriptor",
                labelled.toString(), "--key", "alias/models", "--data-dir", data.toString()))
                .isEqualTo(ModelCommand.FAILED);
        assertThat(stderr()).contains("a text model (inputKind text) has no labels");
        assertThat(data.resolve("models/uploaded")).isEmptyDirectory();
    }

    @Test
    void inspectOfATamperedOrForeignFileIsRefused() throws Exception {
        Path notAnArtifact = output.resolve("x.mlga");
        Files.writeString(notAnArtifact, "hello, world");
        assertThat(run("model", "inspect", notAnArtifact.toString())).isEqualTo(ModelCommand.REFUSED);
        assertThat(stderr()).contains("HEADER_TAMPERED").contains("bad magic");
    }

    @Test
    void aDisabledKeyIsReportedWithTheKmsCode() throws Exception {
        kms.disable(keyArn);
        assertThat(model("package", "--in", modelFile(10).toString(), "--key", "alias/models", "--out",
                output.resolve("a.mlga").toString())).isEqualTo(ModelCommand.REFUSED);
        assertThat(stderr()).contains("KEY_UNAVAILABLE, DisabledException").contains("is disabled");
        assertThat(output.resolve("a.mlga")).doesNotExist();
        try (Stream<Path> files = Files.list(output)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void theStandaloneCommandLineUsesTheLocalKeyServiceUnderItsKeyPolicy() throws Exception {
        // a home with the demo policies and one KMS key with an alias, made through the KMS service
        Path home = output.resolve("home");
        Files.createDirectories(home);
        copyTree(Path.of("policies"), home.resolve("policies"));
        io.mlgate.kms.RootKey root = io.mlgate.kms.RootKey.loadOrCreate(home.resolve("keys"));
        io.mlgate.kms.api.KmsService service = new io.mlgate.kms.api.KmsService(
                io.mlgate.kms.api.KmsKeyStore.open(home.resolve("keys"), root),
                new io.mlgate.iam.eval.PolicyEvaluator(), java.time.Clock.systemUTC(), "us-east-1");
        io.mlgate.iam.eval.PrincipalContext account = io.mlgate.iam.eval.PrincipalContext.builder(
                "arn:aws:iam::123456789012:root", "123456789012", io.mlgate.iam.eval.PrincipalType.ACCOUNT).build();
        io.mlgate.iam.eval.RequestContext none = io.mlgate.iam.eval.RequestContext.builder().build();
        String keyId = service.invoke("CreateKey", io.mlgate.protocol.json.JsonBodies.read(new byte[0]), account, none)
                .path("KeyMetadata").path("KeyId").asString();
        service.invoke("CreateAlias", io.mlgate.protocol.json.JsonBodies.read(("{\"AliasName\":\"alias/cli-models\","
                + "\"TargetKeyId\":\"" + keyId + "\"}").getBytes(StandardCharsets.UTF_8)), account, none);

        Path artifact = output.resolve("real.mlga");
        assertThat(run("model", "package", "--home", home.toString(), "--in", modelFile(40_000).toString(),
                "--key", "alias/cli-models", "--context", "model=iris", "--out", artifact.toString()))
                .as(stderr()).isZero();
        assertThat(run("model", "inspect", artifact.toString())).isZero();
        try (var in = Files.newInputStream(artifact);
             var model = new io.mlgate.kms.artifact.ModelArtifacts(ModelCommand.dataKeys(home)).decrypt(in,
                     io.mlgate.kms.artifact.ArtifactBinding.context(java.util.Map.of("model", "iris")), 1 << 20)) {
            assertThat(model.bytes()).isEqualTo(Files.readAllBytes(input.resolve("iris.onnx")));
        }
        // disabling the key cuts the artifact off (crypto-shredding), with the KMS code
        service.invoke("DisableKey", io.mlgate.protocol.json.JsonBodies.read(("{\"KeyId\":\"" + keyId + "\"}")
                .getBytes(StandardCharsets.UTF_8)), account, none);
        try (var in = Files.newInputStream(artifact)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new io.mlgate.kms.artifact.ModelArtifacts(
                    ModelCommand.dataKeys(home)).decrypt(in, io.mlgate.kms.artifact.ArtifactBinding.context(
                    java.util.Map.of("model", "iris")), 1 << 20))
                    .isInstanceOf(io.mlgate.kms.artifact.ArtifactException.class)
                    .hasMessageContaining("DisabledException");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void noPlaintextReachesTheDiskWhilePackagingOrLoading() throws Exception {
        Path in = modelFile(1_000_000);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        FileTime start = FileTime.fromMillis(System.currentTimeMillis() - 2_000);
        List<Path> watched = List.of(tmp, output);
        assertThat(filesWithMarker(watched, start, in)).isEmpty();

        Path artifact = output.resolve("iris.mlga");
        assertThat(model("package", "--in", in.toString(), "--key", "alias/models", "--context", "m=iris", "--out",
                artifact.toString())).as(stderr()).isZero();
        List<Path> afterPackaging = filesWithMarker(watched, start, in);

        try (InputStream a = Files.newInputStream(artifact); DecryptedModel decrypted = new ModelArtifacts(kms)
                .decrypt(a, ArtifactBinding.context(Map.of("m", "iris")), 1 << 21)) {
            assertThat(indexOf(decrypted.bytes(), MARKER)).isZero();
            List<Path> whileLoaded = filesWithMarker(watched, start, in);
            assertThat(whileLoaded).isEmpty();
        }
        assertThat(afterPackaging).isEmpty();
        assertThat(filesWithMarker(watched, start, in)).isEmpty();
        // the scan itself finds the marker where it is: in the plaintext model file
        assertThat(filesWithMarker(List.of(input), start, null)).containsExactly(in);
    }

    /** Files under {@code roots} changed since {@code since} (except {@code ignore}) that contain the marker. */
    static List<Path> filesWithMarker(List<Path> roots, FileTime since, Path ignore) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root, 4, new FileVisitOption[0])) {
                files.forEach(f -> {
                    try {
                        if (Files.isRegularFile(f) && Files.isReadable(f) && !f.equals(ignore)
                                && Files.getLastModifiedTime(f).compareTo(since) >= 0 && Files.size(f) < (64 << 20)
                                && indexOf(Files.readAllBytes(f), MARKER) >= 0) {
                            found.add(f);
                        }
                    } catch (IOException | RuntimeException e) {
                        // files of other processes may vanish or be unreadable while scanning
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                // a directory of another process vanished mid-walk
            }
        }
        return found;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

}
