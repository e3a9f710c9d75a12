package io.mlgate.sagemaker.transform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Splitting by line with exact offsets: LF and CRLF, no final line end, empty lines, lines above the limit. */
class LineReaderTest {

    @TempDir
    Path dir;

    List<String> read(String content, long offset, long max) throws IOException {
        Path file = dir.resolve("f");
        Files.writeString(file, content);
        List<String> out = new ArrayList<>();
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            LineReader reader = new LineReader(c, offset);
            LineReader.Line line;
            while ((line = reader.next(max)) != null) {
                out.add((line.tooLong() ? "TOO LONG " + line.length()
                        : new String(line.bytes(), StandardCharsets.UTF_8)) + "@" + line.endOffset());
            }
            assertThat(reader.position()).isEqualTo(content.getBytes(StandardCharsets.UTF_8).length);
        }
        return out;
    }

    @Test
    void linesEndAtLfOrCrlfAndTheLastNeedsNoLineEnd() throws IOException {
        assertThat(read("a\nbb\r\nccc", 0, 100)).containsExactly("a@2", "bb@6", "ccc@9");
        assertThat(read("a\nbb\n", 0, 100)).containsExactly("a@2", "bb@5");
        assertThat(read("", 0, 100)).isEmpty();
    }

    @Test
    void emptyLinesAreRecords() throws IOException {
        assertThat(read("a\n\n\r\nb\n", 0, 100)).containsExactly("a@2", "@3", "@5", "b@7");
    }

    @Test
    void readingResumesAtAnOffset() throws IOException {
        assertThat(read("a\nbb\nccc\n", 2, 100)).containsExactly("bb@5", "ccc@9");
    }

    @Test
    void aLineAboveTheLimitComesBackWithoutItsBytes() throws IOException {
        assertThat(read("12345\n123456\n1234\r\n", 6, 5).get(0)).isEqualTo("TOO LONG 6@13");
        assertThat(read("12345\n123456\n1234\r\n", 0, 5))
                .containsExactly("12345@6", "TOO LONG 6@13", "1234@19");
        // exactly at the limit with a CRLF is not too long
        assertThat(read("12345\r\n", 0, 5)).containsExactly("12345@7");
        String big = "x".repeat(200_000);
        assertThat(read(big + "\nok\n", 0, 100_000)).containsExactly("TOO LONG 200000@200001", "ok@200004");
        assertThat(read(big + "\n", 0, 300_000)).containsExactly(big + "@200001");
    }
}
