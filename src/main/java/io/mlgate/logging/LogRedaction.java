package io.mlgate.logging;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Supplier;

import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.Redactor;

/**
 * Masks the PII in a piece of log text (a formatted message, a stack trace) with
 * {@link Redactor#redactTextOrFail}: a TEXT scan, then each finding replaced by its type in brackets. Unlike
 * {@code redactText}, which answers a failed scan with a marker in place of the text, it throws, so that a failure
 * here withholds the whole log line. The scanner is built once, on the first use (so commands that
 * never log pay nothing), from the settings {@code scanners} supplies.
 *
 * <p>Bounded: text over {@value #MAX_BYTES} bytes of UTF-8 is cut there (at a character) before it is scanned, and
 * marked {@value #TRUNCATED}, and its scan has {@value #SCAN_MILLIS} ms. Fail closed: when building the scanner or
 * scanning throws anything (a timeout included), {@link #redact} answers {@code null} and the caller withholds the
 * line. No recursion: a log call made on this thread while it is
 * scanning (a detector library that logs) is withheld too, never scanned again or printed raw.
 */
public final class LogRedaction {

    /** The most text scanned per message or stack trace. */
    public static final int MAX_BYTES = 64 * 1024;
    /** Appended to text that was cut to {@link #MAX_BYTES}. */
    public static final String TRUNCATED = " [truncated]";
    /** The deadline of one scan. */
    public static final long SCAN_MILLIS = 200;

    private static final ThreadLocal<Boolean> SCANNING = new ThreadLocal<>();

    private final Supplier<PiiScanner> scanners;
    private volatile PiiScanner scanner;
    private volatile Redactor redactor;
    private volatile boolean broken;

    /** @param scanners builds the scanner (once); an exception from it withholds every line */
    public LogRedaction(Supplier<PiiScanner> scanners) {
        this.scanners = scanners;
    }

    /** A redaction over a scanner already built (tests). */
    public static LogRedaction of(PiiScanner scanner) {
        return new LogRedaction(() -> scanner);
    }

    /**
     * The text with every finding replaced by {@code [TYPE]}; {@code text} itself when it is empty; {@code null} when
     * the text must be withheld (the scan failed, or this thread is already scanning).
     */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        if (SCANNING.get() != null) {
            return null;
        }
        SCANNING.set(Boolean.TRUE);
        try {
            PiiScanner s = scanner();
            if (s == null) {
                return null;
            }
            String cut = truncate(text);
            String masked = redactor.redactTextOrFail(s, cut, System.nanoTime() + SCAN_MILLIS * 1_000_000L);
            return cut.length() == text.length() ? masked : masked + TRUNCATED;
        } catch (Throwable e) { // fail closed, whatever it is (a detector bug, a stack overflow)
            return null;
        } finally {
            SCANNING.remove();
        }
    }

    private PiiScanner scanner() {
        PiiScanner s = scanner;
        if (s != null || broken) {
            return s;
        }
        synchronized (this) {
            if (scanner == null && !broken) {
                try {
                    byte[] key = new byte[32];
                    new SecureRandom().nextBytes(key); // REPLACE writes the type; the key is never used
                    redactor = new Redactor(key);
                    Arrays.fill(key, (byte) 0);
                    scanner = scanners.get();
                } catch (RuntimeException | Error e) {
                    broken = true;
                }
            }
            return scanner;
        }
    }

    /** {@code text} cut to at most {@link #MAX_BYTES} bytes of UTF-8, at a character boundary. */
    static String truncate(String text) {
        if (text.length() <= MAX_BYTES / 3) {
            return text; // at most 3 bytes per char: cannot be over the limit
        }
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int n;
            if (c < 0x80) {
                n = 1;
            } else if (c < 0x800) {
                n = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                n = 4;
            } else {
                n = 3;
            }
            if (bytes + n > MAX_BYTES) {
                return text.substring(0, i);
            }
            bytes += n;
            if (n == 4) {
                i++;
            }
        }
        return text;
    }

    /** UTF-8 length (tests). */
    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
