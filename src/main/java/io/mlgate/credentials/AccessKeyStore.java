package io.mlgate.credentials;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.mlgate.kms.AssociatedData;
import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.SealedStoreDocument;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The store of long-term IAM access keys in {@code keys/access-keys.json}. Secrets are sealed under the
 * {@link RootKey} (bound to the key id, owner, status and creation date), opened once at load and kept in memory, so
 * {@link #find} is a plain map lookup with no cryptography. Changes are persisted atomically with fsync. Thread-safe;
 * reads take no lock.
 */
public final class AccessKeyStore {

    /** The store file name inside the keys directory. */
    public static final String FILE = "access-keys.json";

    private static final String FORMAT = "mlgate-access-keys";
    private static final int FORMAT_VERSION = 1;
    private static final String AD_DOMAIN = "mlgate/access-key/v1";
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";
    private static final int SECRET_LENGTH = 40;
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("AKIA[A-Z2-7]{16}");
    private static final Pattern USER_ARN = Pattern.compile("arn:aws:iam::\\d{12}:(root|user/[\\x21-\\x7e]+)");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final RootKey root;
    private final Object writeLock = new Object();
    private volatile Snapshot snapshot;

    /** Immutable view: keys by id (insertion order) and by owner. */
    private record Snapshot(Map<String, StoredAccessKey> byId, Map<String, List<StoredAccessKey>> byUser) {
        static Snapshot of(Map<String, StoredAccessKey> byId) {
            Map<String, List<StoredAccessKey>> byUser = new HashMap<>();
            for (StoredAccessKey key : byId.values()) {
                byUser.computeIfAbsent(key.userArn(), u -> new ArrayList<>()).add(key);
            }
            byUser.replaceAll((user, keys) -> {
                keys.sort(Comparator.comparing(StoredAccessKey::createDate)
                        .thenComparing(StoredAccessKey::accessKeyId));
                return List.copyOf(keys);
            });
            return new Snapshot(Collections.unmodifiableMap(new HashMap<>(byId)), Map.copyOf(byUser));
        }
    }

    private AccessKeyStore(Path file, RootKey root, Map<String, StoredAccessKey> keys) {
        this.file = file;
        this.root = root;
        this.snapshot = Snapshot.of(keys);
    }

    /**
     * Opens the store in {@code keysDir} (empty if the file does not exist yet), unsealing every secret once. Fails
     * with {@link KeyCustodyException} naming the access key id if an entry was tampered with.
     */
    public static AccessKeyStore open(Path keysDir, RootKey root) throws IOException {
        Objects.requireNonNull(keysDir, "keysDir");
        Objects.requireNonNull(root, "root");
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        Path file = keysDir.resolve(FILE);
        Map<String, StoredAccessKey> loaded = Files.exists(file) ? read(file, root) : Map.of();
        return new AccessKeyStore(file, root, loaded);
    }

    /**
     * Creates an active access key for {@code userArn} ({@code arn:aws:iam::<account>:user/...} or
     * {@code ...:root}), persists it sealed, and returns it with its secret; the secret is not shown again.
     *
     * @throws UncheckedIOException if the key could not be persisted (nothing is changed then)
     */
    public IssuedAccessKey create(String userArn) {
        requireUserArn(userArn);
        byte[] secret = randomSecret();
        synchronized (writeLock) {
            String id;
            do {
                id = randomAccessKeyId();
            } while (snapshot.byId().containsKey(id));
            StoredAccessKey key = new StoredAccessKey(id, userArn, AccessKeyStatus.ACTIVE,
                    Instant.now().truncatedTo(ChronoUnit.MILLIS), secret);
            publish(key, null);
            return new IssuedAccessKey(key);
        }
    }

    /** The key with this id, if any: a single hash-map lookup, no I/O and no cryptography. */
    public Optional<StoredAccessKey> find(String accessKeyId) {
        if (accessKeyId == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(snapshot.byId().get(accessKeyId));
    }

    /** The keys owned by {@code userArn}, oldest first (empty if none). */
    public List<StoredAccessKey> forUser(String userArn) {
        return snapshot.byUser().getOrDefault(userArn, List.of());
    }

    /**
     * Sets a key Active or Inactive and persists the change.
     *
     * @return the updated key
     * @throws IllegalArgumentException if no key has this id
     * @throws UncheckedIOException if the change could not be persisted (nothing is changed then)
     */
    public StoredAccessKey setStatus(String accessKeyId, AccessKeyStatus status) {
        Objects.requireNonNull(status, "status");
        synchronized (writeLock) {
            StoredAccessKey key = require(accessKeyId);
            if (key.status() == status) {
                return key;
            }
            StoredAccessKey updated = key.withStatus(status);
            publish(updated, null);
            return updated;
        }
    }

    /**
     * Deletes a key and persists the change.
     *
     * @return {@code true} if a key was deleted
     * @throws UncheckedIOException if the change could not be persisted (nothing is changed then)
     */
    public boolean delete(String accessKeyId) {
        synchronized (writeLock) {
            if (find(accessKeyId).isEmpty()) {
                return false;
            }
            publish(null, accessKeyId);
            return true;
        }
    }

    @Override
    public String toString() {
        return "AccessKeyStore[" + file + ", keys=" + snapshot.byId().size() + "]";
    }

    private StoredAccessKey require(String accessKeyId) {
        return find(accessKeyId).orElseThrow(() -> new IllegalArgumentException("no access key " + accessKeyId));
    }

    /** Persists the store with {@code changed} put in and {@code removedId} taken out; must hold writeLock. */
    private void publish(StoredAccessKey changed, String removedId) {
        Map<String, StoredAccessKey> next = new LinkedHashMap<>(ordered(snapshot.byId()));
        if (changed != null) {
            next.put(changed.accessKeyId(), changed);
        }
        if (removedId != null) {
            next.remove(removedId);
        }
        try {
            AtomicFileWriter.replace(file, write(next.values()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not persist " + file, e);
        }
        snapshot = Snapshot.of(next);
    }

    private static Map<String, StoredAccessKey> ordered(Map<String, StoredAccessKey> byId) {
        List<StoredAccessKey> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(StoredAccessKey::createDate).thenComparing(StoredAccessKey::accessKeyId));
        Map<String, StoredAccessKey> ordered = new LinkedHashMap<>();
        for (StoredAccessKey key : all) {
            ordered.put(key.accessKeyId(), key);
        }
        return ordered;
    }

    private static void requireUserArn(String userArn) {
        if (userArn == null || !USER_ARN.matcher(userArn).matches()) {
            throw new IllegalArgumentException("not an IAM user ARN: " + userArn);
        }
    }

    private static String randomAccessKeyId() {
        StringBuilder id = new StringBuilder("AKIA");
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static byte[] randomSecret() {
        byte[] secret = new byte[SECRET_LENGTH];
        for (int i = 0; i < SECRET_LENGTH; i++) {
            secret[i] = (byte) SECRET_ALPHABET.charAt(RANDOM.nextInt(SECRET_ALPHABET.length()));
        }
        return secret;
    }

    private static byte[] associatedData(String accessKeyId, String userArn, AccessKeyStatus status,
            Instant createDate) {
        return AssociatedData.of(AD_DOMAIN, accessKeyId, userArn, status.wireName(), createDate.toString());
    }

    private byte[] write(Iterable<StoredAccessKey> all) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", FORMAT_VERSION);
        ArrayNode array = doc.putArray("accessKeys");
        for (StoredAccessKey key : all) {
            ObjectNode entry = array.addObject();
            entry.put("accessKeyId", key.accessKeyId());
            entry.put("userArn", key.userArn());
            entry.put("status", key.status().wireName());
            entry.put("createDate", key.createDate().toString());
            byte[] sealed = root.seal(key.secretView(),
                    associatedData(key.accessKeyId(), key.userArn(), key.status(), key.createDate()));
            entry.put("sealedSecret", Base64.getEncoder().encodeToString(sealed));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    private static Map<String, StoredAccessKey> read(Path file, RootKey root) throws IOException {
        JsonNode doc = SealedStoreDocument.read(file, FORMAT, FORMAT_VERSION, "access-key store");
        Map<String, StoredAccessKey> loaded = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode entry : doc.path("accessKeys")) {
            StoredAccessKey key = readEntry(file, root, entry, index++);
            if (loaded.put(key.accessKeyId(), key) != null) {
                throw new KeyCustodyException(file + " lists access key " + key.accessKeyId() + " twice");
            }
        }
        return loaded;
    }

    private static StoredAccessKey readEntry(Path file, RootKey root, JsonNode entry, int index) {
        String id = entry.path("accessKeyId").asString("");
        String where = "access key " + (id.isEmpty() ? "#" + index : id) + " in " + file;
        String userArn;
        AccessKeyStatus status;
        Instant createDate;
        byte[] sealed;
        try {
            if (!ACCESS_KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("access key id has the wrong form");
            }
            userArn = text(entry, "userArn");
            requireUserArn(userArn);
            status = AccessKeyStatus.fromWireName(text(entry, "status"));
            createDate = Instant.parse(text(entry, "createDate"));
            sealed = Base64.getDecoder().decode(text(entry, "sealedSecret"));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new KeyCustodyException(where + " is malformed: " + e.getMessage());
        }
        byte[] secret;
        try {
            secret = root.open(sealed, associatedData(id, userArn, status, createDate));
        } catch (KeyCustodyException e) {
            throw new KeyCustodyException(where + " failed authentication: the entry was modified or sealed under "
                    + "a different root key");
        }
        if (!isWellFormedSecret(secret)) {
            Arrays.fill(secret, (byte) 0);
            throw new KeyCustodyException(where + " holds a secret of the wrong form");
        }
        return new StoredAccessKey(id, userArn, status, createDate, secret);
    }

    private static boolean isWellFormedSecret(byte[] secret) {
        if (secret.length != SECRET_LENGTH) {
            return false;
        }
        for (byte b : secret) {
            if (SECRET_ALPHABET.indexOf(b) < 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("missing text field " + field);
        }
        return value.stringValue();
    }
}
