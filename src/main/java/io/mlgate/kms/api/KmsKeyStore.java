package io.mlgate.kms.api;

import io.mlgate.kms.AssociatedData;
import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyArn;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.SealedStoreDocument;
import io.mlgate.protocol.json.JsonServiceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The persistent store of the KMS API's keys in {@code keys/kms-keys.json}: each key's metadata in clear, its
 * material versions, import wrapping key and imported-material digest sealed under the {@link RootKey} with the
 * key's id and whole metadata as associated data (an edited entry fails to open). Every change rewrites the file
 * atomically with fsync before it becomes visible. Thread-safe: reads take no lock, writes are serialized.
 */
public final class KmsKeyStore {

    /** The file name inside the keys directory. */
    public static final String FILE = "kms-keys.json";

    private static final String FORMAT = "mlgate-kms-keys";
    private static final int FORMAT_VERSION = 1;
    private static final String AD_DOMAIN = "mlgate/kms-keys/v1";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final RootKey root;
    private final Object writeLock = new Object();
    private volatile Map<UUID, KmsKey> keys;

    private KmsKeyStore(Path file, RootKey root, Map<UUID, KmsKey> keys) {
        this.file = file;
        this.root = root;
        this.keys = keys;
    }

    /**
     * Opens the store in {@code keysDir} (empty if the file does not exist yet), unsealing every key; fails with
     * {@link KeyCustodyException} naming the key if an entry was modified or sealed under another root key.
     */
    public static KmsKeyStore open(Path keysDir, RootKey root) throws IOException {
        Objects.requireNonNull(keysDir, "keysDir");
        Objects.requireNonNull(root, "root");
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        Path file = keysDir.resolve(FILE);
        Map<UUID, KmsKey> loaded = Files.exists(file) ? read(file, root) : Map.of();
        return new KmsKeyStore(file, root, loaded);
    }

    /** How many keys are held (any state). */
    public int size() {
        return keys.size();
    }

    @Override
    public String toString() {
        return "KmsKeyStore[" + file + ", keys=" + keys.size() + "]";
    }

