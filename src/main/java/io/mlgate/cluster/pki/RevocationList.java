package io.mlgate.cluster.pki;

import io.mlgate.kms.AtomicFileWriter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Revoked identities and serial numbers, persisted in a JSON file ({@code data/cluster/revoked.json}, fsynced,
 * crash-safe) and answered from memory. A revoked identity is refused at handshake, enrollment and renewal.
 *
 * <p>File: {@code {"version":1,"revoked":[{"identity":"spiffe://mlgate/node/n1"|"serial":"hex","reason":"...",
 * "revokedAt":"ISO-8601"}]}}. Writers take an exclusive lock on {@code revoked.json.lock}, re-read the file, add the
 * entry and replace the file atomically ({@link AtomicFileWriter}), so the CLI and a gateway never lose each other's
 * entries. Readers notice another process's change by the file's modification time, size and file key. A file that
 * cannot be read is an error, never "nothing revoked".
 */
public final class RevocationList implements RevocationCheck {

    /** The file's usual place under the mlgate home folder. */
    public static final String DEFAULT_PATH = "data/cluster/revoked.json";
    /** Longest reason kept (an operator's note, not a document). */
    static final int MAX_REASON_CHARS = 200;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One revocation: exactly one of identity and serial is set. */
    public record Entry(SpiffeId identity, BigInteger serial, String reason, Instant revokedAt) {

        public Entry {
            if ((identity == null) == (serial == null)) {
                throw new IllegalArgumentException("a revocation names an identity or a serial");
            }
            reason = reason == null ? "" : reason;
            Objects.requireNonNull(revokedAt, "revokedAt");
        }

        /** The identity URI or the serial in lowercase hex. */
        public String subject() {
            return identity != null ? identity.uri() : serial.toString(16);
        }
    }

    private record Snapshot(List<Entry> entries, Set<SpiffeId> identities, Set<BigInteger> serials, Object stamp) {

        static final Snapshot EMPTY = of(List.of(), null);

        static Snapshot of(List<Entry> entries, Object stamp) {
            Set<SpiffeId> ids = new HashSet<>();
            Set<BigInteger> serials = new HashSet<>();
            for (Entry e : entries) {
                if (e.identity() != null) {
                    ids.add(e.identity());
                } else {
                    serials.add(e.serial());
                }
            }
            return new Snapshot(List.copyOf(entries), Set.copyOf(ids), Set.copyOf(serials), stamp);
        }
    }

    /** What identifies a version of the file: modification time, size and file key (inode). */
    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    private final Path file;
    private final Clock clock;
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    private RevocationList(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Reads the file (missing = nothing revoked). */
    public static RevocationList open(Path file) throws IOException {
        return open(file, Clock.systemUTC());
    }

    /** As {@link #open(Path)}, stamping new entries with {@code clock}. */
    public static RevocationList open(Path file, Clock clock) throws IOException {
        RevocationList list = new RevocationList(Objects.requireNonNull(file, "file"),
                Objects.requireNonNull(clock, "clock"));
        list.snapshot = list.read();
        return list;
    }

    public void revokeIdentity(SpiffeId id, String reason) throws IOException {
        Objects.requireNonNull(id, "id");
        add(new Entry(id, null, clean(reason), clock.instant()));
    }

    public void revokeSerial(BigInteger serial, String reason) throws IOException {
        Objects.requireNonNull(serial, "serial");
        if (serial.signum() <= 0) {
            throw new IllegalArgumentException("a certificate serial number is positive");
        }
        add(new Entry(null, serial, clean(reason), clock.instant()));
    }

    public boolean isRevoked(SpiffeId id) {
        return id != null && snapshot.identities().contains(id);
    }

    public boolean isRevoked(BigInteger serial) {
        return serial != null && snapshot.serials().contains(serial);
    }

    /** Every revocation, oldest first. */
    public List<Entry> entries() {
        return snapshot.entries();
    }

    /** Re-reads the file if another process (the CLI) changed it; true if it did. */
    public boolean reloadIfChanged() throws IOException {
        Object stamp = stamp();
        if (Objects.equals(stamp, snapshot.stamp())) {
            return false;
        }
        synchronized (this) {
            Snapshot next = read();
            boolean changed = !next.entries().equals(snapshot.entries());
            snapshot = next;
            return changed;
        }
    }

    /** True if the certificate's serial or any SPIFFE identity in its SAN URIs is revoked. */
    @Override
    public boolean isRevoked(X509Certificate certificate) {
        Snapshot s = snapshot;
        if (s.serials().contains(certificate.getSerialNumber())) {
            return true;
        }
        for (String uri : PeerVerifier.sanUris(certificate)) {
            if (SpiffeId.parse(uri).filter(s.identities()::contains).isPresent()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        Snapshot s = snapshot;
        return "RevocationList[" + file + ", " + s.identities().size() + " identities, " + s.serials().size()
                + " serials]";
    }

    private synchronized void add(Entry entry) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path lockFile = dir.resolve(file.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            Snapshot current = read();
            boolean present = current.entries().stream().anyMatch(e -> Objects.equals(e.identity(), entry.identity())
                    && Objects.equals(e.serial(), entry.serial()));
            if (present) {
                snapshot = current;
                return;
            }
            List<Entry> next = new ArrayList<>(current.entries());
            next.add(entry);
            AtomicFileWriter.replace(file, render(next));
            snapshot = Snapshot.of(next, stamp());
        }
    }

    private Snapshot read() throws IOException {
        Object stamp = stamp();
        if (stamp == null) {
            return Snapshot.EMPTY;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Snapshot.EMPTY;
        }
        return Snapshot.of(parse(bytes), stamp);
    }

    private Object stamp() throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private List<Entry> parse(byte[] bytes) throws IOException {
        JsonNode doc;
        try {
            doc = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new IOException(file + " is not valid JSON");
        }
        if (doc == null || !doc.isObject() || doc.path("version").asInt(0) != 1 || !doc.path("revoked").isArray()) {
            throw new IOException(file + " is not a version 1 revocation list");
        }
        List<Entry> out = new ArrayList<>();
        int index = 0;
        for (JsonNode e : doc.path("revoked")) {
            try {
                SpiffeId id = null;
                BigInteger serial = null;
                if (e.hasNonNull("identity")) {
                    id = SpiffeId.parse(e.get("identity").asString())
                            .orElseThrow(() -> new IllegalArgumentException("not a cluster identity"));
                }
                if (e.hasNonNull("serial")) {
                    serial = new BigInteger(e.get("serial").asString(), 16);
                }
                out.add(new Entry(id, serial, e.path("reason").asString(""),
                        Instant.parse(e.path("revokedAt").asString(""))));
            } catch (IllegalArgumentException | DateTimeParseException | JacksonException ex) {
                throw new IOException(file + ": entry " + index + " is malformed");
            }
            index++;
        }
        return out;
    }

    private static byte[] render(List<Entry> entries) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("version", 1);
        ArrayNode list = doc.putArray("revoked");
        for (Entry e : entries) {
            ObjectNode node = list.addObject();
            if (e.identity() != null) {
                node.put("identity", e.identity().uri());
            } else {
                node.put("serial", e.serial().toString(16));
            }
            node.put("reason", e.reason());
            node.put("revokedAt", e.revokedAt().toString());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    private static String clean(String reason) {
        if (reason == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        reason.codePoints().limit(MAX_REASON_CHARS)
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .forEach(out::appendCodePoint);
        return out.toString().strip();
    }
}
