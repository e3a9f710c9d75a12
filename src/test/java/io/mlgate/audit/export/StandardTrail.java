package io.mlgate.audit.export;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One audit folder shared by the bundle tests: six closed log files, four chained digests (one empty), head.json,
 * one closed segment and one open segment not yet covered by a digest.
 *
 * <pre>
 * seg1 10:00:05-10:02:00  3 InvokeEndpoint iris + AssumeRole 10:00:30         digest 1 (end 11:00)
 * seg2 10:20-10:22        denied DeleteEndpoint, unauthenticated ListEndpoints, InvokeEndpoint wine
 * seg3 11:10-11:30        3 InvokeEndpoint iris, denied DeleteEndpoint         digest 2 (end 12:00)
 * seg4 11:45              InvokeEndpoint iris
 *                                                                             digest 3 (end 13:00, no files)
 * seg5 13:10              InvokeEndpoint iris                                 digest 4 (end 14:00) = head
 * seg6 14:10 (closed), seg7 14:20 (open)                                      not digested
 * </pre>
 */
final class StandardTrail {

    static Instant t(String hhmmss) {
        return Instant.parse("2026-11-26T" + hhmmss + "Z");
    }

    private StandardTrail() {
    }

    static TrailFixture build(Path dir) throws IOException {
        TrailFixture f = new TrailFixture(dir);
        f.segment(List.of(TrailFixture.invoke(t("10:00:05"), "iris"), TrailFixture.assumeRole(t("10:00:30")),
                TrailFixture.invoke(t("10:01:00"), "iris"), TrailFixture.invoke(t("10:02:00"), "iris")));
        f.segment(List.of(TrailFixture.denied(t("10:20:00")), TrailFixture.unauthenticated(t("10:21:00")),
                TrailFixture.invoke(t("10:22:00"), "wine")));
        f.digest(t("11:00:00"));
        f.segment(List.of(TrailFixture.invoke(t("11:10:00"), "iris"), TrailFixture.invoke(t("11:12:00"), "iris"),
                TrailFixture.invoke(t("11:15:00"), "iris"), TrailFixture.denied(t("11:30:00"))));
        f.segment(List.of(TrailFixture.invoke(t("11:45:00"), "iris")));
        f.digest(t("12:00:00"));
        f.digest(t("13:00:00"));
        f.segment(List.of(TrailFixture.invoke(t("13:10:00"), "iris")));
        f.digest(t("14:00:00"));
        f.segment(List.of(TrailFixture.invoke(t("14:10:00"), "iris")));
        f.openSegment(List.of(TrailFixture.invoke(t("14:20:00"), "iris")));
        return f;
    }
}