    Optional<KmsKey> get(UUID keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    /** All keys, by creation date then id. */
    List<KmsKey> list() {
        List<KmsKey> all = new ArrayList<>(keys.values());
        all.sort(Comparator.comparing(KmsKey::creationDate).thenComparing(KmsKey::keyId));
        return all;
    }

    Optional<KmsKey> byAlias(String accountId, String region, String aliasName) {
        for (KmsKey key : keys.values()) {
            if (key.accountId().equals(accountId) && key.region().equals(region)
                    && key.aliases().stream().anyMatch(a -> a.name().equals(aliasName))) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** A change to the store made under its write lock. */
    interface Work<T> {
        T apply(Changes changes) throws JsonServiceException;
    }

    /** The keys as a write sees them; puts and removes become visible only if the whole write succeeds. */
    static final class Changes {
        private final Map<UUID, KmsKey> next;
        private boolean changed;

        private Changes(Map<UUID, KmsKey> current) {
            this.next = new LinkedHashMap<>(current);
        }

        Optional<KmsKey> get(UUID keyId) {
            return Optional.ofNullable(next.get(keyId));
        }

        Optional<KmsKey> byAlias(String accountId, String region, String aliasName) {
            return next.values().stream().filter(k -> k.accountId().equals(accountId) && k.region().equals(region)
                    && k.aliases().stream().anyMatch(a -> a.name().equals(aliasName))).findFirst();
        }

        boolean contains(UUID keyId) {
            return next.containsKey(keyId);
        }

        void put(KmsKey key) {
            next.put(key.keyId(), key);
            changed = true;
        }

        void remove(UUID keyId) {
            changed |= next.remove(keyId) != null;
        }
    }

    /**
     * Runs {@code work} under the write lock; if it changed anything, persists the result atomically, then makes it
     * visible. Nothing changes if {@code work} throws or the file cannot be written.
     *
     * @throws UncheckedIOException if the change could not be persisted
     */
    <T> T write(Work<T> work) throws JsonServiceException {
        synchronized (writeLock) {
            Changes changes = new Changes(keys);
            T result = work.apply(changes);
            if (changes.changed) {
                try {
                    AtomicFileWriter.replace(file, serialize(changes.next.values()));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not persist " + file, e);
                }
                keys = Collections.unmodifiableMap(new LinkedHashMap<>(changes.next));
            }
            return result;
        }
    }

    // ---- serialization

    private byte[] serialize(Iterable<KmsKey> all) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", FORMAT_VERSION);
        ArrayNode array = doc.putArray("keys");
        for (KmsKey key : all) {
            ObjectNode entry = array.addObject();
            ObjectNode metadata = metadata(key);
            entry.set("metadata", metadata);
            byte[] secrets = secrets(key);
            try {
                entry.put("sealed", Base64.getEncoder().encodeToString(
                        root.seal(secrets, associatedData(key.keyId().toString(), metadata))));
            } finally {
                Arrays.fill(secrets, (byte) 0);
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    /**
     * The associated data a key entry's sealed secrets are bound to (its id and its whole metadata as stored), for
     * tools that re-seal the file under a new root key ({@code ./mlgate kms rotate-root}).
     */
    public static byte[] associatedData(String keyId, JsonNode metadata) {
        return AssociatedData.of(AD_DOMAIN, keyId, new String(JSON.writeValueAsBytes(metadata), StandardCharsets.UTF_8));
    }

    private static ObjectNode metadata(KmsKey key) {
        ObjectNode m = JSON.createObjectNode();
        m.put("keyId", key.keyId().toString());
        m.put("arn", key.arn().toString());
        m.put("description", key.description());
        m.put("keyState", key.state().wireName());
        m.put("origin", key.origin());
        m.put("keySpec", "SYMMETRIC_DEFAULT");
        m.put("keyUsage", "ENCRYPT_DECRYPT");
        m.put("creationDate", key.creationDate().toString());
        putInstant(m, "deletionDate", key.deletionDate());
        if (key.pendingWindowDays() != null) {
            m.put("pendingWindowDays", key.pendingWindowDays().intValue());
        }
        m.put("policy", key.policy());
        ObjectNode tags = m.putObject("tags");
        key.tags().forEach(tags::put);
        m.put("rotationEnabled", key.rotationEnabled());
        m.put("rotationPeriodDays", key.rotationPeriodDays());
        putInstant(m, "nextRotationDate", key.nextRotationDate());
        ArrayNode materials = m.putArray("materials");
        for (KmsKey.Material mat : key.materials()) {
            materials.addObject().put("version", mat.version()).put("createdAt", mat.createdAt().toString());
        }
        ArrayNode aliases = m.putArray("aliases");
        for (KmsKey.Alias a : key.aliases()) {
            aliases.addObject().put("name", a.name()).put("creationDate", a.creationDate().toString())
                    .put("lastUpdatedDate", a.lastUpdatedDate().toString());
        }
        ArrayNode grants = m.putArray("grants");
        for (KmsKey.Grant g : key.grants()) {
            ObjectNode gn = grants.addObject();
            gn.put("grantId", g.grantId());
            if (g.name() != null) {
                gn.put("name", g.name());
            }
            gn.put("creationDate", g.creationDate().toString());
            gn.put("granteePrincipal", g.granteePrincipal());
            if (g.retiringPrincipal() != null) {
                gn.put("retiringPrincipal", g.retiringPrincipal());
            }
            gn.put("issuingAccount", g.issuingAccount());
            ArrayNode ops = gn.putArray("operations");
            g.operations().forEach(ops::add);
            if (g.contextSubset() != null) {
                ObjectNode s = gn.putObject("encryptionContextSubset");
                g.contextSubset().forEach(s::put);
            }
            if (g.contextEquals() != null) {
                ObjectNode s = gn.putObject("encryptionContextEquals");
                g.contextEquals().forEach(s::put);
            }
            gn.put("tokenHash", g.tokenHash());
        }
        KmsKey.ImportParameters ip = key.importParameters();
        if (ip != null) {
            m.putObject("importParameters").put("wrappingAlgorithm", ip.wrappingAlgorithm())
                    .put("wrappingKeySpec", ip.wrappingKeySpec()).put("tokenHash", ip.tokenHash())
                    .put("validTo", ip.validTo().toString());
        }
        putInstant(m, "validTo", key.validTo());
        return m;
    }

    private static byte[] secrets(KmsKey key) {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode materials = s.putObject("materials");
        for (KmsKey.Material mat : key.materials()) {
            materials.put(Integer.toString(mat.version()), encode(mat.bytes()));
        }
        if (key.importParameters() != null) {
            s.put("importPrivateKey", encode(key.importParameters().privateKey()));
        }
        if (key.importedDigest() != null) {
            s.put("importedDigest", encode(key.importedDigest()));
        }
        return JSON.writeValueAsBytes(s);
    }

    private static String encode(SecretBytes secret) {
        byte[] b = secret.copy();
        try {
            return Base64.getEncoder().encodeToString(b);
        } finally {
            Arrays.fill(b, (byte) 0);
        }
    }

    private static void putInstant(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    private static Map<UUID, KmsKey> read(Path file, RootKey root) throws IOException {
        JsonNode doc = SealedStoreDocument.read(file, FORMAT, FORMAT_VERSION, "KMS key store");
        Map<UUID, KmsKey> loaded = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : doc.path("keys")) {
            KmsKey key = readEntry(file, root, entry, index++);
            if (loaded.put(key.keyId(), key) != null) {
                throw new KeyCustodyException(file + " lists key " + key.keyId() + " twice");
            }
        }
        return Collections.unmodifiableMap(loaded);
    }

    private static KmsKey readEntry(Path file, RootKey root, JsonNode entry, int index) {
        JsonNode m = entry.path("metadata");
        String keyIdText = m.path("keyId").asString("");
        String where = "KMS key entry " + (keyIdText.isEmpty() ? "#" + index : keyIdText) + " in " + file;
        if (!m.isObject()) {
            throw new KeyCustodyException(where + " has no metadata");
        }
        byte[] plain;
        try {
            plain = root.open(Base64.getDecoder().decode(text(entry, "sealed")), associatedData(keyIdText, m));
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(where + " is malformed: " + e.getMessage());
        } catch (KeyCustodyException e) {
            throw new KeyCustodyException(where + " failed authentication: the entry was modified or sealed under "
                    + "a different root key");
        }
        try {
            JsonNode secrets = JSON.readTree(plain);
            KmsKey.Draft d = new KmsKey.Draft();
            d.arn = KeyArn.parse(text(m, "arn"));
            if (!d.arn.keyId().toString().equals(keyIdText)) {
                throw new KeyCustodyException(where + " has an id that disagrees with its ARN");
            }
            d.description = text(m, "description");
            d.state = KmsKeyState.fromWireName(text(m, "keyState"));
            d.origin = text(m, "origin");
            d.creationDate = Instant.parse(text(m, "creationDate"));
            d.deletionDate = instant(m, "deletionDate");
            d.pendingWindowDays = m.has("pendingWindowDays") ? m.get("pendingWindowDays").asInt() : null;
            d.policy = text(m, "policy");
            m.path("tags").properties().forEach(e -> d.tags.put(e.getKey(), e.getValue().asString()));
            d.rotationEnabled = m.path("rotationEnabled").asBoolean(false);
            d.rotationPeriodDays = m.path("rotationPeriodDays").asInt(KmsKey.DEFAULT_ROTATION_DAYS);
            d.nextRotationDate = instant(m, "nextRotationDate");
            for (JsonNode mat : m.path("materials")) {
                int version = mat.path("version").asInt(0);
                String sealedBytes = secrets.path("materials").path(Integer.toString(version)).asString("");
                byte[] bytes = Base64.getDecoder().decode(sealedBytes);
                try {
                    if (version < 1 || bytes.length != 32) {
                        throw new KeyCustodyException(where + " has an invalid material version " + version);
                    }
                    d.materials.add(new KmsKey.Material(version, Instant.parse(text(mat, "createdAt")),
                            new SecretBytes(bytes)));
                } finally {
                    Arrays.fill(bytes, (byte) 0);
                }
            }
            for (JsonNode a : m.path("aliases")) {
                d.aliases.add(new KmsKey.Alias(text(a, "name"), Instant.parse(text(a, "creationDate")),
                        Instant.parse(text(a, "lastUpdatedDate"))));
            }
            for (JsonNode g : m.path("grants")) {
                List<String> ops = new ArrayList<>();
                g.path("operations").forEach(o -> ops.add(o.asString()));
                d.grants.add(new KmsKey.Grant(text(g, "grantId"), g.has("name") ? text(g, "name") : null,
                        Instant.parse(text(g, "creationDate")), text(g, "granteePrincipal"),
                        g.has("retiringPrincipal") ? text(g, "retiringPrincipal") : null,
                        text(g, "issuingAccount"), ops, stringMap(g.get("encryptionContextSubset")),
                        stringMap(g.get("encryptionContextEquals")), text(g, "tokenHash")));
            }
            JsonNode ip = m.get("importParameters");
            if (ip != null) {
                byte[] pk = Base64.getDecoder().decode(text(secrets, "importPrivateKey"));
                try {
                    d.importParameters = new KmsKey.ImportParameters(text(ip, "wrappingAlgorithm"),
                            text(ip, "wrappingKeySpec"), new SecretBytes(pk), text(ip, "tokenHash"),
                            Instant.parse(text(ip, "validTo")));
                } finally {
                    Arrays.fill(pk, (byte) 0);
                }
            }
            d.validTo = instant(m, "validTo");
            if (secrets.has("importedDigest")) {
                d.importedDigest = new SecretBytes(Base64.getDecoder().decode(text(secrets, "importedDigest")));
            }
            return d.build();
        } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
            throw new KeyCustodyException(where + " is malformed: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static Map<String, String> stringMap(JsonNode node) {
        if (node == null) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asString()));
        return map;
    }

    private static Instant instant(JsonNode node, String field) {
        return node.has(field) ? Instant.parse(text(node, field)) : null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("missing text field " + field);
        }
        return value.stringValue();
    }
}
