package io.mlgate.sagemaker.transform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** s3://mlgate-batch/KEY ↔ data/batch/KEY: keys and links never reach outside the folder; S3 prefix listing. */
class BatchBucketTest {

    @TempDir
    Path dataDir;

    @TempDir
    Path outside;

    BatchBucket bucket;

    @BeforeEach
    void open() throws IOException {
        bucket = BatchBucket.open(dataDir);
    }

    void write(String key, String text) throws IOException {
        Path file = dataDir.resolve("batch").resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void urisOfTheBatchBucketGiveTheirKeyAndOthersAreRefused() {
        assertThat(BatchBucket.keyOf("s3://mlgate-batch/in/data.csv")).isEqualTo("in/data.csv");
        assertThat(BatchBucket.keyOf("s3://mlgate-batch/in/")).isEqualTo("in/");
        assertThat(BatchBucket.keyOf("s3://mlgate-batch")).isEmpty();
        assertThat(BatchBucket.uriOf("a/b")).isEqualTo("s3://mlgate-batch/a/b");
        for (String bad : new String[] {"s3://other/in/", "https://mlgate-batch/in/", "s3://mlgate-batch-2/in"}) {
            assertThatThrownBy(() -> BatchBucket.keyOf(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("s3://mlgate-batch/ only");
        }
        for (String bad : new String[] {"s3://mlgate-batch/../x", "s3://mlgate-batch/a/../../x",
                "s3://mlgate-batch/a/./x", "s3://mlgate-batch//etc/passwd", "s3://mlgate-batch/a//b",
                "s3://mlgate-batch/a\\b", "s3://mlgate-batch/a\u0000b", "s3://mlgate-batch/.."}) {
            assertThatThrownBy(() -> BatchBucket.keyOf(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void filesResolveInsideTheFolderAndLinksLeadingOutAreRefused() throws IOException {
        assertThat(bucket.fileOf("in/data.csv")).isEqualTo(dataDir.resolve("batch/in/data.csv").toAbsolutePath()
                .normalize());
        assertThatThrownBy(() -> bucket.fileOf("in/")).hasMessageContaining("names a prefix");
        assertThatThrownBy(() -> bucket.fileOf("../secret")).isInstanceOf(IOException.class);

        Files.writeString(outside.resolve("secret.csv"), "1,2,3,4\n");
        Files.createDirectories(dataDir.resolve("batch/in"));
        Files.createSymbolicLink(dataDir.resolve("batch/in/escape.csv"), outside.resolve("secret.csv"));
        Files.createSymbolicLink(dataDir.resolve("batch/away"), outside);
        assertThatThrownBy(() -> bucket.fileOf("in/escape.csv")).hasMessageContaining("leads outside");
        assertThatThrownBy(() -> bucket.fileOf("away/secret.csv")).hasMessageContaining("leads outside");
        assertThatThrownBy(() -> bucket.outputFile("away/new.out")).hasMessageContaining("leads outside");
        assertThat(outside.resolve("new.out")).doesNotExist();

        // a link that stays inside is followed
        write("real/data.csv", "1\n");
        Files.createSymbolicLink(dataDir.resolve("batch/in/inside.csv"), dataDir.resolve("batch/real/data.csv"));
        assertThat(bucket.fileOf("in/inside.csv")).isNotNull();
        // but outputs are never written through a link
        assertThatThrownBy(() -> bucket.outputFile("in/inside.csv")).hasMessageContaining("symbolic link");
    }

    @Test
    void aPrefixListsEveryFileWhoseKeyStartsWithItSorted() throws IOException {
        write("in/b.csv", "1\n");
        write("in/a.csv", "1\n");
        write("in/sub/c.csv", "1\n");
        write("input.csv", "1\n");
        write("other/d.csv", "1\n");
        assertThat(bucket.list("in/")).containsExactly("in/a.csv", "in/b.csv", "in/sub/c.csv");
        assertThat(bucket.list("in")).containsExactly("in/a.csv", "in/b.csv", "in/sub/c.csv", "input.csv");
        assertThat(bucket.list("in/a")).containsExactly("in/a.csv");
        assertThat(bucket.list("")).hasSize(5);
        assertThat(bucket.list("nothing/")).isEmpty();
    }

    @Test
    void listingRefusesFilesReachedThroughLinksThatLeadOut() throws IOException {
        write("in/a.csv", "1\n");
        Files.writeString(outside.resolve("secret.csv"), "1\n");
        Files.createSymbolicLink(dataDir.resolve("batch/in/linked"), outside);
        assertThatThrownBy(() -> bucket.list("in/")).isInstanceOf(IOException.class)
                .hasMessageContaining("leads outside the batch folder");
        Files.delete(dataDir.resolve("batch/in/linked"));
        assertThat(bucket.list("in/")).containsExactly("in/a.csv");
    }

    @Test
    void outputsAreNamedLikeSageMakers() {
        assertThat(BatchBucket.outputKey("in/", "in/a.csv", "out/")).isEqualTo("out/a.csv.out");
        assertThat(BatchBucket.outputKey("in/", "in/sub/a.csv", "out")).isEqualTo("out/sub/a.csv.out");
        assertThat(BatchBucket.outputKey("in/a.csv", "in/a.csv", "out")).isEqualTo("out/a.csv.out");
        assertThat(BatchBucket.outputKey("in", "in/a.csv", "")).isEqualTo("in/a.csv.out");
        assertThat(BatchBucket.errorsKey("out/a.csv.out")).isEqualTo("out/a.csv.out.errors");
    }
}
