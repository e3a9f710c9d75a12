package io.mlgate.audit.integrity;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import tools.jackson.databind.json.JsonMapper;

/** Names, paths and byte-level helpers shared by the digest writer, the validator and retention. */
final class TrailFiles {

    static final String DIGESTS = "digests";
    static final String HEAD = "head.json";
    static final String RETENTION = "retention.json";
    static final String SIG_SUFFIX = ".sig";
    static final String PUBLIC_KEYS = "public-keys.json";
    static final String WRITER_LOCK = ".writer.lock";
    static final String BUCKET = "mlgate-audit";
    static final String HASH_ALGORITHM = "SHA-256";
    static final String SIGNATURE_ALGORITHM = "SHA256withRSA";

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern LOG = Pattern.compile("events-(\\d{8}T\\d{6}Z)-(\\d{6,18})\\.jsonl\\.gz");
    private static final Pattern OPEN_LOG = Pattern.compile("events-(\\d{8}T\\d{6}Z)-(\\d{6,18})\\.jsonl");
    private static final Pattern DIGEST = Pattern.compile("digest-(\\d{8}T\\d{6}Z)-(\\d{6,18})\\.json\\.gz");
    private static final HexFormat HEX = HexFormat.of();

    private TrailFiles() {
    }

    /** A closed log file name, {@code events-<stamp>-<seq>.jsonl.gz}. */
    record LogName(Instant created, long seq, String fileName) {
    }

    /** A digest file name, {@code digest-<stamp>-<dseq>.json.gz}, and its path relative to the audit folder. */
    record DigestName(Instant endTime, long dseq, String fileName) {
        String relativePath() {
            return DIGESTS + "/" + fileName;
        }

        String sigFileName() {
            return fileName + SIG_SUFFIX;
        }
    }

    static LogName parseLogName(String fileName) {
        Stamped p = parseName(LOG, fileName);
        return p == null ? null : new LogName(p.time(), p.seq(), fileName);
    }

    /** The open (not yet closed) segment name, {@code events-<stamp>-<seq>.jsonl}, as a LogName, or null. */
    static LogName parseOpenLogName(String fileName) {
        Stamped p = parseName(OPEN_LOG, fileName);
        return p == null ? null : new LogName(p.time(), p.seq(), fileName);
    }

    static DigestName parseDigestName(String fileName) {
        Stamped p = parseName(DIGEST, fileName);
        return p == null ? null : new DigestName(p.time(), p.seq(), fileName);
    }

    static DigestName digestName(Instant endTime, long dseq) {
        return new DigestName(endTime, dseq, "digest-" + STAMP.format(endTime) + "-" + sequence(dseq) + ".json.gz");
    }

    private record Stamped(Instant time, long seq) {
    }

    private static Stamped parseName(Pattern pattern, String fileName) {
        Matcher m = pattern.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        try {
            return new Stamped(STAMP.parse(m.group(1), Instant::from), Long.parseLong(m.group(2)));
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    static String sequence(long n) {
        return String.format("%06d", n);
    }

    /** CloudTrail's digest time format, {@code yyyy-MM-ddTHH:mm:ssZ}. */
    static String formatTime(Instant t) {
        return TIME.format(t);
    }

    static Instant parseTime(String text) {
        if (text == null || text.length() != 20) {
            throw new IllegalArgumentException("not a yyyy-MM-ddTHH:mm:ssZ time: " + text);
        }
        try {
            return TIME.parse(text, Instant::from);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a yyyy-MM-ddTHH:mm:ssZ time: " + text);
        }
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    static byte[] unhex(String text) {
        return HEX.parseHex(text);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static String sha256Hex(byte[] bytes) {
        return hex(sha256().digest(bytes));
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (OutputStream out = new GZIPOutputStream(buffer)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory gzip failed", e);
        }
        return buffer.toByteArray();
    }

    /** Inflates a (possibly multi-member) gzip file, refusing more than {@code limit} uncompressed bytes. */
    static byte[] gunzip(Path file, int limit) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)), 8192)) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new IOException(file.getFileName() + " inflates to more than " + limit + " bytes");
            }
            return bytes;
        }
    }
}
