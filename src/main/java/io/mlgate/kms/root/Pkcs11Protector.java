package io.mlgate.kms.root;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the root key on a PKCS#11 token through the JDK's SunPKCS11 provider: a non-extractable, sensitive AES-256
 * token object found by its label (generated on first use), with every seal and open run on the token as
 * CKM_AES_GCM. {@code keys/root.pkcs11} records the key label and a check value sealed under the key, so a different
 * token key fails clearly instead of as a tampered store.
 */
public final class Pkcs11Protector implements RootKeyProtector {

    /** The marker file in keys/. */
    public static final String FILE = "root.pkcs11";
    /** Environment variable holding the PIN when the configuration names neither {@code pinFile} nor {@code pinEnv}. */
    public static final String DEFAULT_PIN_ENV = "MLGATE_ROOT_PKCS11_PIN";
    private static final byte[] CHECK_PLAINTEXT = "mlgate/root-key/check".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_AD = "mlgate/root-key/pkcs11-check/v1".getBytes(StandardCharsets.US_ASCII);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path library;
    private final String slotLine;
    private final String keyLabel;
    private final Path pinFile;
    private final String pinEnv;
    private final Function<String, String> env;

    private Pkcs11Protector(Path library, String slotLine, String keyLabel, Path pinFile, String pinEnv,
            Function<String, String> env) {
        this.library = library;
        this.slotLine = slotLine;
        this.keyLabel = keyLabel;
        this.pinFile = pinFile;
        this.pinEnv = pinEnv;
        this.env = env;
    }

