package io.mlgate.iam.guardrail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.mlgate.iam.guardrail.GuardrailFixtures.Tar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict tar.gz reader: OPA's layout is read, anything unsafe or malformed is refused. */
class BundleReaderTest {

    private static final byte[] X = "x".getBytes(StandardCharsets.UTF_8);

    private static Map<String, byte[]> read(byte[] gz) throws Exception {
        return BundleReader.read(new ByteArrayInputStream(gz));
    }

    @Test
    void readsOpaBuildLayoutWithLeadingSlashesAndSkipsDirectories() throws Exception {
        byte[] gz = new Tar().entry("/sub/", '5', new byte[0], 0).file("/policy.wasm", X)
                .file("/sub/x.rego", "package x".getBytes(StandardCharsets.UTF_8)).gzip();
        Map<String, byte[]> files = read(gz);
        assertThat(files).containsOnlyKeys("policy.wasm", "sub/x.rego");
        assertThat(files.get("policy.wasm")).isEqualTo(X);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "/../evil", "a/../../b", "a/./b", "//etc/passwd", "a\\b", "c:/x", "a//b"})
    void unsafePathsAreRefused(String name) throws Exception {
        byte[] gz = new Tar().file(name, X).gzip();
        assertThatThrownBy(() -> read(gz)).isInstanceOf(BundleReader.BundleException.class)
                .hasMessageContaining("not a safe relative path");
    }

    @ParameterizedTest
    @ValueSource(chars = {'1', '2', '3', '4', '6', 'x', 'g', 'L', 'K'})
    void anythingButRegularFilesAndDirectoriesIsRefused(char type) throws Exception {
        byte[] gz = new Tar().entry("/link", type, new byte[0], 0).gzip();
        assertThatThrownBy(() -> read(gz)).isInstanceOf(BundleReader.BundleException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void oversizedEntriesAreRefusedBeforeReading() throws Exception {
        byte[] gz = new Tar().entry("/policy.wasm", '0', X, BundleReader.MAX_ENTRY_BYTES + 1L).gzip(false);
        assertThatThrownBy(() -> read(gz)).isInstanceOf(BundleReader.BundleException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void truncatedArchivesAndMissingEndMarkersAreRefused() throws Exception {
        byte[] truncated = new Tar().entry("/policy.wasm", '0', X, 4096).gzip(false);
        assertThatThrownBy(() -> read(truncated)).isInstanceOf(BundleReader.BundleException.class)
                .hasMessageContaining("truncated");
        byte[] noEnd = new Tar().file("/policy.wasm", X).gzip(false);
        assertThatThrownBy(() -> read(noEnd)).isInstanceOf(BundleReader.BundleException.class)
                .hasMessageContaining("end marker");
    }

    @Test
    void aBadChecksumDuplicatesAndNonGzipAreRefused() throws Exception {
        byte[] header = Tar.header("/policy.wasm", '0', 1);
        header[0] = 'P'; // changed after the checksum was computed
        byte[] bad = new Tar().raw(header).raw(new byte[512]).gzip();
        assertThatThrownBy(() -> read(bad)).hasMessageContaining("checksum");
        byte[] twice = new Tar().file("/data.json", X).file("data.json", X).gzip();
        assertThatThrownBy(() -> read(twice)).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> read("plain text".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(BundleReader.BundleException.class).hasMessageContaining("gzip");
    }
}
