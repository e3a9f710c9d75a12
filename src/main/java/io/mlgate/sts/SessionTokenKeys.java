package io.mlgate.sts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import javax.crypto.spec.SecretKeySpec;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The internal AES-256 keys that seal session tokens, kept in {@code keys/sts-token-keys.json} sealed under the
 * {@link RootKey}. The newest key seals new tokens; older keys still open tokens until every session they could have
 * sealed has expired ({@link #MAX_SESSION} after a newer key took over), then they are dropped. Replicas sharing the
 * keys directory share the keys; rotation takes a file lock and merges with what is on disk.
 */
public final class SessionTokenKeys {

    /** File name under keys/. */
    public static final String FILE = "sts-token-keys.json";
    /** The longest session STS issues (GetSessionToken / GetFederationToken: 36 h) plus clock skew. */
    public static final Duration MAX_SESSION = Duration.ofSeconds(129_600 + 300);
    /** Default rotation period. */
    public static final Duration DEFAULT_ROTATION = Duration.ofHours(24);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One token key: id, creation time and the AES key. */
    record TokenKey(int id, Instant created, SecretKeySpec key) {
        @Override
        public String toString() {
            return "TokenKey[" + id + " created " + created + "]";
        }
    }

    private final Path file;
    private final RootKey rootKey;
    private final Clock clock;
    private final Duration rotation;
    /** Newest first; replaced as a whole. */
    private volatile TokenKey[] keys;
    private volatile long lastRefreshNanos = System.nanoTime() - REFRESH_INTERVAL_NANOS;
    private static final long REFRESH_INTERVAL_NANOS = 5_000_000_000L;

    private SessionTokenKeys(Path file, RootKey rootKey, Clock clock, Duration rotation, TokenKey[] keys) {
        this.file = file;
        this.rootKey = rootKey;
        this.clock = clock;
        this.rotation = rotation;
        this.keys = keys;
    }

    /**
     * Loads the keys from {@code keysDir/sts-token-keys.json}, creating the file with a first key if absent, and
     * rotates at once if the newest key is older than {@code rotation}.
     */
    public static SessionTokenKeys loadOrCreate(Path keysDir, RootKey rootKey, Clock clock, Duration rotation)
            throws IOException {
        Objects.requireNonNull(rootKey, "rootKey");
        Objects.requireNonNull(clock, "clock");
        if (rotation.isNegative() || rotation.isZero()) {
            throw new IllegalArgumentException("the rotation period must be positive");
        }
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        SessionTokenKeys ring = new SessionTokenKeys(keysDir.resolve(FILE), rootKey, clock, rotation, new TokenKey[0]);
        ring.rotateIfDue();
        return ring;
    }

    /** The key new tokens are sealed with. */
    TokenKey current() {
        return keys[0];
    }

    /** The key with this id, or null (unknown or dropped). */
    TokenKey find(int id) {
        for (TokenKey k : keys) {
            if (k.id == id) {
                return k;
            }
        }
        return null;
    }

    /**
     * The key with this id; if unknown, re-reads the file (at most once per 5 s) in case another replica has
     * just rotated.
     */
    TokenKey findOrRefresh(int id) {
        TokenKey k = find(id);
        if (k != null) {
            return k;
        }
        long now = System.nanoTime();
        if (now - lastRefreshNanos < REFRESH_INTERVAL_NANOS) {
            return null;
        }
        lastRefreshNanos = now;
        synchronized (this) {
            try {
                TokenKey[] fresh = read();
                if (fresh.length > 0) {
                    keys = fresh;
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return find(id);
    }

    /** Ids of the keys held, newest first. */
    public List<Integer> keyIds() {
        List<Integer> ids = new ArrayList<>();
        for (TokenKey k : keys) {
            ids.add(k.id);
        }
        return ids;
    }

    /** When the newest key was created. */
    public Instant newestKeyCreated() {
        return keys[0].created;
    }

    /**
     * Re-reads the file (another replica may have rotated), adds a new key if the newest is older than the
     * rotation period, drops keys retired longer than {@link #MAX_SESSION}, and writes the result atomically.
     * Call it periodically (e.g. every minute); it is cheap when nothing is due.
     *
     * @return true if a key was added or dropped
     */
    public synchronized boolean rotateIfDue() throws IOException {
        Instant now = clock.instant();
        Path lockFile = file.resolveSibling(FILE + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            List<TokenKey> list = new ArrayList<>(List.of(read()));
            boolean changed = false;
            if (list.isEmpty() || !now.isBefore(list.get(0).created.plus(rotation))) {
                list.add(0, generate(list, now));
                changed = true;
            }
            // key i (i >= 1) was retired when key i-1 was created
            for (int i = list.size() - 1; i >= 1; i--) {
                if (!now.isBefore(list.get(i - 1).created.plus(MAX_SESSION))) {
                    list.remove(i);
                    changed = true;
                }
            }
            if (changed) {
                write(list);
            }
            keys = list.toArray(new TokenKey[0]);
            return changed;
        }
    }

    private static TokenKey generate(List<TokenKey> existing, Instant now) {
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        int id;
        do {
            id = RANDOM.nextInt();
        } while (id == 0 || containsId(existing, id));
        try {
            return new TokenKey(id, now, new SecretKeySpec(material, "AES"));
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    private static boolean containsId(List<TokenKey> keys, int id) {
        return keys.stream().anyMatch(k -> k.id == id);
    }

    private static byte[] associatedData(int id) {
        return ("mlgate/sts/token-key/v1/" + id).getBytes(StandardCharsets.US_ASCII);
    }

    private TokenKey[] read() throws IOException {
        if (!Files.exists(file)) {
            return new TokenKey[0];
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new KeyCustodyException(file + " is not valid JSON", e);
        }
        if (root == null || root.path("version").asInt(0) != 1 || !root.path("keys").isArray()) {
            throw new KeyCustodyException(file + " is not a version 1 token key file");
        }
        List<TokenKey> out = new ArrayList<>();
        for (JsonNode k : root.path("keys")) {
            int id = k.path("id").asInt(0);
            Instant created;
            byte[] sealed;
            try {
                created = Instant.parse(k.path("created").asString(""));
                sealed = Base64.getDecoder().decode(k.path("material").asString(""));
            } catch (RuntimeException e) {
                throw new KeyCustodyException(file + " has a malformed key entry " + id);
            }
            byte[] material = rootKey.open(sealed, associatedData(id));
            try {
                if (material.length != 32) {
                    throw new KeyCustodyException(file + " key " + id + " is not 256 bits");
                }
                out.add(new TokenKey(id, created, new SecretKeySpec(material, "AES")));
            } finally {
                Arrays.fill(material, (byte) 0);
            }
        }
        out.sort(Comparator.comparing(TokenKey::created).reversed());
        return out.toArray(new TokenKey[0]);
    }

    private void write(List<TokenKey> list) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode arr = root.putArray("keys");
        for (TokenKey k : list) {
            ObjectNode n = arr.addObject();
            n.put("id", k.id);
            n.put("created", k.created.toString());
            byte[] material = k.key.getEncoded();
            try {
                n.put("material", Base64.getEncoder().encodeToString(rootKey.seal(material, associatedData(k.id))));
            } finally {
                Arrays.fill(material, (byte) 0);
            }
        }
        AtomicFileWriter.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    @Override
    public String toString() {
        return "SessionTokenKeys[" + keys.length + " keys in " + file + "]";
    }
}
