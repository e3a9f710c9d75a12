package io.mlgate.gateway.console;

import io.mlgate.audit.export.BundleSigningKey;
import io.mlgate.audit.export.EventFilter;
import io.mlgate.audit.export.ExportFormat;
import io.mlgate.audit.export.ExportQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConsoleExports}: at most two at once, failures reported with their reason, unknown ids unknown. */
class ConsoleExportsTest {

    @TempDir
    Path home;

    private static final ExportQuery QUERY = new ExportQuery(Instant.EPOCH, Instant.now(), List.<EventFilter>of(),
            ExportFormat.JSONL);

    private static ConsoleExports.Snapshot await(ConsoleExports exports, String id) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            ConsoleExports.Snapshot s = exports.describe(id).orElseThrow();
            if (s.status() != ConsoleExports.Status.RUNNING) {
                return s;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("export " + id + " still running");
    }

    @Test
    void atMostTwoRunAtOnceAndAFailureSaysWhy() throws Exception {
        Path audit = Files.createDirectories(home.resolve("audit"));
        CountDownLatch release = new CountDownLatch(1);
        BundleSigningKey key = BundleSigningKey.of(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate());
        try (ConsoleExports exports = new ConsoleExports(audit, home.resolve("exports"), () -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return key;
        }, Clock.systemUTC())) {
            String a = exports.start(QUERY);
            String b = exports.start(QUERY);
            assertThat(a).matches("exp-[0-9a-f]{16}").isNotEqualTo(b);
            assertThat(exports.describe(a).orElseThrow().status()).isEqualTo(ConsoleExports.Status.RUNNING);
            assertThatThrownBy(() -> exports.start(QUERY)).isInstanceOf(ConsoleExports.Busy.class);
            release.countDown();

            // the folder has no public-keys.json: the bundle cannot name its key, so the export fails
            ConsoleExports.Snapshot failed = await(exports, a);
            assertThat(failed.status()).isEqualTo(ConsoleExports.Status.FAILED);
            assertThat(failed.failureReason()).contains("public-keys.json");
            assertThat(failed.location()).isEqualTo("exports/" + a + "/");
            await(exports, b);
            // once they finished, new exports may start
            assertThat(exports.start(QUERY)).startsWith("exp-");
            assertThat(exports.describe("exp-0000000000000000")).isEmpty();
        }
    }
}
