package io.mlgate.audit.index.bench;

import io.mlgate.audit.index.EventIndex;
import io.mlgate.audit.index.EventPage;
import io.mlgate.audit.index.EventQuery;
import io.mlgate.audit.index.LogFiles;
import io.mlgate.audit.index.LookupAttribute;
import io.mlgate.audit.index.LookupKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * LookupEvents over 1,000,000 realistic events in 16 closed log files (about 30 days): the first page with no
 * filter, an EventName matching about 1% of events, an AccessKeyId used by 20 events, a one-minute window in the
 * middle of the trail, an EventId (one event), and building every sidecar from the log files. The folder is generated
 * once under {@code target/lookup-bench/} and reused. Run with
 * {@code bench/jmh.sh LookupBenchmark -f 1 -wi 2 -i 3}; not part of the test suite.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LookupBenchmark {

    static final int EVENTS = 1_000_000;
    static final int FILES = 16;
    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    static final long SPAN_SECONDS = 30L * 86_400;
    static final String RARE_KEY = "AKIARAREEXAMPLE00001";
    static final String RARE_USER = "rare";
    /** Every this many events one is by the rare user with the rare key (20 in all). */
    static final int RARE_EVERY = 50_000;
    static final Path ROOT = Paths.get("target", "lookup-bench");

    /** The generated folder (reused between runs) and its facts. */
    static Path folder() throws IOException {
        Path dir = ROOT.resolve("audit");
        Path done = ROOT.resolve("complete");
        if (Files.exists(done)) {
            return dir;
        }
        deleteTree(ROOT);
        Files.createDirectories(dir);
        Random random = new Random(2026);
        int perFile = EVENTS / FILES;
        for (int f = 0; f < FILES; f++) {
            List<String> lines = new ArrayList<>(perFile);
            Instant created = null;
            for (int j = 0; j < perFile; j++) {
                int i = f * perFile + j;
                Instant t = T0.plusMillis(i * (SPAN_SECONDS * 1000 / EVENTS));
                created = created == null ? t : created;
                LogFiles.Spec s = LogFiles.generated(random, t);
                if (i % RARE_EVERY == RARE_EVERY / 2) {
                    s = new LogFiles.Spec(s.eventId(), s.time(), s.eventName(), s.eventSource(), s.readOnly(),
                            "IAMUser", "arn:aws:iam::123456789012:user/" + RARE_USER, RARE_USER, RARE_KEY,
                            s.dataEvent(), s.resourceArn(), s.resourceType());
                }
                lines.add(s.json());
            }
            LogFiles.writeGz(dir.resolve(LogFiles.segmentName(created, f + 1) + ".gz"), LogFiles.lines(lines));
        }
        Files.writeString(done, "1000000 events in 16 files\n");
        return dir;
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (var s = Files.walk(p)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** An index over the generated folder with every sidecar built. */
    @State(Scope.Benchmark)
    public static class Trail {
        EventIndex index;
        long middle;
        String someEventId;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            index = EventIndex.open(folder());
            if (!index.awaitRebuild(Duration.ofMinutes(30))) {
                throw new IllegalStateException("index not built");
            }
            middle = T0.getEpochSecond() + SPAN_SECONDS / 2;
            EventPage p = index.lookup(EventQuery.all().between(middle, middle + 60), null, 1);
            someEventId = p.events().get(0).eventId();
            System.out.printf("%nheap used after setup: %d MiB%n", heapMiB());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            System.out.printf("%nheap used after the run: %d MiB%n", heapMiB());
            index.close();
        }
    }

    static long heapMiB() {
        Runtime r = Runtime.getRuntime();
        System.gc();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    @Benchmark
    public EventPage noFilterFirstPage(Trail t) throws IOException {
        return t.index.lookup(EventQuery.all(), null, 50);
    }

    @Benchmark
    public EventPage eventNameOnePercent(Trail t) throws IOException {
        return t.index.lookup(EventQuery.all().withAttribute(
                new LookupAttribute(LookupKey.EVENT_NAME, "CreateEndpoint")), null, 50);
    }

    @Benchmark
    public EventPage rareAccessKeyId(Trail t) throws IOException {
        return t.index.lookup(EventQuery.all().withAttribute(
                new LookupAttribute(LookupKey.ACCESS_KEY_ID, RARE_KEY)), null, 50);
    }

    @Benchmark
    public EventPage timeWindowInTheMiddle(Trail t) throws IOException {
        return t.index.lookup(EventQuery.all().between(t.middle, t.middle + 60), null, 50);
    }

    @Benchmark
    public EventPage eventIdAmongAll(Trail t) throws IOException {
        return t.index.lookup(EventQuery.all().withAttribute(
                new LookupAttribute(LookupKey.EVENT_ID, t.someEventId)), null, 50);
    }

    /** A folder of hard links to the generated log files, whose index is deleted before each rebuild. */
    @State(Scope.Benchmark)
    public static class Copy {
        Path dir;

        @Setup(Level.Trial)
        public void link() throws IOException {
            Path source = folder();
            dir = ROOT.resolve("rebuild");
            deleteTree(dir);
            Files.createDirectories(dir);
            try (var s = Files.list(source)) {
                for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz")).toList()) {
                    Files.createLink(dir.resolve(p.getFileName()), p);
                }
            }
        }

        @Setup(Level.Invocation)
        public void dropIndex() throws IOException {
            deleteTree(dir.resolve("index"));
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long rebuildEverySidecar(Copy c) throws Exception {
        try (EventIndex index = EventIndex.open(c.dir)) {
            if (!index.awaitRebuild(Duration.ofMinutes(30))) {
                throw new IllegalStateException("rebuild did not finish");
            }
            return index.lookup(EventQuery.all(), null, 1).events().size();
        }
    }
}
