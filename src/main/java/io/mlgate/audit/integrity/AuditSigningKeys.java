package io.mlgate.audit.integrity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import io.mlgate.kms.AssociatedData;
import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The RSA-2048 key pairs that sign audit digests, kept in {@code keys/audit-signing-keys.json} with the private keys
 * sealed under the {@link RootKey}. The newest key is current; {@link #rotate()} ends its validity and starts a new
 * one; old keys stay so their public halves stay published.
 */
public final class AuditSigningKeys {

    /** File name under keys/. */
    public static final String FILE = "audit-signing-keys.json";
    /** Associated-data domain the private keys are sealed with (see {@link #associatedData}). */
    public static final String AAD_DOMAIN = "mlgate/audit-signing-key/v1";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** One key pair with its validity window (end null while current). */
    private record Entry(RSAPublicKey publicKey, PrivateKey privateKey, Instant start, Instant end) {
        @Override
        public String toString() {
            return "Entry[" + AuditPublicKey.fingerprint(publicKey) + "]";
        }
    }

    private final Path file;
    private final RootKey rootKey;
    private final Clock clock;
    /** Oldest first; the last is current. Replaced as a whole. */
    private volatile List<Entry> entries;
    private volatile FileTime loadedModified;

    private AuditSigningKeys(Path file, RootKey rootKey, Clock clock) {
        this.file = file;
        this.rootKey = rootKey;
        this.clock = clock;
    }

    /** Loads {@code keysDir/audit-signing-keys.json}, creating it with a first key pair if absent. */
    public static AuditSigningKeys loadOrCreate(Path keysDir, RootKey rootKey, Clock clock) throws IOException {
        Objects.requireNonNull(rootKey, "rootKey");
        Objects.requireNonNull(clock, "clock");
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        AuditSigningKeys keys = new AuditSigningKeys(keysDir.resolve(FILE), rootKey, clock);
        keys.underLock(list -> {
            if (list.isEmpty()) {
                list.add(generate(keys.now()));
                return true;
            }
            return false;
        });
        return keys;
    }

    /**
     * The associated data a private key is sealed with: binds it to its fingerprint and base64 SubjectPublicKeyInfo
     * (the {@code fingerprint} and {@code publicKey} members of its entry). Root-key rotation re-seals with it.
     */
    public static byte[] associatedData(String fingerprint, String publicKeyBase64) {
        return AssociatedData.of(AAD_DOMAIN, fingerprint, publicKeyBase64);
    }

    /** The key new digests are signed with. */
    public SigningKey current() {
        Entry e = entries.get(entries.size() - 1);
        return new SigningKey(e.privateKey, e.publicKey, e.start);
    }

    /**
     * Ends the current key's validity now and starts a new key pair; other holders of the keys folder see it at their
     * next {@link #reload()}.
     *
     * @return the new key's public half
     */
    public synchronized AuditPublicKey rotate() throws IOException {
        underLock(list -> {
            Instant now = now();
            Entry last = list.remove(list.size() - 1);
            list.add(new Entry(last.publicKey, last.privateKey, last.start, now));
            list.add(generate(now));
            return true;
        });
        return publicKeys().get(publicKeys().size() - 1);
    }

    /** Re-reads the file if it changed on disk (e.g. {@code mlgate audit rotate-key} ran); cheap otherwise. */
    public synchronized void reload() throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        if (!modified.equals(loadedModified)) {
            underLock(list -> false);
        }
    }

    /** The public halves of every key, oldest first, as published in {@code public-keys.json}. */
    public List<AuditPublicKey> publicKeys() {
        return entries.stream().map(e -> AuditPublicKey.of(e.publicKey, e.start, e.end)).toList();
    }

    /** Writes {@code auditDir/public-keys.json} (ListPublicKeys shape) if it differs from the current keys. */
    public void writePublicKeys(Path auditDir) throws IOException {
        Files.createDirectories(auditDir);
        Path target = auditDir.resolve(PublicKeyList.FILE);
        byte[] json = new PublicKeyList(publicKeys()).toJson();
        if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), json)) {
            return;
        }
        AtomicFileWriter.replace(target, json);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private interface Change {
        boolean apply(List<Entry> list);
    }

    private void underLock(Change change) throws IOException {
        Path lockFile = file.resolveSibling(FILE + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            List<Entry> list = read();
            if (change.apply(list)) {
                write(list);
            }
            entries = List.copyOf(list);
            loadedModified = Files.getLastModifiedTime(file);
        }
    }

    private static Entry generate(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            KeyPair pair = generator.generateKeyPair();
            return new Entry((RSAPublicKey) pair.getPublic(), pair.getPrivate(), now, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    private List<Entry> read() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        JsonNode root;
        try {
            root = TrailFiles.JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new KeyCustodyException(file + " is not valid JSON", e);
        }
        if (root == null || root.path("version").asInt(0) != 1 || !root.path("keys").isArray()) {
            throw new KeyCustodyException(file + " is not a version 1 audit signing key file");
        }
        for (JsonNode k : root.path("keys")) {
            String fingerprint = k.path("fingerprint").asString("");
            String spki = k.path("publicKey").asString("");
            RSAPublicKey publicKey;
            Instant start;
            Instant end;
            byte[] sealed;
            try {
                publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(spki)));
                start = Instant.parse(k.path("validityStartTime").asString(""));
                end = k.path("validityEndTime").isNull() ? null : Instant.parse(k.path("validityEndTime").asString(""));
                sealed = Base64.getDecoder().decode(k.path("privateKey").asString(""));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new KeyCustodyException(file + " has a malformed key entry " + fingerprint);
            }
            if (!AuditPublicKey.fingerprint(publicKey).equals(fingerprint)) {
                throw new KeyCustodyException(file + " key " + fingerprint + " does not match its public key");
            }
            byte[] pkcs8 = rootKey.open(sealed, associatedData(fingerprint, spki));
            try {
                PrivateKey privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                if (!(privateKey instanceof RSAPrivateCrtKey crt) || !crt.getModulus().equals(publicKey.getModulus())) {
                    throw new KeyCustodyException(file + " key " + fingerprint + " has a foreign private key");
                }
                out.add(new Entry(publicKey, privateKey, start, end));
            } catch (GeneralSecurityException e) {
                throw new KeyCustodyException(file + " key " + fingerprint + " has an unreadable private key");
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
        return out;
    }

    private void write(List<Entry> list) throws IOException {
        ObjectNode root = TrailFiles.JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode arr = root.putArray("keys");
        for (Entry e : list) {
            String fingerprint = AuditPublicKey.fingerprint(e.publicKey);
            String spki = Base64.getEncoder().encodeToString(e.publicKey.getEncoded());
            ObjectNode n = arr.addObject();
            n.put("fingerprint", fingerprint);
            n.put("validityStartTime", e.start.toString());
            if (e.end == null) {
                n.putNull("validityEndTime");
            } else {
                n.put("validityEndTime", e.end.toString());
            }
            n.put("publicKey", spki);
            byte[] pkcs8 = e.privateKey.getEncoded();
            try {
                n.put("privateKey", Base64.getEncoder().encodeToString(
                        rootKey.seal(pkcs8, associatedData(fingerprint, spki))));
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
        AtomicFileWriter.replace(file, TrailFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    @Override
    public String toString() {
        return "AuditSigningKeys[" + entries.size() + " keys in " + file + "]";
    }
}
