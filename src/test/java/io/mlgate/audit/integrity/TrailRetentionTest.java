package io.mlgate.audit.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailRetentionTest {

    @TempDir
    Path dir;

    @Test
    void deletingOldPeriodsLeavesAValidChainThatRecordsWhatWasRemoved() throws IOException {
        TestTrail t = TestTrail.standard(dir);
        // now: one hour after digest 4; keep 150 minutes -> digests 1 and 2 (ended >= 3 h ago) go, 3 and 4 stay
        TrailRetention retention = new TrailRetention(t.audit, t.keys, t.clock);
        RetentionSummary s = retention.apply(RetentionPolicy.deleteOlderThan(Duration.ofMinutes(150)));
        assertThat(s.digestsRemoved()).isEqualTo(2);
        assertThat(s.logFilesRemoved()).isEqualTo(7);
        assertThat(s.firstDigestSequence()).isEqualTo(1);
        assertThat(s.lastDigestSequence()).isEqualTo(2);
        assertThat(s.firstLogSequence()).isEqualTo(1);
        assertThat(s.lastLogSequence()).isEqualTo(7);
        assertThat(s.removedThrough()).isEqualTo(t.digests.get(1).digestEndTime());
        assertThat(s.archive()).isNull();
        assertThat(Files.exists(t.digestFile(1))).isFalse();
        assertThat(TestTrail.logFiles(t.audit)).hasSize(5);
        assertThat(Files.exists(t.audit.resolve("digests/retention.json.sig"))).isTrue();

        ValidationReport r = t.validate();
        assertThat(r.problems()).isEmpty();
        assertThat(r.information()).anyMatch(i -> i.contains("begins after retention"));
        assertThat(r.digestsChecked()).isEqualTo(2);

        // a witness of a removed digest is still accepted through the record
        assertThat(TestTrail.validate(t.audit, ValidationOptions.defaults()
                .withWitness(t.digests.get(0).witness())).problems()).isEmpty();

        // the chain continues: the next digest follows digest 4 and the log sequence continues
        t.logs(1, 2);
        WrittenDigest d5 = t.digest();
        assertThat(d5.firstLogSequence()).isEqualTo(13);
        // a second run never removes the newest digest, and the record accumulates
        t.clock.advance(Duration.ofDays(10));
        RetentionSummary all = retention.apply(RetentionPolicy.deleteOlderThan(Duration.ZERO));
        assertThat(all.digestsRemoved()).isEqualTo(2);
        assertThat(Files.exists(t.audit.resolve(d5.digestS3Object()))).isTrue();
        assertThat(t.validate().problems()).isEmpty();
        t.digest();
        assertThat(t.validate().problems()).isEmpty();
    }

    @Test
    void withoutTheRecordTheRemovedPredecessorIsAMissingDigest() throws IOException {
        TestTrail t = TestTrail.standard(dir);
        new TrailRetention(t.audit, t.keys, t.clock).apply(RetentionPolicy.deleteOlderThan(Duration.ofMinutes(150)));
        Path record = t.audit.resolve("digests/retention.json");
        byte[] saved = Files.readAllBytes(record);
        Files.delete(record);
        Files.delete(t.audit.resolve("digests/retention.json.sig"));
        assertThat(t.validate().problemTypes()).containsExactly(ProblemType.MISSING_DIGEST);

        // a record edited after signing does not verify, and retention refuses to act on it
        Files.write(record, new String(saved, java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"mode\" : \"delete\"", "\"mode\" : \"archive\"").getBytes());
        assertThat(t.validate().problemTypes()).contains(ProblemType.BAD_SIGNATURE);
        assertThatThrownBy(() -> new TrailRetention(t.audit, t.keys, t.clock)
                .apply(RetentionPolicy.deleteOlderThan(Duration.ZERO))).isInstanceOf(BrokenChainException.class);
    }

    @Test
    void archivedPeriodsFormAValidTrailAndTheLiveTrailStaysValid() throws IOException {
        TestTrail t = TestTrail.standard(dir);
        Path archive = dir.resolve("archive");
        RetentionSummary s = new TrailRetention(t.audit, t.keys, t.clock)
                .apply(RetentionPolicy.archiveOlderThan(Duration.ofMinutes(90), archive));
        assertThat(s.digestsRemoved()).isEqualTo(3);
        assertThat(s.archive()).isEqualTo(archive.toAbsolutePath());
        ValidationReport archived = TestTrail.validate(archive, ValidationOptions.defaults());
        assertThat(archived.problems()).isEmpty();
        assertThat(archived.digestsChecked()).isEqualTo(3);
        assertThat(archived.logFilesChecked()).isEqualTo(7);
        ValidationReport live = t.validate();
        assertThat(live.problems()).isEmpty();
        assertThat(live.logFilesChecked()).isEqualTo(5);
        // an archive copy anywhere validates the same; tampering with it does not
        Path copy = dir.resolve("archive-copy");
        TestTrail.copyTree(archive, copy);
        assertThat(TestTrail.validate(copy, ValidationOptions.defaults()).problems()).isEmpty();
        Files.delete(TestTrail.logFiles(copy).get(0));
        assertThat(TestTrail.validate(copy, ValidationOptions.defaults()).problemTypes())
                .containsExactly(ProblemType.MISSING_LOG_FILE);
    }

    @Test
    void anInterruptedRunsLeftoversAreReportedAsInformationAndRemovedNextTime() throws IOException {
        TestTrail t = TestTrail.standard(dir);
        Path keep = dir.resolve("kept");
        Files.createDirectories(keep);
        Path d1 = t.digestFile(1);
        Path log1 = TestTrail.logFiles(t.audit).get(0);
        Files.copy(d1, keep.resolve("d1"));
        Files.copy(log1, keep.resolve("l1"));
        TrailRetention retention = new TrailRetention(t.audit, t.keys, t.clock);
        retention.apply(RetentionPolicy.deleteOlderThan(Duration.ofMinutes(150)));
        // as if the run had stopped after writing its record
        Files.copy(keep.resolve("d1"), d1);
        Files.copy(keep.resolve("l1"), log1);
        ValidationReport r = t.validate();
        assertThat(r.problems()).isEmpty();
        assertThat(r.information()).anyMatch(i -> i.contains("still present"));
        RetentionSummary s = retention.apply(RetentionPolicy.deleteOlderThan(Duration.ofDays(365)));
        assertThat(s.digestsRemoved()).isZero();
        assertThat(s.leftoversRemoved()).contains(log1.getFileName().toString());
        assertThat(Files.exists(d1)).isFalse();
        assertThat(t.validate().information()).noneMatch(i -> i.contains("still present"));
    }
}
