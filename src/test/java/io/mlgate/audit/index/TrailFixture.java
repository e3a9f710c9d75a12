package io.mlgate.audit.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/** A small generated audit folder with known contents, and the expected answer of any lookup over it. */
final class TrailFixture {

    static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    /** One written event: what it is and where it is. */
    record Written(LogFiles.Spec spec, String line, long seq, int ordinal) {
        EventPosition position() {
            return new EventPosition(spec.time().getEpochSecond(), seq, ordinal);
        }
    }

    final Path dir;
    final List<Written> written = new ArrayList<>();
    private final Random random = new Random(42);
    private int generated;

    TrailFixture(Path dir) {
        this.dir = dir;
    }

    /**
     * The next {@code n} events: three per second, every tenth one four seconds late (so log order and time order
     * differ, and seconds repeat across files).
     */
    List<LogFiles.Spec> next(int n) {
        List<LogFiles.Spec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = generated++;
            Instant t = T0.plusSeconds(k / 3 - (k % 10 == 9 ? 4 : 0));
            out.add(LogFiles.generated(random, t));
        }
        return out;
    }

    Path gz(long seq, List<LogFiles.Spec> specs) throws IOException {
        Path file = dir.resolve(LogFiles.segmentName(T0, seq) + ".gz");
        LogFiles.writeGz(file, LogFiles.lines(record(seq, specs)));
        return file;
    }

    Path jsonl(long seq, List<LogFiles.Spec> specs) throws IOException {
        Path file = dir.resolve(LogFiles.segmentName(T0, seq));
        LogFiles.append(file, LogFiles.lines(record(seq, specs)));
        return file;
    }

    /** Notes the events of a file (continuing its ordinals) and returns their lines. */
    List<String> record(long seq, List<LogFiles.Spec> specs) {
        int ordinal = (int) written.stream().filter(w -> w.seq() == seq).count();
        List<String> lines = new ArrayList<>();
        for (LogFiles.Spec s : specs) {
            String line = s.json();
            written.add(new Written(s, line, seq, ordinal++));
            lines.add(line);
        }
        return lines;
    }

    /** The lines of one file, in file order. */
    List<String> linesOf(long seq) {
        return written.stream().filter(w -> w.seq() == seq).map(Written::line).toList();
    }

    /** Expected lookup answer: matching events newest first. */
    List<Written> expected(Predicate<LogFiles.Spec> filter) {
        return written.stream().filter(w -> filter.test(w.spec()))
                .sorted(Comparator.comparing(Written::position).reversed()).toList();
    }

    /** Every page of a lookup, concatenated. */
    static List<IndexedEvent> all(EventIndex index, EventQuery q, int pageSize) throws IOException {
        List<IndexedEvent> out = new ArrayList<>();
        EventPosition after = null;
        for (int pages = 0; pages < 100_000; pages++) {
            EventPage page = index.lookup(q, after, pageSize);
            out.addAll(page.events());
            if (page.next().isEmpty()) {
                return out;
            }
            after = page.next().get();
        }
        throw new AssertionError("paging does not end");
    }

    static List<String> lines(List<IndexedEvent> events) {
        return events.stream().map(IndexedEvent::record).toList();
    }

    static List<String> expectedLines(List<Written> ws) {
        return ws.stream().map(Written::line).toList();
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
}
