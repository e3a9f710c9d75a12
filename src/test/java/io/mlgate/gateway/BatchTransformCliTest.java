package io.mlgate.gateway;

import io.mlgate.batch.ProgressFile;
import io.mlgate.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./mlgate batch-transform} against the running gateway: 10,000 lines with bad lines, SingleRecord and
 * MultiRecord giving the same output, JSON Lines, runs the gateway refuses, and a run in a child JVM killed mid-way
 * and started again with the same arguments: the output then equals an uninterrupted run's, byte for byte.
 */
class BatchTransformCliTest extends RunningGateway {

    static final JsonMapper JSON = JsonMapper.builder().build();

    record Run(int exit, String out, String err) {}

    static synchronized Run cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    List<String> args(String endpoint, Path in, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("batch-transform", "--endpoint", endpoint, "--in", in.toString(),
                "--out", out.toString(), "--url", "https://localhost:" + port, "--credentials",
                home.resolve("keys/demo-credentials").toString(), "--ca", home.resolve("keys/dev-ca.pem").toString(),
                "--no-progress"));
        args.addAll(List.of(extra));
        return args;
    }

    Run cli(List<String> args) {
        return cli(args.toArray(String[]::new));
    }

    static Path folder(String name) throws IOException {
        return Files.createDirectories(home.resolve("cli-batch").resolve(name));
    }

    static Path input(Path dir, List<String> lines) throws IOException {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, String.join("\n", lines) + "\n");
        return in;
    }

    @Test
    void tenThousandLinesAreAnsweredInOrderWithBadLinesReportedAndMultiRecordGivesTheSameOutput() throws Exception {
        Path dir = folder("ten-k");
        List<String> lines = TransformJobIntegrationTest.irisLines();
        Path in = input(dir, lines);
        Path single = dir.resolve("single.out");
        Run run = cli(args("iris", in, single, "--concurrency", "16"));
        assertThat(run.exit()).as(run.err()).isEqualTo(1); // lines failed
        assertThat(run.out()).contains("10000 lines of " + in).contains("9980 answered, 20 failed")
                .contains(single + ".errors");
        List<String> out = Files.readAllLines(single);
        assertThat(out).hasSize(10_000);
        assertThat(JSON.readTree(out.get(0)).path("predicted_label").asString()).isEqualTo("virginica");
        assertThat(out.get(499)).isEqualTo("{\"error\":{\"code\":\"ValidationError\",\"line\":500}}");
        List<String> errors = Files.readAllLines(dir.resolve("single.out.errors"));
        assertThat(errors).hasSize(20);
        JsonNode first = JSON.readTree(errors.get(0));
        assertThat(first.path("line").asLong()).isEqualTo(500);
        assertThat(first.path("code").asString()).isEqualTo("ValidationError");
        assertThat(first.path("message").asString()).doesNotContain("abc").contains("***");
        assertThat(dir.resolve("single.out.progress")).doesNotExist();

        Path multi = dir.resolve("multi.out");
        Run m = cli(args("iris", in, multi, "--batch-strategy", "MultiRecord", "--max-records", "250"));
        assertThat(m.exit()).as(m.err()).isEqualTo(1);
        assertThat(Files.readString(multi)).isEqualTo(Files.readString(single));
        assertThat(Files.readString(dir.resolve("multi.out.errors")))
                .isEqualTo(Files.readString(dir.resolve("single.out.errors")));

        // every line good: exit 0 and no errors file
        Path good = dir.resolve("good.csv");
        Files.writeString(good, "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        Run ok = cli(args("iris", good, dir.resolve("good.out")));
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("good.out"))).hasSize(2);
        assertThat(dir.resolve("good.out.errors")).doesNotExist();
    }

    @Test
    void jsonLinesLinesAreSentAsJson() throws Exception {
        Path dir = folder("jsonl");
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "[5.1,3.5,1.4,0.2]\n{\"features\":[6.7,3.0,5.2,2.3]}\n[[1,2,3,4],[1,2,3,4]]\nnot json\n");
        for (String strategy : List.of("SingleRecord", "MultiRecord")) {
            Path out = dir.resolve(strategy + ".out");
            Run run = cli(args("iris", in, out, "--content-type", "application/jsonlines", "--batch-strategy",
                    strategy));
            assertThat(run.exit()).as(run.err()).isEqualTo(1);
            List<String> lines = Files.readAllLines(out);
            assertThat(JSON.readTree(lines.get(0)).path("predicted_label").asString()).isEqualTo("setosa");
            assertThat(JSON.readTree(lines.get(1)).path("predicted_label").asString()).isEqualTo("virginica");
            assertThat(lines.get(2)).isEqualTo("{\"error\":{\"code\":\"ValidationError\",\"line\":3}}");
            assertThat(lines.get(3)).isEqualTo("{\"error\":{\"code\":\"ValidationError\",\"line\":4}}");
            assertThat(Files.readAllLines(dir.resolve(strategy + ".out.errors")).get(0))
                    .contains("the line holds 2 rows");
        }
    }

    @Test
    void runsTheGatewayRefusesStopWithTheCheckpointKeptAndBadArgumentsAreUsageErrors() throws Exception {
        Path dir = folder("refused");
        Path in = input(dir, List.of("5.1,3.5,1.4,0.2"));
        Path out = dir.resolve("x.out");
        Run missing = cli(args("no-such-endpoint", in, out, "--profile", "demo-admin"));
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err()).contains("400 ValidationError: Endpoint no-such-endpoint of account 123456789012 "
                + "not found").contains("is kept");
        assertThat(dir.resolve("x.out.progress")).exists();

        Run other = cli(args("iris", in, out));
        assertThat(other.exit()).isEqualTo(3);
        assertThat(other.err()).contains("belongs to another run").contains("endpoint no-such-endpoint");
        Files.delete(dir.resolve("x.out.progress"));

        Run guest = cli(args("iris", in, out, "--profile", "demo-guest"));
        assertThat(guest.exit()).isEqualTo(3);
        assertThat(guest.err()).contains("403 AccessDeniedException");

        assertThat(cli(args("iris", in, in)).exit()).isEqualTo(2);
        assertThat(cli(args("bad_name", in, dir.resolve("y.out"))).exit()).isEqualTo(2);
        assertThat(cli(args("iris", in, dir.resolve("y.out"), "--content-type", "text/plain")).exit()).isEqualTo(2);
        assertThat(cli(args("iris", in, dir.resolve("y.out"), "--max-records", "1001")).exit()).isEqualTo(2);
        assertThat(cli(args("iris", dir.resolve("nope.csv"), dir.resolve("y.out"))).exit()).isEqualTo(2);
        assertThat(cli(args("iris", in, dir.resolve("no/such/folder.out"))).exit()).isEqualTo(2);
    }

    @Test
    void aRunKilledMidWayResumesWithoutDuplicatesOrLoss() throws Exception {
        Path dir = folder("kill");
        List<String> lines = TransformJobIntegrationTest.irisLines();
        Path in = input(dir, lines);
        Path reference = dir.resolve("reference.out");
        assertThat(cli(args("iris", in, reference, "--batch-strategy", "MultiRecord", "--max-records", "250"))
                .exit()).isEqualTo(1);

        // small requests one at a time, so the run is still going when it is killed
        Path out = dir.resolve("killed.out");
        String[] slow = {"--batch-strategy", "MultiRecord", "--max-records", "10", "--concurrency", "1"};
        List<String> childArgs = args("iris", in, out, slow);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(childArgs);
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        Path progress = dir.resolve("killed.out.progress");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        ProgressFile.Checkpoint seen = null;
        while (System.nanoTime() < deadline && child.isAlive()) {
            Optional<ProgressFile.Checkpoint> c = readQuietly(progress);
            if (c.isPresent() && c.get().line() >= 2000) {
                seen = c.get();
                break;
            }
            Thread.sleep(5);
        }
        assertThat(seen).as("the child checkpointed 2,000 lines while still running: "
                + Files.readString(dir.resolve("child.log"))).isNotNull();
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        ProgressFile.Checkpoint atKill = ProgressFile.read(progress).orElseThrow();
        assertThat(atKill.line()).isBetween(2000L, 9999L);
        assertThat(Files.size(out)).isGreaterThanOrEqualTo(atKill.outputOffset());
        // whatever the kill left after the checkpoint, and a torn half line on top of it
        Files.writeString(out, "{\"predicted_label\":\"tor", StandardOpenOption.APPEND);

        Run resumed = cli(args("iris", in, out, slow));
        assertThat(resumed.exit()).as(resumed.err()).isEqualTo(1);
        assertThat(resumed.err()).contains("resuming " + in + " at line " + (atKill.line() + 1));
        assertThat(resumed.out()).contains("10000 lines").contains("resumed after line " + atKill.line());
        assertThat(Files.readString(out)).isEqualTo(Files.readString(reference));
        assertThat(Files.readString(dir.resolve("killed.out.errors")))
                .isEqualTo(Files.readString(dir.resolve("reference.out.errors")));
        assertThat(progress).doesNotExist();
    }

    private static Optional<ProgressFile.Checkpoint> readQuietly(Path progress) {
        try {
            return ProgressFile.read(progress);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
