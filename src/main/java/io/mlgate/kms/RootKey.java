package io.mlgate.kms;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.generators.SCrypt;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The root of key custody under keys/: a 256-bit AES key, read from {@code keys/root.key} or derived from a
 * passphrase with scrypt, that seals every other secret kept there (AES-256-GCM, random nonce, versioned format).
 */
public final class RootKey {

    /** File holding the 32 random root-key bytes (file mode). */
    public static final String KEY_FILE = "root.key";
    /** File holding the scrypt salt, parameters and verifier (passphrase mode). */
    public static final String SALT_FILE = "root.salt";

    static final int KEY_BYTES = 32;
    private static final byte SEAL_VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final int SALT_BYTES = 32;
    private static final int SCRYPT_N = 1 << 15;
    private static final int SCRYPT_R = 8;
    private static final int SCRYPT_P = 1;
    private static final byte[] VERIFIER_LABEL = "mlgate/root-key/verifier/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SecretKeySpec key;
    private final String source;

    private RootKey(byte[] keyBytes, String source) {
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.source = source;
    }

    /**
     * Reads {@code keysDir/root.key}, creating it (32 bytes from SecureRandom, mode 0600, written atomically) if it
     * does not exist. Refuses a directory already protected by a passphrase.
     */
    public static RootKey loadOrCreate(Path keysDir) throws IOException {
        Objects.requireNonNull(keysDir, "keysDir");
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        Path keyFile = keysDir.resolve(KEY_FILE);
        if (!Files.exists(keyFile) && Files.exists(keysDir.resolve(SALT_FILE))) {
            throw new KeyCustodyException(keysDir + " is protected by a passphrase (" + SALT_FILE
                    + " is present); open it with the passphrase instead of a root key file");
        }
        if (!Files.exists(keyFile)) {
            byte[] fresh = new byte[KEY_BYTES];
            RANDOM.nextBytes(fresh);
            try {
                AtomicFileWriter.createIfAbsent(keyFile, fresh);
            } finally {
                Arrays.fill(fresh, (byte) 0);
            }
        }
        byte[] bytes = Files.readAllBytes(keyFile);
        try {
            if (bytes.length != KEY_BYTES) {
                throw new KeyCustodyException("root key file " + keyFile + " has " + bytes.length
                        + " bytes; expected " + KEY_BYTES);
            }
            return new RootKey(bytes, "file " + keyFile);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Derives the root key from {@code passphrase} with scrypt (N=2^15, r=8, p=1) and the salt in
     * {@code keysDir/root.salt}, creating salt and verifier on first use. A wrong passphrase fails with a
     * {@link KeyCustodyException}. The caller keeps ownership of {@code passphrase} and may clear it afterwards.
     */
    public static RootKey fromPassphrase(char[] passphrase, Path keysDir) throws IOException {
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(keysDir, "keysDir");
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("the root passphrase must not be empty");
        }
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        Path saltFile = keysDir.resolve(SALT_FILE);
        if (!Files.exists(saltFile) && Files.exists(keysDir.resolve(KEY_FILE))) {
            throw new KeyCustodyException(keysDir + " is protected by a root key file (" + KEY_FILE
                    + "); a passphrase cannot replace it once secrets have been sealed under it");
        }
        if (!Files.exists(saltFile)) {
            byte[] salt = new byte[SALT_BYTES];
            RANDOM.nextBytes(salt);
            byte[][] derived = derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P);
            try {
                ObjectNode node = JSON.createObjectNode();
                node.put("version", 1);
                node.put("kdf", "scrypt");
                node.put("n", SCRYPT_N);
                node.put("r", SCRYPT_R);
                node.put("p", SCRYPT_P);
                node.put("salt", Base64.getEncoder().encodeToString(salt));
                node.put("verifier", Base64.getEncoder().encodeToString(verifier(derived[1])));
                if (AtomicFileWriter.createIfAbsent(saltFile, JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(node))) {
                    return new RootKey(derived[0], "passphrase with salt " + saltFile);
                }
            } finally {
                Arrays.fill(derived[0], (byte) 0);
                Arrays.fill(derived[1], (byte) 0);
            }
            // Another process created the salt first: fall through and derive against its salt.
        }
        return fromExistingSalt(passphrase, saltFile);
    }

