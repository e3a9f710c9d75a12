package io.mlgate.runtime.capture;

import io.mlgate.kms.artifact.KeyServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encrypted capture file format: header, frames, end frame; what a crash may leave and what it may not. */
class CaptureFileFormatTest {

    static final String ROLE = "arn:aws:iam::123456789012:role/runtime";
    static final Map<String, String> CONTEXT = CaptureFileHeader.context("iris-ab", "A",
            "2026/11/27/10/59-58-250-x" + CaptureFileHeader.EXTENSION);

    @TempDir
    Path dir;

    final LocalCaptureKeys keys = LocalCaptureKeys.withKey(ROLE);

    static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The frames' byte ranges of the last file written: [start, end) per frame, the header's first. */
    final List<long[]> ranges = new ArrayList<>();

    Path write(boolean end, String... records) throws IOException {
        ranges.clear();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CaptureFileSealer sealer = CaptureFileSealer.create(keys.generate(ROLE, "alias/capture", CONTEXT),
                CONTEXT)) {
            byte[] header = sealer.header();
            out.writeBytes(header);
            ranges.add(new long[]{0, header.length});
            for (String r : records) {
                byte[] frame = sealer.seal(line(r));
                assertThat(frame).hasSize(CaptureFileSealer.frameBytes(line(r).length));
                ranges.add(new long[]{out.size(), out.size() + frame.length});
                out.writeBytes(frame);
            }
            if (end) {
                byte[] frame = sealer.end();
                ranges.add(new long[]{out.size(), out.size() + frame.length});
                out.writeBytes(frame);
            }
        }
        Path file = dir.resolve("f" + System.nanoTime() + CaptureFileHeader.EXTENSION);
        Files.write(file, out.toByteArray());
        return file;
    }

    List<String> records;

    CaptureFileReader.Contents read(Path file) throws IOException {
        records = new ArrayList<>();
        return CaptureFileReader.read(file, CONTEXT, keys,
                r -> records.add(new String(r, StandardCharsets.UTF_8).strip()));
    }

    @Test
    void roundTripsRecordsAndHidesThem() throws Exception {
        Path file = write(true, "{\"secret\":\"alice@example.com\"}", "{\"n\":2}", "{\"n\":3}");
        CaptureFileReader.Contents c = read(file);
        assertThat(records).containsExactly("{\"secret\":\"alice@example.com\"}", "{\"n\":2}", "{\"n\":3}");
        assertThat(c.records()).isEqualTo(3);
        assertThat(c.sealed()).isTrue();
        assertThat(c.tornTail()).isFalse();
        assertThat(c.header().keyArn()).isEqualTo(keys.arnOf("alias/capture"));
        assertThat(c.header().context()).isEqualTo(CONTEXT);
        String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(raw).startsWith("MLGC").doesNotContain("alice@example.com").doesNotContain("secret");
        assertThat(CaptureFileReader.header(file).keyArn()).isEqualTo(keys.arnOf("alias/capture"));
    }

    @Test
    void aFileIsReadableWhileOpenAndAnEmptyOneHasNoRecords() throws Exception {
        CaptureFileReader.Contents open = read(write(false, "a", "b"));
        assertThat(records).containsExactly("a", "b");
        assertThat(open.sealed()).as("no end frame yet").isFalse();
        assertThat(open.tornTail()).isFalse();
        CaptureFileReader.Contents empty = read(write(true));
        assertThat(empty.records()).isZero();
        assertThat(empty.sealed()).isTrue();
    }

    @Test
    void aTornLastFrameIsSkippedWhereverTheCrashCutIt() throws Exception {
        Path file = write(false, "one", "two", "three");
        byte[] whole = Files.readAllBytes(file);
        long[] last = ranges.get(ranges.size() - 1);
        for (long cut = last[0] + 1; cut < last[1]; cut++) {
            Files.write(file, Arrays.copyOf(whole, (int) cut));
            CaptureFileReader.Contents c = read(file);
            assertThat(records).as("cut at %d", cut).containsExactly("one", "two");
            assertThat(c.tornTail()).isTrue();
            assertThat(c.sealed()).isFalse();
        }
        // a complete last frame whose bytes did not all reach the disk (garbage where the tag is)
        byte[] garbled = whole.clone();
        garbled[garbled.length - 1] ^= 0x55;
        Files.write(file, garbled);
        assertThat(read(file).tornTail()).isTrue();
        assertThat(records).containsExactly("one", "two");
        // a zero-filled tail, as a file system may leave after a crash
        Files.write(file, Arrays.copyOf(whole, whole.length + 300));
        assertThat(read(file).tornTail()).isTrue();
        assertThat(records).containsExactly("one", "two", "three");
    }

    @Test
    void aFileTornWhileItsHeaderWasWrittenHasNoRecords() throws Exception {
        Path file = write(false, "one");
        byte[] whole = Files.readAllBytes(file);
        for (int cut : new int[]{0, 3, 9, (int) ranges.get(0)[1] - 1}) {
            Files.write(file, Arrays.copyOf(whole, cut));
            CaptureFileReader.Contents c = read(file);
            assertThat(c.header()).as("cut at %d", cut).isNull();
            assertThat(c.tornTail()).isTrue();
            assertThat(records).isEmpty();
        }
    }

    @Test
    void aTamperedFrameIsAnErrorNotATornTail() throws Exception {
        Path file = write(true, "one", "two", "three");
        byte[] whole = Files.readAllBytes(file);
        long[] second = ranges.get(2);
        for (long at : new long[]{second[0] + 4, second[0] + 10, second[1] - 1}) { // type, nonce, tag
            byte[] altered = whole.clone();
            altered[(int) at] ^= 1;
            Files.write(file, altered);
            assertThatThrownBy(() -> read(file)).as("byte %d", at).isInstanceOf(CaptureFileException.class);
        }
        // swapping two frames breaks their index binding
        long[] first = ranges.get(1);
        byte[] swapped = whole.clone();
        byte[] a = Arrays.copyOfRange(whole, (int) first[0], (int) first[1]);
        byte[] b = Arrays.copyOfRange(whole, (int) second[0], (int) second[1]);
        if (a.length == b.length) {
            System.arraycopy(b, 0, swapped, (int) first[0], b.length);
            System.arraycopy(a, 0, swapped, (int) second[0], a.length);
            Files.write(file, swapped);
            assertThatThrownBy(() -> read(file)).isInstanceOf(CaptureFileException.class);
        }
        // the last record of a closed file is protected by the end frame after it
        byte[] lastRecord = whole.clone();
        lastRecord[(int) ranges.get(3)[1] - 1] ^= 1;
        Files.write(file, lastRecord);
        assertThatThrownBy(() -> read(file)).isInstanceOf(CaptureFileException.class)
                .hasMessageContaining("fails authentication");
        // nothing may follow the end frame
        Files.write(file, Arrays.copyOf(whole, whole.length + 1));
        whole = Arrays.copyOf(whole, whole.length + 1);
        whole[whole.length - 1] = 7;
        Files.write(file, whole);
        assertThatThrownBy(() -> read(file)).isInstanceOf(CaptureFileException.class)
                .hasMessageContaining("after the end frame");
    }

    @Test
    void aWrongDataKeyOrAnAlteredHeaderIsAnError() throws Exception {
        Path file = write(true, "one");
        byte[] wrong = new byte[32];
        assertThatThrownBy(() -> CaptureFileReader.read(file, CONTEXT, h -> wrong.clone(), r -> { }))
                .isInstanceOf(CaptureFileException.class).hasMessageContaining("does not belong to this file");
        // another file's (valid) data key
        Path other = write(true, "two");
        byte[] otherKey = keys.dataKey(CaptureFileReader.header(other));
        assertThatThrownBy(() -> CaptureFileReader.read(file, CONTEXT, h -> otherKey.clone(), r -> { }))
                .isInstanceOf(CaptureFileException.class);
        // a header whose context was edited no longer unwraps its key
        byte[] altered = Files.readAllBytes(file);
        String text = new String(altered, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("iris-ab");
        altered[at] = 'j';
        Files.write(file, altered);
        assertThatThrownBy(() -> CaptureFileReader.read(file, null, keys, r -> { }))
                .isInstanceOfSatisfying(KeyServiceException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("InvalidCiphertextException"));
        // not a capture file at all
        Path plain = dir.resolve("plain.jsonl");
        Files.writeString(plain, "{\"captureData\":{}}\n");
        assertThatThrownBy(() -> CaptureFileReader.read(plain, null, keys, r -> { }))
                .isInstanceOf(CaptureFileException.class).hasMessageContaining("not an mlgate capture file");
    }

    @Test
    void aFileInTheWrongPlaceIsRefusedBeforeAnyKeyIsAsked() throws Exception {
        Path file = write(true, "one");
        int before = keys.unwrapped.get();
        Map<String, String> elsewhere = CaptureFileHeader.context("iris-ab", "B",
                "2026/11/27/10/59-58-250-x" + CaptureFileHeader.EXTENSION);
        assertThatThrownBy(() -> CaptureFileReader.read(file, elsewhere, keys, r -> { }))
                .isInstanceOf(CaptureFileException.class).hasMessageContaining("does not name");
        assertThat(keys.unwrapped.get()).isEqualTo(before);
        assertThat(read(file).records()).isEqualTo(1);
    }

    @Test
    void theSealerWipesItsKeyAndRefusesFramesAfterTheEnd() {
        CaptureKeys.FileKey key = keys.generate(ROLE, "alias/capture", CONTEXT);
        CaptureFileSealer sealer = CaptureFileSealer.create(key, CONTEXT);
        assertThat(key.plaintext()).as("the data key is wiped once the frame key is derived").containsOnly(0);
        sealer.end();
        assertThatThrownBy(() -> sealer.seal(line("late"))).isInstanceOf(IllegalStateException.class);
        CaptureFileSealer other = CaptureFileSealer.create(keys.generate(ROLE, "alias/capture", CONTEXT), CONTEXT);
        other.close();
        assertThatThrownBy(() -> other.seal(line("after close"))).isInstanceOf(IllegalStateException.class);
    }
}
