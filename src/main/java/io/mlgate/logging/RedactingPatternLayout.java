package io.mlgate.logging;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.pattern.EnsureExceptionHandling;
import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.pattern.RootCauseFirstThrowableProxyConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.ConverterUtil;
import ch.qos.logback.core.pattern.DynamicConverter;
import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.discovery.DetectorConfig;

/**
 * A Logback pattern layout whose log messages and exceptions are masked for PII ({@link LogRedaction}): every
 * formatted message ({@code %m}, {@code %msg}, {@code %message}) and every stack trace ({@code %ex}, {@code %xEx},
 * {@code %rEx}, Spring Boot's {@code %wEx}/{@code %wex} and their long forms; the one Logback adds when the pattern
 * has none) goes through the PII scanner before it is written. The layout enforces it: these conversion words are
 * bound to the masking converters whatever the pattern or a {@code <conversionRule>} says, so a changed
 * {@code logging.pattern.console} cannot print raw messages. If masking fails for any part of a line, the whole
 * line is replaced by {@value #WITHHELD}.
 *
 * <p>The scanner uses the default detector settings plus those of {@code detectorsFile}
 * ({@link DetectorConfig}: the gateway's properties file or a JSON file; set from {@code MLGATE_PII_DETECTORS} in
 * logback.xml), built once on the first line logged. A scanner that cannot be built (a settings file that cannot
 * be read, a bad pattern) withholds every line, and says so once on stderr and as a Logback status error (naming
 * the file and the exception class, never a log message).
 *
 * <p>Not masked: MDC values ({@code %X}), markers, key-value pairs ({@code %kvp}), logger and thread names; mlgate
 * puts no caller data there.
 */
public class RedactingPatternLayout extends PatternLayout {

    /** What a line is replaced by when its message or stack trace could not be scanned. */
    public static final String WITHHELD = "[log line withheld: PII scan failed]";

    private static final List<String> MESSAGE_WORDS = List.of("m", "msg", "message");

    private final ThreadLocal<boolean[]> failed = ThreadLocal.withInitial(() -> new boolean[1]);
    private final Map<String, Supplier<DynamicConverter>> converters = new LinkedHashMap<>();
    private String detectorsFile;
    private LogRedaction redaction;

    public RedactingPatternLayout() {
        for (String word : MESSAGE_WORDS) {
            converters.put(word, () -> new Message(this));
        }
        for (String word : List.of("ex", "exception", "throwable")) {
            converters.put(word, () -> new Plain(this, false));
        }
        for (String word : List.of("xEx", "xException", "xThrowable")) {
            converters.put(word, () -> new Extended(this, false));
        }
        for (String word : List.of("rEx", "rootException")) {
            converters.put(word, () -> new RootCauseFirst(this));
        }
        converters.put("wex", () -> new Plain(this, true));
        converters.put("wEx", () -> new Extended(this, true));
        // a pattern without an exception word still prints exceptions: masked, not Logback's raw default
        setPostCompileProcessor((context, head) -> {
            if (!new EnsureExceptionHandling().chainHandlesThrowable(head)) {
                ConverterUtil.findTail(head).setNext(new Plain(this, false));
            }
        });
    }

    /** The detector settings file ({@code .properties} with {@code mlgate.pii.*}, or JSON); blank for none. */
    public void setDetectorsFile(String detectorsFile) {
        this.detectorsFile = detectorsFile == null || detectorsFile.isBlank() ? null : detectorsFile.strip();
    }

    public String getDetectorsFile() {
        return detectorsFile;
    }

    /** Replaces the redaction (tests: a scanner with a failing detector). Call before {@link #start()}. */
    void setRedaction(LogRedaction redaction) {
        this.redaction = redaction;
    }

    @Override
    public void start() {
        if (redaction == null) {
            String file = detectorsFile;
            redaction = new LogRedaction(() -> {
                try {
                    return PiiScanner.of(DetectorConfig.load(file == null ? null : Path.of(file)));
                } catch (IOException | RuntimeException e) {
                    // said once, without any log content; the lines themselves are withheld
                    String why = "PII log redaction cannot start (" + e.getClass().getSimpleName()
                            + (file == null ? "" : " with the detector settings " + file)
                            + "): every log line is withheld";
                    addError(why);
                    System.err.println("mlgate: " + why);
                    throw new IllegalStateException(why);
                }
            });
        }
        super.start();
    }

    /** The conversion words above win over Logback's, Spring Boot's and any {@code <conversionRule>}. */
    @Override
    public Map<String, Supplier<DynamicConverter>> getEffectiveConverterMap() {
        Map<String, Supplier<DynamicConverter>> map = super.getEffectiveConverterMap();
        map.putAll(converters);
        return map;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        boolean[] f = failed.get();
        f[0] = false;
        String line = super.doLayout(event);
        if (f[0]) {
            f[0] = false;
            return WITHHELD + CoreConstants.LINE_SEPARATOR;
        }
        return line;
    }

    /** Masks {@code text}; on failure marks the current line as withheld and returns "". */
    String mask(String text) {
        String masked = redaction.redact(text);
        if (masked == null) {
            failed.get()[0] = true;
            return "";
        }
        return masked;
    }

    /** {@code %m}, {@code %msg}, {@code %message}: the formatted message, masked. */
    static final class Message extends ClassicConverter {
        private final RedactingPatternLayout layout;

        Message(RedactingPatternLayout layout) {
            this.layout = layout;
        }

        @Override
        public String convert(ILoggingEvent event) {
            return layout.mask(event.getFormattedMessage());
        }
    }

    /** {@code %ex} (and {@code %wex}, with line breaks around it as Spring Boot's): the stack trace, masked. */
    static final class Plain extends ThrowableProxyConverter {
        private final RedactingPatternLayout layout;
        private final boolean whitespace;

        Plain(RedactingPatternLayout layout, boolean whitespace) {
            this.layout = layout;
            this.whitespace = whitespace;
        }

        @Override
        protected String throwableProxyToString(IThrowableProxy tp) {
            String masked = layout.mask(super.throwableProxyToString(tp));
            return whitespace ? CoreConstants.LINE_SEPARATOR + masked + CoreConstants.LINE_SEPARATOR : masked;
        }
    }

    /** {@code %xEx} (and {@code %wEx}): the stack trace with packaging data, masked. */
    static final class Extended extends ExtendedThrowableProxyConverter {
        private final RedactingPatternLayout layout;
        private final boolean whitespace;

        Extended(RedactingPatternLayout layout, boolean whitespace) {
            this.layout = layout;
            this.whitespace = whitespace;
        }

        @Override
        protected String throwableProxyToString(IThrowableProxy tp) {
            String masked = layout.mask(super.throwableProxyToString(tp));
            return whitespace ? CoreConstants.LINE_SEPARATOR + masked + CoreConstants.LINE_SEPARATOR : masked;
        }
    }

    /** {@code %rEx}: the stack trace, root cause first, masked. */
    static final class RootCauseFirst extends RootCauseFirstThrowableProxyConverter {
        private final RedactingPatternLayout layout;

        RootCauseFirst(RedactingPatternLayout layout) {
            this.layout = layout;
        }

        @Override
        protected String throwableProxyToString(IThrowableProxy tp) {
            return layout.mask(super.throwableProxyToString(tp));
        }
    }
}
