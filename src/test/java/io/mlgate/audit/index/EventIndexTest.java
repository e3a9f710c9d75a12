package io.mlgate.audit.index;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static io.mlgate.audit.index.TrailFixture.all;
import static io.mlgate.audit.index.TrailFixture.expectedLines;
import static io.mlgate.audit.index.TrailFixture.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventIndexTest {

    @TempDir
    Path dir;

    private TrailFixture trail;
    private final List<EventIndex> opened = new ArrayList<>();

    @BeforeEach
    void threeSegments() throws IOException {
        trail = new TrailFixture(dir);
        trail.gz(1, trail.next(250));
        trail.gz(2, trail.next(250));
        trail.jsonl(3, trail.next(100));
    }

    @AfterEach
    void closeIndexes() {
        opened.forEach(EventIndex::close);
    }

    private EventIndex open() {
        EventIndex index = EventIndex.open(dir);
        opened.add(index);
        return index;
    }

    private LogFiles.Spec sample(Predicate<LogFiles.Spec> p) {
        return trail.written.stream().map(TrailFixture.Written::spec).filter(p).findFirst().orElseThrow();
    }

    private void assertLookup(EventIndex index, LookupKey key, String value, Predicate<LogFiles.Spec> expected)
            throws IOException {
        List<TrailFixture.Written> want = trail.expected(expected);
        assertThat(want).as("the fixture has events for " + key).isNotEmpty();
        assertThat(want.size()).as("and events without " + key).isLessThan(trail.written.size());
        List<IndexedEvent> got = all(index, EventQuery.all().withAttribute(new LookupAttribute(key, value)), 50);
        assertThat(lines(got)).as(key + "=" + value).isEqualTo(expectedLines(want));
    }

    @Test
    void noFilterReturnsEveryEventNewestFirst() throws IOException {
        EventIndex index = open();
        List<IndexedEvent> got = all(index, EventQuery.all(), 50);
        assertThat(lines(got)).isEqualTo(expectedLines(trail.expected(s -> true)));
        assertThat(got.get(0).position()).isEqualTo(trail.expected(s -> true).get(0).position());
    }

    @Test
    void everyAttributeFilters() throws IOException {
        EventIndex index = open();
        LogFiles.Spec s = sample(x -> x.identityType().equals("AssumedRole") && x.resourceArn() != null);
        assertLookup(index, LookupKey.EVENT_NAME, "CreateEndpoint", x -> x.eventName().equals("CreateEndpoint"));
        assertLookup(index, LookupKey.EVENT_SOURCE, "kms.amazonaws.com",
                x -> x.eventSource().equals("kms.amazonaws.com"));
        assertLookup(index, LookupKey.USERNAME, s.username(), x -> x.username().equals(s.username()));
        assertLookup(index, LookupKey.USERNAME, "alice", x -> x.username().equals("alice"));
        assertLookup(index, LookupKey.ACCESS_KEY_ID, s.accessKeyId(), x -> s.accessKeyId().equals(x.accessKeyId()));
        assertLookup(index, LookupKey.READ_ONLY, "true", LogFiles.Spec::readOnly);
        assertLookup(index, LookupKey.READ_ONLY, "FALSE", x -> !x.readOnly());
        assertLookup(index, LookupKey.RESOURCE_TYPE, "AWS::KMS::Key", x -> "AWS::KMS::Key".equals(x.resourceType()));
        assertLookup(index, LookupKey.RESOURCE_NAME, s.resourceArn(), x -> s.resourceArn().equals(x.resourceArn()));
        assertLookup(index, LookupKey.RESOURCE_NAME, s.resourceName(),
                x -> s.resourceName().equals(x.resourceName()));
        LogFiles.Spec last = trail.written.get(trail.written.size() - 1).spec();
        LogFiles.Spec first = trail.written.get(0).spec();
        assertLookup(index, LookupKey.EVENT_ID, last.eventId(), x -> x.eventId().equals(last.eventId()));
        assertLookup(index, LookupKey.EVENT_ID, first.eventId(), x -> x.eventId().equals(first.eventId()));
    }

    @Test
    void valuesMatchExactlyAndCaseSensitively() throws IOException {
        EventIndex index = open();
        for (LookupAttribute a : List.of(new LookupAttribute(LookupKey.EVENT_NAME, "createendpoint"),
                new LookupAttribute(LookupKey.EVENT_NAME, "Create"),
                new LookupAttribute(LookupKey.USERNAME, "ALICE"),
                new LookupAttribute(LookupKey.RESOURCE_NAME, "endpoint/iris"),
                new LookupAttribute(LookupKey.EVENT_ID, "00000000-0000-4000-8000-000000000000"),
                new LookupAttribute(LookupKey.ACCESS_KEY_ID, "AKIANOTUSED"))) {
            assertThat(index.lookup(EventQuery.all().withAttribute(a), null, 50).events()).as(a.toString()).isEmpty();
        }
    }

    @Test
    void dataEventsCanBeLeftOut() throws IOException {
        EventIndex index = open();
        List<IndexedEvent> got = all(index, EventQuery.all().includingDataEvents(false), 50);
        assertThat(lines(got)).isEqualTo(expectedLines(trail.expected(s -> !s.dataEvent())));
        assertThat(got).noneMatch(e -> e.eventName().equals("InvokeEndpoint"));
        List<IndexedEvent> invokes = all(index, EventQuery.all().includingDataEvents(false)
                .withAttribute(new LookupAttribute(LookupKey.EVENT_NAME, "InvokeEndpoint")), 50);
        assertThat(invokes).isEmpty();
    }

    @Test
    void pagesConcatenateToTheWholeAnswerWithoutDuplicates() throws IOException {
        EventIndex index = open();
        for (int pageSize : new int[] {7, 50}) {
            List<IndexedEvent> got = all(index, EventQuery.all(), pageSize);
            assertThat(lines(got)).isEqualTo(expectedLines(trail.expected(s -> true)));
            Set<EventPosition> positions = new HashSet<>();
            got.forEach(e -> assertThat(positions.add(e.position())).isTrue());
        }
        List<IndexedEvent> filtered = all(index, EventQuery.all()
                .withAttribute(new LookupAttribute(LookupKey.READ_ONLY, "true")), 1);
        assertThat(lines(filtered)).isEqualTo(expectedLines(trail.expected(LogFiles.Spec::readOnly)));
    }

    @Test
    void aPageSaysWhetherMoreFollow() throws IOException {
        EventIndex index = open();
        int total = trail.written.size();
        EventPage exact = index.lookup(EventQuery.all().between(Long.MIN_VALUE, Long.MAX_VALUE), null, total);
        assertThat(exact.events()).hasSize(total);
        assertThat(exact.next()).isEmpty();
        EventPage short1 = index.lookup(EventQuery.all(), null, total - 1);
        assertThat(short1.next()).contains(short1.events().get(total - 2).position());
    }

    @Test
    void timeRangeIsInclusive() throws IOException {
        EventIndex index = open();
        long from = TrailFixture.T0.getEpochSecond() + 100;
        long to = TrailFixture.T0.getEpochSecond() + 140;
        List<IndexedEvent> got = all(index, EventQuery.all().between(from, to), 9);
        List<TrailFixture.Written> want = trail.expected(s -> s.time().getEpochSecond() >= from
                && s.time().getEpochSecond() <= to);
        assertThat(lines(got)).isEqualTo(expectedLines(want));
        assertThat(got.get(0).position().eventSecond()).isEqualTo(to);
        assertThat(got.get(got.size() - 1).position().eventSecond()).isEqualTo(from);
        // one second only, found in files 1 and 2
        long boundary = trail.written.get(248).spec().time().getEpochSecond();
        List<IndexedEvent> one = all(index, EventQuery.all().between(boundary, boundary), 2);
        assertThat(lines(one)).isEqualTo(expectedLines(trail.expected(s -> s.time().getEpochSecond() == boundary)));
        assertThat(one).extracting(e -> e.position().segmentSequence()).contains(1L, 2L);
    }

    @Test
    void emptyAndOutsideRangesFindNothing() throws IOException {
        EventIndex index = open();
        long t = TrailFixture.T0.getEpochSecond();
        assertThat(index.lookup(EventQuery.all().between(t + 10, t + 9), null, 50).events()).isEmpty();
        assertThat(index.lookup(EventQuery.all().between(t - 1000, t - 3), null, 50).events()).isEmpty();
        assertThat(index.lookup(EventQuery.all().between(t + 100_000, Long.MAX_VALUE), null, 50).events())
                .isEmpty();
    }

    @Test
    void indexedFieldsAreReported() throws IOException {
        EventIndex index = open();
        LogFiles.Spec s = sample(x -> x.identityType().equals("AssumedRole") && x.resourceArn() != null);
        IndexedEvent e = index.lookup(EventQuery.all().withAttribute(new LookupAttribute(LookupKey.EVENT_ID,
                s.eventId())), null, 5).events().get(0);
        assertThat(e.eventId()).isEqualTo(s.eventId());
        assertThat(e.eventName()).isEqualTo(s.eventName());
        assertThat(e.eventSource()).isEqualTo(s.eventSource());
        assertThat(e.readOnly()).isEqualTo(s.readOnly());
        assertThat(e.username()).isEqualTo(s.username()).endsWith("-session");
        assertThat(e.accessKeyId()).isEqualTo(s.accessKeyId());
        assertThat(e.eventCategory()).isEqualTo(s.dataEvent() ? "Data" : "Management");
        assertThat(e.resources()).containsExactly(new IndexedEvent.Resource(s.resourceType(), s.resourceArn(),
                s.resourceName()));
        assertThat(e.position().eventSecond()).isEqualTo(s.time().getEpochSecond());
    }

    @Test
    void sidecarsAreWrittenAndReused() throws IOException, InterruptedException {
        EventIndex first = open();
        assertThat(first.awaitRebuild(Duration.ofSeconds(30))).isTrue();
        assertThat(first.sidecarBuilds()).isEqualTo(2);
        Path idx = dir.resolve("index").resolve(LogFiles.segmentName(TrailFixture.T0, 1).replace(".jsonl", ".idx"));
        assertThat(idx).exists();
        first.close();
        EventIndex second = open();
        assertThat(all(second, EventQuery.all(), 50)).hasSize(trail.written.size());
        assertThat(second.sidecarBuilds()).isZero();
    }

    @Test
    void aDeletedIndexIsRebuiltInTheBackground() throws IOException, InterruptedException {
        EventIndex first = open();
        List<IndexedEvent> before = all(first, EventQuery.all(), 50);
        first.close();
        TrailFixture.deleteTree(dir.resolve("index"));
        EventIndex second = open();
        assertThat(second.awaitRebuild(Duration.ofSeconds(30))).isTrue();
        assertThat(second.sidecarBuilds()).isEqualTo(2);
        assertThat(dir.resolve("index")).isDirectoryContaining("glob:**.idx");
        assertThat(lines(all(second, EventQuery.all(), 50))).isEqualTo(lines(before));
    }

    @Test
    void aLookupDoesNotWaitForTheRebuildToFinishButIsComplete() throws IOException {
        TrailFixture.deleteTree(dir.resolve("index"));
        EventIndex index = open();
        List<IndexedEvent> got = all(index, EventQuery.all()
                .withAttribute(new LookupAttribute(LookupKey.EVENT_NAME, "Decrypt")), 50);
        assertThat(lines(got)).isEqualTo(expectedLines(trail.expected(s -> s.eventName().equals("Decrypt"))));
    }

    @Test
    void aCorruptSidecarIsRebuilt() throws IOException, InterruptedException {
        EventIndex first = open();
        first.awaitRebuild(Duration.ofSeconds(30));
        first.close();
        Path idx = sidecar(2);
        try (FileChannel ch = FileChannel.open(idx, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = ch.size() - 100; // inside the body
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, at);
        }
        EventIndex second = open();
        assertThat(lines(all(second, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
        assertThat(second.sidecarBuilds()).isEqualTo(1);
    }

    @Test
    void aCorruptHeaderIsRebuilt() throws IOException, InterruptedException {
        EventIndex first = open();
        first.awaitRebuild(Duration.ofSeconds(30));
        first.close();
        Path idx = sidecar(1);
        try (FileChannel ch = FileChannel.open(idx, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f}), 36); // minTime
        }
        EventIndex second = open();
        assertThat(lines(all(second, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
        assertThat(second.sidecarBuilds()).isEqualTo(1);
    }

    @Test
    void aStaleSidecarIsRebuilt() throws IOException, InterruptedException {
        EventIndex first = open();
        first.awaitRebuild(Duration.ofSeconds(30));
        first.close();
        // the sidecar of file 1 put in place of file 2's: it names another log file
        Files.copy(sidecar(1), sidecar(2), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        EventIndex second = open();
        assertThat(lines(all(second, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
        assertThat(second.sidecarBuilds()).isEqualTo(1);
        second.close();
        // file 2 rewritten with other contents (another size): its sidecar no longer describes it
        List<String> kept = trail.linesOf(2).subList(0, 10);
        trail.written.removeIf(w -> w.seq() == 2 && w.ordinal() >= 10);
        LogFiles.writeGz(dir.resolve(LogFiles.segmentName(TrailFixture.T0, 2) + ".gz"), LogFiles.lines(kept));
        EventIndex third = open();
        assertThat(lines(all(third, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
        assertThat(third.sidecarBuilds()).isEqualTo(1);
    }

    @Test
    void theActiveSegmentIsTailedAtEachLookup() throws IOException {
        EventIndex index = open();
        assertThat(all(index, EventQuery.all(), 50)).hasSize(600);
        Path active = dir.resolve(LogFiles.segmentName(TrailFixture.T0, 3));
        List<LogFiles.Spec> more = trail.next(3);
        List<String> newLines = trail.record(3, more);
        byte[] bytes = LogFiles.lines(newLines);
        int cut = bytes.length - 40; // the last record is still being written
        LogFiles.append(active, java.util.Arrays.copyOf(bytes, cut));
        List<IndexedEvent> partial = all(index, EventQuery.all(), 50);
        assertThat(partial).hasSize(602);
        assertThat(lines(partial)).doesNotContain(newLines.get(2)).contains(newLines.get(0), newLines.get(1));
        LogFiles.append(active, java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
        assertThat(lines(all(index, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
    }

    @Test
    void theActiveSegmentClosedIntoGzipBetweenLookupsIsFollowed() throws IOException {
        EventIndex index = open();
        EventPage firstPage = index.lookup(EventQuery.all(), null, 20);
        // the gateway closes segment 3 (after two more records) and starts segment 4
        Path active = dir.resolve(LogFiles.segmentName(TrailFixture.T0, 3));
        List<String> tail = trail.record(3, trail.next(2));
        LogFiles.append(active, LogFiles.lines(tail));
        LogFiles.writeGz(dir.resolve(LogFiles.segmentName(TrailFixture.T0, 3) + ".gz"),
                LogFiles.lines(trail.linesOf(3)));
        Files.delete(active);
        trail.jsonl(4, trail.next(5));

        List<IndexedEvent> got = all(index, EventQuery.all(), 50);
        assertThat(lines(got)).isEqualTo(expectedLines(trail.expected(s -> true)));
        assertThat(index.sidecarBuilds()).isEqualTo(3);
        assertThat(sidecar(3)).exists();
        // a token issued while segment 3 was being tailed still continues at the same place
        EventPage secondPage = index.lookup(EventQuery.all(), firstPage.next().orElseThrow(), 20);
        List<String> all = expectedLines(trail.expected(s -> true).stream()
                .filter(w -> w.position().compareTo(firstPage.next().get()) < 0).toList());
        assertThat(lines(secondPage.events())).isEqualTo(all.subList(0, 20));
        // and a fresh index reads the same from the sidecar built from the tail
        EventIndex fresh = open();
        assertThat(lines(all(fresh, EventQuery.all(), 50))).isEqualTo(lines(got));
    }

    @Test
    void aCompressedFileDifferingFromWhatWasTailedIsIndexedAfresh() throws IOException {
        EventIndex index = open();
        assertThat(all(index, EventQuery.all(), 50)).hasSize(600);
        Path active = dir.resolve(LogFiles.segmentName(TrailFixture.T0, 3));
        // recovery cut a record out before compressing (not what the gateway does, but the index must not trust it)
        List<String> lines3 = new ArrayList<>(trail.linesOf(3));
        String removed = lines3.remove(5);
        trail.written.removeIf(w -> w.line().equals(removed));
        List<TrailFixture.Written> renumbered = new ArrayList<>();
        for (TrailFixture.Written w : trail.written) {
            renumbered.add(w.seq() == 3 && w.ordinal() > 5
                    ? new TrailFixture.Written(w.spec(), w.line(), 3, w.ordinal() - 1) : w);
        }
        trail.written.clear();
        trail.written.addAll(renumbered);
        LogFiles.writeGz(dir.resolve(LogFiles.segmentName(TrailFixture.T0, 3) + ".gz"), LogFiles.lines(lines3));
        Files.delete(active);
        assertThat(lines(all(index, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
    }

    @Test
    void anInterruptedLookupDoesNotBreakTheNextOnes() throws Exception {
        EventIndex index = open();
        assertThat(all(index, EventQuery.all(), 50)).hasSize(600);
        LogFiles.append(dir.resolve(LogFiles.segmentName(TrailFixture.T0, 3)),
                LogFiles.lines(trail.record(3, trail.next(1))));
        Thread interrupted = new Thread(() -> {
            Thread.currentThread().interrupt(); // closes the channels it touches
            try {
                index.lookup(EventQuery.all(), null, 50);
            } catch (IOException | RuntimeException expected) {
                // an interrupted lookup may fail
            }
        });
        interrupted.start();
        interrupted.join();
        assertThat(lines(all(index, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
    }

    @Test
    void singleMemberGzipIsAccepted() throws IOException {
        List<String> lines = trail.record(5, trail.next(200));
        LogFiles.writeSingleMemberGz(dir.resolve(LogFiles.segmentName(TrailFixture.T0, 5) + ".gz"),
                LogFiles.lines(lines));
        EventIndex index = open();
        assertThat(lines(all(index, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
    }

    @Test
    void aDeletedLogFileLeavesTheIndex() throws IOException, InterruptedException {
        EventIndex index = open();
        index.awaitRebuild(Duration.ofSeconds(30));
        assertThat(all(index, EventQuery.all(), 50)).hasSize(600);
        Files.delete(dir.resolve(LogFiles.segmentName(TrailFixture.T0, 1) + ".gz"));
        trail.written.removeIf(w -> w.seq() == 1);
        assertThat(lines(all(index, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
        assertThat(sidecar(1)).doesNotExist();
    }

    @Test
    void aDamagedLogFileKeepsTheRecordsBeforeTheDamage() throws IOException {
        Path gz = dir.resolve(LogFiles.segmentName(TrailFixture.T0, 1) + ".gz");
        byte[] bytes = Files.readAllBytes(gz);
        Files.write(gz, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated mid-member
        EventIndex index = open();
        List<IndexedEvent> got = all(index, EventQuery.all(), 50);
        long fromFile1 = got.stream().filter(e -> e.position().segmentSequence() == 1).count();
        assertThat(fromFile1).isPositive().isLessThan(250);
        assertThat(got).hasSize((int) (350 + fromFile1));
    }

    @Test
    void emptyOrMissingFolderHasNoEvents() throws IOException {
        EventIndex missing = EventIndex.open(dir.resolve("nope"));
        opened.add(missing);
        assertThat(missing.lookup(EventQuery.all(), null, 50).events()).isEmpty();
    }

    @Test
    void misuseIsRefused() {
        EventIndex index = open();
        assertThatThrownBy(() -> index.lookup(EventQuery.all(), null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LookupAttribute(LookupKey.READ_ONLY, "yes"))
                .isInstanceOf(IllegalArgumentException.class);
        index.close();
        assertThatThrownBy(() -> index.lookup(EventQuery.all(), null, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lookupsRunConcurrentlyWithAppendsAndRolls() throws Exception {
        EventIndex index = open();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread t = new Thread(() -> {
                int last = 0;
                while (!done.get()) {
                    try {
                        int n = all(index, EventQuery.all(), 50).size();
                        if (n < last) {
                            failures.add(new AssertionError("events went missing: " + n + " < " + last));
                        }
                        last = n;
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            t.start();
            readers.add(t);
        }
        long seq = 3;
        for (int roll = 0; roll < 4; roll++) {
            Path active = dir.resolve(LogFiles.segmentName(TrailFixture.T0, seq));
            for (int i = 0; i < 5; i++) {
                LogFiles.append(active, LogFiles.lines(trail.record(seq, trail.next(10))));
            }
            Path tmp = dir.resolve(LogFiles.segmentName(TrailFixture.T0, seq) + ".gz.tmp");
            LogFiles.writeGz(tmp, LogFiles.lines(trail.linesOf(seq)));
            Files.move(tmp, dir.resolve(LogFiles.segmentName(TrailFixture.T0, seq) + ".gz"),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            seq++;
            trail.jsonl(seq, trail.next(3));
            Files.delete(active);
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(lines(all(index, EventQuery.all(), 50))).isEqualTo(expectedLines(trail.expected(s -> true)));
    }

    private Path sidecar(long seq) {
        return dir.resolve("index").resolve(LogFiles.segmentName(TrailFixture.T0, seq).replace(".jsonl", ".idx"));
    }
}
