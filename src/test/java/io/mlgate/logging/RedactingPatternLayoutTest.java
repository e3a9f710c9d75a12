package io.mlgate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import io.mlgate.pii.Detector;
import io.mlgate.pii.DetectorSettings;
import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.PiiType;

/**
 * Log lines through the masking layout, captured from a real Logback appender: PII in messages and stack traces is
 * replaced by its type, whatever the pattern; a failing scan withholds the line; long messages are cut before the
 * scan; a log call made during a scan cannot recurse; the shipped logback.xml uses the layout.
 */
class RedactingPatternLayoutTest {

    private static final String EMAIL = "jane.doe@example.com";
    private static final String CARD = "4111 1111 1111 1111";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private final LoggerContext context = newContext();

    /** A context of its own (not the test JVM's), with the MDC adapter Logback's initializer would set. */
    private static LoggerContext newContext() {
        LoggerContext c = new LoggerContext();
        c.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        return c;
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private ByteArrayOutputStream attach(Logger logger, String pattern, LogRedaction redaction) {
        RedactingPatternLayout layout = new RedactingPatternLayout();
        layout.setContext(context);
        layout.setPattern(pattern);
        if (redaction != null) {
            layout.setRedaction(redaction);
        }
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        logger.addAppender(appender);
        logger.setAdditive(false);
        return out;
    }

    private static String text(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8);
    }

    static final class Throwing implements Detector {
        private final String trigger;

        Throwing(String trigger) {
            this.trigger = trigger;
        }

        @Override
        public PiiType type() {
            return new PiiType("FRAGILE");
        }

