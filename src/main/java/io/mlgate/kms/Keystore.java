package io.mlgate.kms;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
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
 * The encrypted store of account keys in {@code keys/keystore.json}. Each material version is sealed under the
 * {@link RootKey} with associated data binding it to the key's id, ARN and every other field of its entry, so an
 * edited entry fails to open. Changes are persisted atomically with fsync. Thread-safe; reads take no lock.
 */
public final class Keystore {

    /** The keystore file name inside the keys directory. */
    public static final String FILE = "keystore.json";
    /** Alias of the key {@link #defaultKeyFor} creates per account and region. */
    public static final String DEFAULT_ALIAS = "alias/mlgate/default";

    private static final String FORMAT = "mlgate-keystore";
    private static final int FORMAT_VERSION = 1;
    private static final String AD_DOMAIN = "mlgate/keystore/v1";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final RootKey root;
    private final Object writeLock = new Object();
    private volatile Map<UUID, AccountKey> keys;

    private Keystore(Path file, RootKey root, Map<UUID, AccountKey> keys) {
        this.file = file;
        this.root = root;
        this.keys = keys;
    }

    /**
     * Opens the keystore in {@code keysDir} (empty if the file does not exist yet), unsealing every key. Fails with
     * {@link KeyCustodyException} naming the key id if any entry was tampered with or sealed under another root key.
     */
    public static Keystore open(Path keysDir, RootKey root) throws IOException {
        Objects.requireNonNull(keysDir, "keysDir");
        Objects.requireNonNull(root, "root");
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        Path file = keysDir.resolve(FILE);
        Map<UUID, AccountKey> loaded = Files.exists(file) ? read(file, root) : Map.of();
        return new Keystore(file, root, loaded);
    }

    /**
     * Returns the account's default key in {@code region} (alias {@value #DEFAULT_ALIAS}), creating and persisting
     * it if absent.
     *
     * @throws UncheckedIOException if the new key could not be persisted (nothing is changed then)
     */
    public AccountKey defaultKeyFor(String accountId, String region) {
        KeyArn.requireAccountId(accountId);
        KeyArn.requireRegion(region);
        Optional<AccountKey> existing = findByAlias(keys, accountId, region, DEFAULT_ALIAS);
        if (existing.isPresent()) {
            return existing.get();
        }
        synchronized (writeLock) {
            existing = findByAlias(keys, accountId, region, DEFAULT_ALIAS);
            if (existing.isPresent()) {
                return existing.get();
            }
            return insert(accountId, region, DEFAULT_ALIAS, "Default key for mlgate model artifacts");
        }
    }

    /**
     * Creates a new enabled key without an alias and persists it.
     *
     * @throws UncheckedIOException if the key could not be persisted (nothing is changed then)
     */
    public AccountKey createKey(String accountId, String region, String description) {
        KeyArn.requireAccountId(accountId);
        KeyArn.requireRegion(region);
        Objects.requireNonNull(description, "description");
        synchronized (writeLock) {
            return insert(accountId, region, null, description);
        }
    }