    private static RootKey fromExistingSalt(char[] passphrase, Path saltFile) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(Files.readAllBytes(saltFile));
        } catch (JacksonException e) {
            throw new KeyCustodyException(saltFile + " is not valid JSON", e);
        }
        if (node == null || !node.isObject() || node.path("version").asInt(0) != 1
                || !"scrypt".equals(node.path("kdf").asString(""))) {
            throw new KeyCustodyException(saltFile + " is not a version 1 scrypt salt file");
        }
        int n = node.path("n").asInt(0);
        int r = node.path("r").asInt(0);
        int p = node.path("p").asInt(0);
        if (n < (1 << 10) || n > (1 << 20) || Integer.bitCount(n) != 1 || r < 1 || r > 32 || p < 1 || p > 16) {
            throw new KeyCustodyException(saltFile + " has out-of-range scrypt parameters");
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = Base64.getDecoder().decode(node.path("salt").asString(""));
            expected = Base64.getDecoder().decode(node.path("verifier").asString(""));
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(saltFile + " has a malformed salt or verifier", e);
        }
        if (salt.length < 16 || expected.length != 32) {
            throw new KeyCustodyException(saltFile + " has a malformed salt or verifier");
        }
        byte[][] derived = derive(passphrase, salt, n, r, p);
        try {
            byte[] actual = verifier(derived[1]);
            if (!MessageDigest.isEqual(actual, expected)) {
                throw new KeyCustodyException("wrong root passphrase: it does not match the verifier in " + saltFile);
            }
            return new RootKey(derived[0], "passphrase with salt " + saltFile);
        } finally {
            Arrays.fill(derived[0], (byte) 0);
            Arrays.fill(derived[1], (byte) 0);
        }
    }

    /** Returns {root key, verifier key}, both 32 bytes, from one 64-byte scrypt output. */
    private static byte[][] derive(char[] passphrase, byte[] salt, int n, int r, int p) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(passphrase));
        byte[] password = new byte[encoded.remaining()];
        encoded.get(password);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        byte[] out = SCrypt.generate(password, salt, n, r, p, 2 * KEY_BYTES);
        Arrays.fill(password, (byte) 0);
        byte[][] keys = {Arrays.copyOfRange(out, 0, KEY_BYTES), Arrays.copyOfRange(out, KEY_BYTES, 2 * KEY_BYTES)};
        Arrays.fill(out, (byte) 0);
        return keys;
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

    /**
     * Encrypts and authenticates a small secret, binding it to {@code associatedData} (which is not stored).
     * Output: version byte, 12-byte random nonce, ciphertext and 16-byte tag.
     */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associatedData, "associatedData");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(new byte[] {SEAL_VERSION});
            cipher.updateAAD(associatedData);
            byte[] sealed = new byte[1 + NONCE_BYTES + plaintext.length + TAG_BYTES];
            sealed[0] = SEAL_VERSION;
            System.arraycopy(nonce, 0, sealed, 1, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, 1 + NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * Verifies and decrypts a value made by {@link #seal}; fails with {@link KeyCustodyException} if it was modified,
     * sealed under another root key, or sealed with different associated data.
     */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        Objects.requireNonNull(sealed, "sealed");
        Objects.requireNonNull(associatedData, "associatedData");
        if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES) {
            throw new KeyCustodyException("sealed value is too short (" + sealed.length + " bytes)");
        }
        if (sealed[0] != SEAL_VERSION) {
            throw new KeyCustodyException("sealed value has unsupported format version " + (sealed[0] & 0xff));
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(sealed, 0, 1);
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new KeyCustodyException("sealed value failed authentication: it was modified, sealed under a "
                    + "different root key, or bound to different associated data");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "RootKey[" + source + "]";
    }
}