        @Override
        public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
            if (new String(data, from, to - from, StandardCharsets.UTF_8).contains(trigger)) {
                throw new IllegalStateException("detector bug");
            }
        }
    }

    @Test
    void emailCardAndAwsSecretInAMessageAreMasked() {
        Logger log = context.getLogger("io.mlgate.Test");
        ByteArrayOutputStream out = attach(log, "%-5level %logger{0} - %msg%n", null);
        log.info("signup {} paid with card {} using aws_secret_access_key={}", EMAIL, CARD, SECRET);
        String line = text(out);
        assertThat(line).startsWith("INFO  Test - signup [EMAIL] paid with card [CREDIT_CARD]")
                .contains("[AWS_SECRET_KEY]").endsWith(CoreConstants.LINE_SEPARATOR);
        assertThat(line).doesNotContain(EMAIL).doesNotContain(CARD).doesNotContain(SECRET);
        // a line without PII is printed as it is
        out.reset();
        log.warn("model {} loaded in {} ms", "iris", 12);
        assertThat(text(out)).isEqualTo("WARN  Test - model iris loaded in 12 ms" + CoreConstants.LINE_SEPARATOR);
    }

    @Test
    void exceptionMessagesAreMaskedAlsoWhenThePatternNamesNoException() {
        Logger log = context.getLogger("io.mlgate.Test");
        for (String pattern : List.of("%msg%n", "%msg%n%ex", "%msg%n%xEx", "%msg%wEx", "%msg%n%rEx")) {
            ByteArrayOutputStream out = attach(log, pattern, null);
            log.error("request failed", new IllegalArgumentException("no account for " + EMAIL,
                    new IllegalStateException("card " + CARD + " declined")));
            String printed = text(out);
            assertThat(printed).as(pattern).contains("request failed").contains("IllegalArgumentException")
                    .contains("no account for [EMAIL]").contains("card [CREDIT_CARD] declined")
                    .doesNotContain(EMAIL).doesNotContain(CARD);
            log.detachAndStopAllAppenders();
        }
    }

    @Test
    void aConversionRuleCannotBindTheMessageToAnUnmaskedConverter() {
        Map<String, Supplier<DynamicConverter>> rules = new HashMap<>();
        rules.put("msg", MessageConverter::new);
        rules.put("m", MessageConverter::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        Logger log = context.getLogger("io.mlgate.Test");
        ByteArrayOutputStream out = attach(log, "%m|%msg|%message%n", null);
        log.info("to {}", EMAIL);
        assertThat(text(out)).isEqualTo("to [EMAIL]|to [EMAIL]|to [EMAIL]" + CoreConstants.LINE_SEPARATOR);
    }

    @Test
    void aScanThatFailsWithholdsTheWholeLine() {
        PiiScanner fragile = PiiScanner.of(DetectorSettings.defaults(), List.of(new Throwing("BOOM")));
        Logger log = context.getLogger("io.mlgate.Test");
        ByteArrayOutputStream out = attach(log, "%d{HH:mm:ss} %-5level - %msg%n", LogRedaction.of(fragile));
        log.info("BOOM for {}", EMAIL);
        assertThat(text(out)).isEqualTo(RedactingPatternLayout.WITHHELD + CoreConstants.LINE_SEPARATOR);
        // the message was fine, its stack trace was not: still the whole line
        out.reset();
        log.info("fine", new RuntimeException("BOOM " + EMAIL));
        assertThat(text(out)).isEqualTo(RedactingPatternLayout.WITHHELD + CoreConstants.LINE_SEPARATOR);
        // the next line is scanned again
        out.reset();
        log.info("mail {}", EMAIL);
        assertThat(text(out)).endsWith("- mail [EMAIL]" + CoreConstants.LINE_SEPARATOR);
    }

    @Test
    void aScannerThatCannotBeBuiltWithholdsEveryLine() {
        Logger log = context.getLogger("io.mlgate.Test");
        ByteArrayOutputStream out = attach(log, "%msg%n", new LogRedaction(() -> {
            throw new IllegalStateException("bad settings");
        }));
        log.info("hello");
        log.info("hello again");
        assertThat(text(out)).isEqualTo(RedactingPatternLayout.WITHHELD + CoreConstants.LINE_SEPARATOR
                + RedactingPatternLayout.WITHHELD + CoreConstants.LINE_SEPARATOR);
    }

    @Test
    void messagesOver64KiBAreCutBeforeTheScan() {
        Logger log = context.getLogger("io.mlgate.Test");
        ByteArrayOutputStream out = attach(log, "%msg%n", null);
        String huge = "owner " + EMAIL + " " + "é".repeat(60_000) + " tail " + EMAIL;
        log.info(huge);
        String printed = text(out);
        assertThat(printed).startsWith("owner [EMAIL] ").endsWith(LogRedaction.TRUNCATED
                + CoreConstants.LINE_SEPARATOR).doesNotContain(EMAIL).doesNotContain(" tail ");
        assertThat(LogRedaction.utf8Length(printed)).isLessThanOrEqualTo(LogRedaction.MAX_BYTES + 64);
        assertThat(LogRedaction.truncate("€".repeat(30_000))).hasSize(LogRedaction.MAX_BYTES / 3);
        String emojis = "😀".repeat(20_000);
        assertThat(LogRedaction.utf8Length(LogRedaction.truncate(emojis))).isEqualTo(LogRedaction.MAX_BYTES);
        assertThat(LogRedaction.truncate("short")).isEqualTo("short");
    }

    @Test
    void aLogCallMadeDuringAScanIsWithheldNotScannedAgain() {
        Logger inner = context.getLogger("io.mlgate.Inner");
        ByteArrayOutputStream innerOut = attach(inner, "%msg%n", null);
        Detector chatty = new Detector() {
            @Override
            public PiiType type() {
                return new PiiType("CHATTY");
            }

            @Override
            public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
                inner.warn("looking at {}", new String(data, from, to - from, StandardCharsets.UTF_8));
            }
        };
        Logger outer = context.getLogger("io.mlgate.Outer");
        ByteArrayOutputStream outerOut = attach(outer, "%msg%n",
                LogRedaction.of(PiiScanner.of(DetectorSettings.defaults(), List.of(chatty))));
        outer.info("contact {}", EMAIL);
        assertThat(text(outerOut)).isEqualTo("contact [EMAIL]" + CoreConstants.LINE_SEPARATOR);
        assertThat(text(innerOut)).isEqualTo(RedactingPatternLayout.WITHHELD + CoreConstants.LINE_SEPARATOR);
    }

    @Test
    void theShippedLogbackXmlMasksConsoleLinesAndTakesSpringsPattern() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
            JoranConfigurator config = new JoranConfigurator();
            config.setContext(context);
            config.doConfigure(getClass().getResource("/logback.xml"));
            context.getLogger("io.mlgate.cli.Test").info("contact {}", EMAIL);

            LoggerContext spring = newContext();
            spring.putProperty("CONSOLE_LOG_PATTERN", "%level|%logger{0}|%msg%n"); // logging.pattern.console
            JoranConfigurator springConfig = new JoranConfigurator();
            springConfig.setContext(spring);
            springConfig.doConfigure(getClass().getResource("/logback.xml"));
            spring.getLogger("io.mlgate.gateway.Test").warn("card {}", CARD);
            spring.stop();
        } finally {
            System.setOut(saved);
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertThat(printed).containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Test - contact \\[EMAIL]")
                .contains("WARN|Test|card [CREDIT_CARD]").doesNotContain(EMAIL).doesNotContain(CARD);
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .noneMatch(s -> s.getLevel() == ch.qos.logback.core.status.Status.ERROR);
    }
}
