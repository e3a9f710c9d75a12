package io.mlgate.audit.integrity;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.json.JsonFactory;

/**
 * Streams one closed log file: the SHA-256 and length of its uncompressed bytes and, optionally, the oldest and
 * newest top-level {@code eventTime} of its records. Never holds more than one buffer of the file.
 */
final class LogFileScan {

    private static final int BUFFER = 1 << 16;
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .build();

    /** What a scan found; event times are {@code null} when not asked for or when the file holds no record. */
    record Result(String hashValue, long bytes, String oldestEventTime, String newestEventTime) {
    }

    private LogFileScan() {
    }

    /** Hash and length only (the validator's path). */
    static Result hash(Path file) throws IOException {
        MessageDigest sha = TrailFiles.sha256();
        byte[] chunk = new byte[BUFFER];
        long total = 0;
        try (InputStream in = new GzipMembers(Files.newInputStream(file), BUFFER)) {
            int n;
            while ((n = in.read(chunk, 0, chunk.length)) >= 0) {
                sha.update(chunk, 0, n);
                total += n;
            }
        }
        return new Result(TrailFiles.hex(sha.digest()), total, null, null);
    }

    /**
     * Hash, length and event-time bounds (the digest writer's path). Records whose JSON cannot be parsed still count
     * in the hash; the time bounds then cover the records read before them.
     */
    static Result scan(Path file) throws IOException {
        MessageDigest sha = TrailFiles.sha256();
        Hashing in = new Hashing(new GzipMembers(Files.newInputStream(file), BUFFER), sha);
        String oldest = null;
        String newest = null;
        try (in) {
            try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), in)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = p.currentName();
                        JsonToken value = p.nextToken();
                        if ("eventTime".equals(name) && value == JsonToken.VALUE_STRING) {
                            String time = p.getString();
                            if (isTime(time)) {
                                // fixed-width UTC text: text order is time order
                                if (oldest == null || time.compareTo(oldest) < 0) {
                                    oldest = time;
                                }
                                if (newest == null || time.compareTo(newest) > 0) {
                                    newest = time;
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            } catch (JacksonIOException e) {
                throw e.getCause() != null ? e.getCause() : new IOException(e.getMessage(), e);
            } catch (JacksonException unparsable) {
                // the hash still covers every byte (drained below); the times cover what was read
            }
            byte[] chunk = new byte[BUFFER];
            while (in.read(chunk, 0, chunk.length) >= 0) {
                // drain into the hash
            }
        }
        return new Result(TrailFiles.hex(sha.digest()), in.count, oldest, newest);
    }

    private static boolean isTime(String s) {
        if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(10) != 'T' || s.charAt(19) != 'Z') {
            return false;
        }
        try {
            TrailFiles.parseTime(s);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Feeds every byte read into a digest and counts them; closing is deferred to the owner. */
    private static final class Hashing extends FilterInputStream {
        private final MessageDigest sha;
        long count;

        Hashing(InputStream in, MessageDigest sha) {
            super(in);
            this.sha = sha;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                sha.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                sha.update(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[(int) Math.min(n, BUFFER)];
            int r = read(scratch, 0, scratch.length);
            return Math.max(r, 0);
        }
    }
}