    /**
     * Reads a token configuration (Java properties): {@code library} (path of the PKCS#11 module), {@code slot}
     * (slot id) or {@code slotListIndex}, {@code keyLabel}, and {@code pinFile} (path) or {@code pinEnv} (variable
     * name, default {@value #DEFAULT_PIN_ENV}). {@code env} resolves environment variables.
     */
    public static Pkcs11Protector fromConfigFile(Path config, Function<String, String> env) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(env, "env");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(config)) {
            p.load(in);
        }
        String library = required(p, "library", config);
        String keyLabel = required(p, "keyLabel", config);
        String slot = p.getProperty("slot", "").trim();
        String index = p.getProperty("slotListIndex", "").trim();
        if (slot.isEmpty() == index.isEmpty()) {
            throw new KeyCustodyException(config + " must name exactly one of slot or slotListIndex");
        }
        String slotLine;
        try {
            slotLine = slot.isEmpty() ? "slotListIndex=" + Integer.parseInt(index) : "slot=" + Long.parseLong(slot);
        } catch (NumberFormatException e) {
            throw new KeyCustodyException(config + " has a non-numeric slot or slotListIndex");
        }
        if (!keyLabel.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new KeyCustodyException(config + ": keyLabel must be 1-64 letters, digits, '.', '_' or '-'");
        }
        String pinFileText = p.getProperty("pinFile", "").trim();
        Path pinFile = null;
        if (!pinFileText.isEmpty()) {
            pinFile = config.toAbsolutePath().getParent().resolve(pinFileText);
        }
        String pinEnv = p.getProperty("pinEnv", DEFAULT_PIN_ENV).trim();
        return new Pkcs11Protector(Path.of(library), slotLine, keyLabel, pinFile, pinEnv, env);
    }

    private static String required(Properties p, String name, Path config) {
        String value = p.getProperty(name, "").trim();
        if (value.isEmpty()) {
            throw new KeyCustodyException(config + " does not set " + name);
        }
        return value;
    }

    /** The label of the root key object on the token. */
    public String keyLabel() {
        return keyLabel;
    }

    @Override
    public String kind() {
        return "pkcs11";
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
        if (!Files.isRegularFile(library)) {
            throw new KeyCustodyException("PKCS#11 library " + library + " does not exist");
        }
        Path marker = keysDir.resolve(FILE);
        JsonNode recorded = Files.exists(marker) ? readMarker(marker) : null;
        if (recorded != null && !keyLabel.equals(recorded.path("keyLabel").asString(""))) {
            throw new KeyCustodyException(keysDir + " is sealed under token key '" + recorded.path("keyLabel")
                    .asString("") + "', not '" + keyLabel + "' (see " + marker + ")");
        }
        Provider provider = provider();
        KeyStore token = login(provider);
        try {
            Key key = token.getKey(keyLabel, null);
            if (key == null) {
                if (recorded != null) {
                    throw new KeyCustodyException("the token has no key labelled '" + keyLabel + "' that " + marker
                            + " was sealed under");
                }
                key = generate(provider, token);
            }
            if (!(key instanceof SecretKey secret) || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
                throw new KeyCustodyException("token object '" + keyLabel + "' is not an AES secret key");
            }
            if (secret.getEncoded() != null) {
                throw new KeyCustodyException("token key '" + keyLabel + "' is extractable; the root key must be "
                        + "a sensitive, non-extractable token object");
            }
            UnlockedRoot root = new UnlockedRoot(secret, provider, "PKCS#11 key '" + keyLabel + "' in " + library
                    + " " + slotLine);
            if (recorded == null) {
                ObjectNode node = JSON.createObjectNode();
                node.put("version", 1);
                node.put("keyLabel", keyLabel);
                node.put("check", Base64.getEncoder().encodeToString(RootSeal.seal(root, CHECK_PLAINTEXT, CHECK_AD)));
                if (!AtomicFileWriter.createIfAbsent(marker, JSON.writerWithDefaultPrettyPrinter()
                        .writeValueAsBytes(node))) {
                    return check(root, readMarker(marker), marker);
                }
                return root;
            }
            return check(root, recorded, marker);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KeyCustodyException("PKCS#11 token key '" + keyLabel + "' is unusable: "
                    + e.getClass().getSimpleName());
        }
    }

    private static UnlockedRoot check(UnlockedRoot root, JsonNode recorded, Path marker) {
        byte[] check;
        try {
            check = Base64.getDecoder().decode(recorded.path("check").asString(""));
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(marker + " has a malformed check value");
        }
        byte[] plain;
        try {
            plain = RootSeal.open(root, check, CHECK_AD);
        } catch (KeyCustodyException e) {
            throw new KeyCustodyException("the token key does not open the check value in " + marker
                    + ": it is a different key than the one keys/ was sealed under");
        }
        if (!Arrays.equals(plain, CHECK_PLAINTEXT)) {
            throw new KeyCustodyException(marker + " has a wrong check value");
        }
        return root;
    }

    private static JsonNode readMarker(Path marker) throws IOException {
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(marker));
            if (node == null || !node.isObject() || node.path("version").asInt(0) != 1) {
                throw new KeyCustodyException(marker + " is not a version 1 PKCS#11 root marker");
            }
            return node;
        } catch (JacksonException e) {
            throw new KeyCustodyException(marker + " is not valid JSON");
        }
    }

    private Provider provider() {
        String config = "--name=mlgate-root\n"
                + "library=" + library.toAbsolutePath() + "\n"
                + slotLine + "\n"
                + "attributes(generate,CKO_SECRET_KEY,CKK_AES)={\n"
                + "  CKA_TOKEN=true\n  CKA_PRIVATE=true\n  CKA_SENSITIVE=true\n  CKA_EXTRACTABLE=false\n"
                + "  CKA_ENCRYPT=true\n  CKA_DECRYPT=true\n}\n";
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new KeyCustodyException("this JDK has no SunPKCS11 provider");
        }
        try {
            return base.configure(config);
        } catch (ProviderException | IllegalArgumentException e) {
            throw new KeyCustodyException("cannot open PKCS#11 library " + library + " " + slotLine + ": "
                    + rootMessage(e));
        }
    }

    private KeyStore login(Provider provider) throws IOException {
        char[] pin = pin();
        try {
            KeyStore token = KeyStore.getInstance("PKCS11", provider);
            token.load(null, pin);
            return token;
        } catch (IOException e) {
            throw new KeyCustodyException("PKCS#11 login failed (" + slotLine + "): wrong PIN, or the token is "
                    + "locked or absent (" + rootMessage(e) + ")");
        } catch (GeneralSecurityException | ProviderException e) {
            throw new KeyCustodyException("PKCS#11 token " + slotLine + " is unusable: " + rootMessage(e));
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    private char[] pin() {
        if (pinFile != null) {
            return PassphraseProtector.readSecretFile(pinFile, "PKCS#11 PIN");
        }
        String value = env.apply(pinEnv);
        if (value == null || value.isEmpty()) {
            throw new KeyCustodyException("no PKCS#11 PIN: set pinFile in the token configuration or environment "
                    + "variable " + pinEnv);
        }
        return value.toCharArray();
    }

    private Key generate(Provider provider, KeyStore token) throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
        generator.init(256);
        SecretKey fresh = generator.generateKey();
        token.setEntry(keyLabel, new KeyStore.SecretKeyEntry(fresh), null);
        Key stored = token.getKey(keyLabel, null);
        if (stored == null) {
            throw new KeyCustodyException("the token did not keep the generated key '" + keyLabel + "'");
        }
        return stored;
    }

    /** The innermost exception's class and PKCS#11 return code (e.g. CKR_PIN_INCORRECT); never secrets. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public String toString() {
        return "Pkcs11Protector[" + library + " " + slotLine + " key '" + keyLabel + "']";
    }
}