    /**
     * Finds a key by key id (UUID), key ARN, or alias ARN ({@code arn:aws:kms:<region>:<account>:alias/<name>}).
     * Returns empty for unknown keys and for text that is none of these.
     */
    public Optional<AccountKey> find(String keyIdOrArn) {
        if (keyIdOrArn == null) {
            return Optional.empty();
        }
        Map<UUID, AccountKey> snapshot = keys;
        if (keyIdOrArn.startsWith("arn:aws:kms:")) {
            String[] parts = keyIdOrArn.split(":", 6);
            if (parts.length == 6 && parts[5].startsWith("alias/")) {
                return findByAlias(snapshot, parts[4], parts[3], parts[5]);
            }
            KeyArn arn;
            try {
                arn = KeyArn.parse(keyIdOrArn);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            AccountKey key = snapshot.get(arn.keyId());
            return key != null && key.arn().equals(arn) ? Optional.of(key) : Optional.empty();
        }
        try {
            return Optional.ofNullable(snapshot.get(KeyArn.parseKeyId(keyIdOrArn)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** All keys, ordered by creation date then key id. */
    public List<AccountKey> list() {
        List<AccountKey> all = new ArrayList<>(keys.values());
        all.sort(Comparator.comparing(AccountKey::creationDate).thenComparing(AccountKey::keyId));
        return Collections.unmodifiableList(all);
    }

    /**
     * Enables or disables a key and persists the change.
     *
     * @throws IllegalArgumentException if no such key exists
     * @throws UncheckedIOException if the change could not be persisted (nothing is changed then)
     */
    public AccountKey setState(String keyIdOrArn, KeyState state) {
        Objects.requireNonNull(state, "state");
        synchronized (writeLock) {
            AccountKey key = require(keyIdOrArn);
            if (key.state() == state) {
                return key;
            }
            AccountKey updated = key.withState(state);
            publish(updated);
            return updated;
        }
    }

    /**
     * Adds a new material version, used by every later encryption; older versions keep decrypting what they
     * encrypted.
     *
     * @throws IllegalArgumentException if no such key exists
     * @throws UncheckedIOException if the change could not be persisted (nothing is changed then)
     */
    public AccountKey rotate(String keyIdOrArn) {
        synchronized (writeLock) {
            AccountKey key = require(keyIdOrArn);
            AccountKey updated = key.withMaterial(freshMaterial(key.currentMaterialVersion() + 1));
            publish(updated);
            return updated;
        }
    }

    @Override
    public String toString() {
        return "Keystore[" + file + ", keys=" + keys.size() + "]";
    }

    private AccountKey require(String keyIdOrArn) {
        return find(keyIdOrArn).orElseThrow(() -> new IllegalArgumentException("no key " + keyIdOrArn));
    }

    private AccountKey insert(String accountId, String region, String alias, String description) {
        UUID id;
        do {
            id = UUID.randomUUID();
        } while (keys.containsKey(id));
        AccountKey key = new AccountKey(new KeyArn(region, accountId, id), alias, description, KeyState.ENABLED,
                now(), List.of(freshMaterial(1)));
        publish(key);
        return key;
    }

    private static KeyMaterial freshMaterial(int version) {
        byte[] bytes = new byte[RootKey.KEY_BYTES];
        RANDOM.nextBytes(bytes);
        try {
            return new KeyMaterial(version, now(), bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Writes the store with {@code changed} in it, then makes it visible; must hold writeLock. */
    private void publish(AccountKey changed) {
        Map<UUID, AccountKey> next = new LinkedHashMap<>(keys);
        next.put(changed.keyId(), changed);
        try {
            AtomicFileWriter.replace(file, write(next.values()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not persist " + file, e);
        }
        keys = Collections.unmodifiableMap(next);
    }

    private static Optional<AccountKey> findByAlias(Map<UUID, AccountKey> snapshot, String accountId, String region,
            String alias) {
        for (AccountKey key : snapshot.values()) {
            if (alias.equals(key.alias().orElse(null)) && key.accountId().equals(accountId)
                    && key.region().equals(region)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private static byte[] associatedData(AccountKey key, KeyMaterial material) {
        return associatedData(key.arn(), key.alias().orElse(null), key.description(), key.state(),
                key.creationDate(), material.version(), material.createdAt());
    }

    /** Binds a sealed material version to its key id, ARN and every other field of the entry. */
    private static byte[] associatedData(KeyArn arn, String alias, String description, KeyState state,
            Instant creationDate, int version, Instant materialCreatedAt) {
        return AssociatedData.of(AD_DOMAIN, arn.keyId().toString(), arn.toString(), alias, description,
                state.wireName(), creationDate.toString(), Integer.toString(version), materialCreatedAt.toString());
    }

    private byte[] write(Iterable<AccountKey> all) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", FORMAT_VERSION);
        ArrayNode array = doc.putArray("keys");
        for (AccountKey key : all) {
            ObjectNode entry = array.addObject();
            entry.put("keyId", key.keyId().toString());
            entry.put("arn", key.arn().toString());
            entry.put("accountId", key.accountId());
            entry.put("region", key.region());
            if (key.alias().isPresent()) {
                entry.put("alias", key.alias().get());
            }
            entry.put("description", key.description());
            entry.put("keyState", key.state().wireName());
            entry.put("keySpec", "SYMMETRIC_DEFAULT");
            entry.put("keyUsage", "ENCRYPT_DECRYPT");
            entry.put("creationDate", key.creationDate().toString());
            ArrayNode materials = entry.putArray("materials");
            for (KeyMaterial material : key.materials()) {
                ObjectNode m = materials.addObject();
                m.put("version", material.version());
                m.put("createdAt", material.createdAt().toString());
                byte[] plain = material.copyBytes();
                try {
                    m.put("sealed", Base64.getEncoder().encodeToString(
                            root.seal(plain, associatedData(key, material))));
                } finally {
                    Arrays.fill(plain, (byte) 0);
                }
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    private static Map<UUID, AccountKey> read(Path file, RootKey root) throws IOException {
        JsonNode doc = SealedStoreDocument.read(file, FORMAT, FORMAT_VERSION, "keystore");
        Map<UUID, AccountKey> loaded = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : doc.path("keys")) {
            AccountKey key = readEntry(file, root, entry, index++);
            if (loaded.put(key.keyId(), key) != null) {
                throw new KeyCustodyException(file + " lists key " + key.keyId() + " twice");
            }
        }
        return Collections.unmodifiableMap(loaded);
    }

    private static AccountKey readEntry(Path file, RootKey root, JsonNode entry, int index) {
        String keyIdText = entry.path("keyId").asString("");
        String where = "keystore entry for key " + (keyIdText.isEmpty() ? "#" + index : keyIdText) + " in " + file;
        KeyArn arn;
        String alias;
        String description;
        KeyState state;
        Instant creationDate;
        try {
            UUID keyId = KeyArn.parseKeyId(keyIdText);
            arn = KeyArn.parse(text(entry, "arn"));
            if (!arn.keyId().equals(keyId) || !arn.accountId().equals(text(entry, "accountId"))
                    || !arn.region().equals(text(entry, "region"))) {
                throw new KeyCustodyException(where + " was modified: its id, account or region disagree with its ARN");
            }
            alias = entry.has("alias") ? text(entry, "alias") : null;
            description = text(entry, "description");
            state = KeyState.fromWireName(text(entry, "keyState"));
            creationDate = Instant.parse(text(entry, "creationDate"));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new KeyCustodyException(where + " is malformed: " + e.getMessage());
        }
        List<KeyMaterial> materials = new ArrayList<>();
        for (JsonNode m : entry.path("materials")) {
            int version = m.path("version").asInt(0);
            Instant createdAt;
            byte[] sealed;
            try {
                createdAt = Instant.parse(text(m, "createdAt"));
                sealed = Base64.getDecoder().decode(text(m, "sealed"));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new KeyCustodyException(where + " has a malformed material version: " + e.getMessage());
            }
            if (version < 1) {
                throw new KeyCustodyException(where + " has an invalid material version " + m.path("version"));
            }
            byte[] plain;
            try {
                plain = root.open(sealed, associatedData(arn, alias, description, state, creationDate, version,
                        createdAt));
            } catch (KeyCustodyException e) {
                throw new KeyCustodyException(where + " failed authentication (material version " + version
                        + "): the entry was modified or sealed under a different root key");
            }
            try {
                if (plain.length != RootKey.KEY_BYTES) {
                    throw new KeyCustodyException(where + " holds key material of the wrong length");
                }
                materials.add(new KeyMaterial(version, createdAt, plain));
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        }
        if (materials.isEmpty()) {
            throw new KeyCustodyException(where + " has no key material");
        }
        try {
            return new AccountKey(arn, alias, description, state, creationDate, materials);
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(where + " is malformed: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("missing text field " + field);
        }
        return value.stringValue();
    }
}
