package io.mlgate.kms.root;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Derives the root key from a passphrase with Argon2id (salt, parameters and a verifier in {@code keys/root.salt}).
 * The passphrase is read at unlock from its source (an environment variable, a file, or a caller's array), used once
 * and wiped. Folders set up before Argon2id (scrypt, root.salt version 1) still open.
 */
public final class PassphraseProtector implements RootKeyProtector {

    /** The salt/parameters/verifier file in keys/. */
    public static final String FILE = "root.salt";
    private static final int KEY_BYTES = 32;
    private static final int SALT_BYTES = 32;
    private static final byte[] VERIFIER_LABEL = "mlgate/root-key/verifier/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Supplier<char[]> source;
    private final String sourceName;
    private final Argon2idParameters parameters;

    private PassphraseProtector(Supplier<char[]> source, String sourceName, Argon2idParameters parameters) {
        this.source = source;
        this.sourceName = sourceName;
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    /**
     * A protector that uses a copy of {@code passphrase} (the caller keeps and may wipe its array); the copy is wiped
     * after the first unlock.
     */
    public static PassphraseProtector of(char[] passphrase, Argon2idParameters parameters) {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("the root passphrase must not be empty");
        }
        char[] copy = passphrase.clone();
        return new PassphraseProtector(() -> {
            char[] out = copy.clone();
            Arrays.fill(copy, '\0');
            return out;
        }, "a supplied passphrase", parameters);
    }

    /** A protector that reads the passphrase from environment variable {@code name} of {@code env} at unlock. */
    public static PassphraseProtector fromEnvironment(String name, java.util.function.Function<String, String> env,
            Argon2idParameters parameters) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(env, "env");
        return new PassphraseProtector(() -> {
            String value = env.apply(name);
            if (value == null || value.isEmpty()) {
                throw new KeyCustodyException("environment variable " + name + " is not set or empty");
            }
            return value.toCharArray();
        }, "environment variable " + name, parameters);
    }

    /**
     * A protector that reads the passphrase from {@code file} at unlock: UTF-8, one trailing line break ignored.
     */
    public static PassphraseProtector fromFile(Path file, Argon2idParameters parameters) {
        Objects.requireNonNull(file, "file");
        return new PassphraseProtector(() -> readSecretFile(file, "passphrase"), "file " + file, parameters);
    }

    /** Reads a secret (passphrase or PIN) from a file as chars, dropping one trailing newline; wipes the bytes. */
    static char[] readSecretFile(Path file, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KeyCustodyException("cannot read the " + what + " file " + file + ": " + e.getClass().getSimpleName());
        }
        try {
            int end = bytes.length;
            if (end > 0 && bytes[end - 1] == '\n') {
                end--;
            }
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
            if (end == 0) {
                throw new KeyCustodyException("the " + what + " file " + file + " is empty");
            }
            CharBuffer chars;
            try {
                chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, end));
            } catch (CharacterCodingException e) {
                throw new KeyCustodyException("the " + what + " file " + file + " is not UTF-8");
            }
            char[] out = new char[chars.remaining()];
            chars.get(out);
            Arrays.fill(chars.array(), '\0');
            return out;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** The Argon2id parameters used when this protector sets up a new folder. */
    public Argon2idParameters parameters() {
        return parameters;
    }

    @Override
    public String kind() {
        return "passphrase";
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
        Path saltFile = keysDir.resolve(FILE);
        char[] passphrase = source.get();
        try {
            if (passphrase.length == 0) {
                throw new KeyCustodyException("the root passphrase from " + sourceName + " is empty");
            }
            if (!Files.exists(saltFile)) {
                byte[] salt = new byte[SALT_BYTES];
                RANDOM.nextBytes(salt);
                byte[][] derived = argon2id(passphrase, salt, parameters);
                try {
                    ObjectNode node = JSON.createObjectNode();
                    node.put("version", 2);
                    node.put("kdf", "argon2id");
                    node.put("memoryKiB", parameters.memoryKiB());
                    node.put("iterations", parameters.iterations());
                    node.put("parallelism", parameters.parallelism());
                    node.put("salt", Base64.getEncoder().encodeToString(salt));
                    node.put("verifier", Base64.getEncoder().encodeToString(verifier(derived[1])));
                    if (AtomicFileWriter.createIfAbsent(saltFile,
                            JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node))) {
                        return unlocked(derived[0], saltFile);
                    }
                } finally {
                    wipe(derived);
                }
                // Another process created the salt first: derive against its salt.
            }
            return fromExistingSalt(passphrase, saltFile);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private static UnlockedRoot unlocked(byte[] key, Path saltFile) {
        return new UnlockedRoot(new SecretKeySpec(key, "AES"), null, "passphrase with salt " + saltFile);
    }

    private static UnlockedRoot fromExistingSalt(char[] passphrase, Path saltFile) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readAllBytes(saltFile));
        } catch (JacksonException e) {
            throw new KeyCustodyException(saltFile + " is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new KeyCustodyException(saltFile + " is not a root salt file");
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = Base64.getDecoder().decode(node.path("salt").asString(""));
            expected = Base64.getDecoder().decode(node.path("verifier").asString(""));
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(saltFile + " has a malformed salt or verifier");
        }
        if (salt.length < 16 || expected.length != 32) {
            throw new KeyCustodyException(saltFile + " has a malformed salt or verifier");
        }
        int version = node.path("version").asInt(0);
        String kdf = node.path("kdf").asString("");
        byte[][] derived;
        if (version == 2 && "argon2id".equals(kdf)) {
            Argon2idParameters p;
            try {
                p = new Argon2idParameters(node.path("memoryKiB").asInt(0), node.path("iterations").asInt(0),
                        node.path("parallelism").asInt(0));
            } catch (IllegalArgumentException e) {
                throw new KeyCustodyException(saltFile + " has out-of-range Argon2id parameters: " + e.getMessage());
            }
            derived = argon2id(passphrase, salt, p);
        } else if (version == 1 && "scrypt".equals(kdf)) {
            int n = node.path("n").asInt(0);
            int r = node.path("r").asInt(0);
            int p = node.path("p").asInt(0);
            if (n < (1 << 10) || n > (1 << 20) || Integer.bitCount(n) != 1 || r < 1 || r > 32 || p < 1 || p > 16) {
                throw new KeyCustodyException(saltFile + " has out-of-range scrypt parameters");
            }
            derived = scrypt(passphrase, salt, n, r, p);
        } else {
            throw new KeyCustodyException(saltFile + " names an unsupported KDF (version " + node.path("version")
                    + ", kdf " + node.path("kdf") + ")");
        }
        try {
            if (!MessageDigest.isEqual(verifier(derived[1]), expected)) {
                throw new KeyCustodyException("wrong root passphrase: it does not match the verifier in " + saltFile);
            }
            return unlocked(derived[0], saltFile);
        } finally {
            wipe(derived);
        }
    }

    private static byte[][] argon2id(char[] passphrase, byte[] salt, Argon2idParameters p) {
        byte[] password = utf8(passphrase);
        byte[] out = new byte[2 * KEY_BYTES];
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withSalt(salt)
                    .withMemoryAsKB(p.memoryKiB())
                    .withIterations(p.iterations())
                    .withParallelism(p.parallelism())
                    .build());
            generator.generateBytes(password, out);
            return split(out);
        } finally {
            Arrays.fill(password, (byte) 0);
            Arrays.fill(out, (byte) 0);
        }
    }

    private static byte[][] scrypt(char[] passphrase, byte[] salt, int n, int r, int p) {
        byte[] password = utf8(passphrase);
        byte[] out = SCrypt.generate(password, salt, n, r, p, 2 * KEY_BYTES);
        Arrays.fill(password, (byte) 0);
        try {
            return split(out);
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    private static byte[][] split(byte[] out) {
        return new byte[][] {Arrays.copyOfRange(out, 0, KEY_BYTES), Arrays.copyOfRange(out, KEY_BYTES, 2 * KEY_BYTES)};
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    private static void wipe(byte[][] keys) {
        for (byte[] k : keys) {
            Arrays.fill(k, (byte) 0);
        }
    }

    private static byte[] verifier(byte[] verifierKey) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(verifierKey, "HmacSHA256"));
            return mac.doFinal(VERIFIER_LABEL);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "PassphraseProtector[" + sourceName + "]";
    }
}
