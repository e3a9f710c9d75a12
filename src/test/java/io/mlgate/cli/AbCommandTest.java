package io.mlgate.cli;

import io.mlgate.runtime.capture.CapturePolicy;
import io.mlgate.runtime.capture.CaptureRecord;
import io.mlgate.sagemaker.DataCaptureConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AbCommandTest extends ConsoleCapture {

    @TempDir
    Path home;

    /** Two captured calls of variant A (one right, one wrong) under the default capture folder of {@code home}. */
    void captured() throws Exception {
        Path capture = home.resolve("data/capture");
        CapturePolicy p = CapturePolicy.of(capture, new DataCaptureConfig(true, 100, "s3://mlgate-capture", null,
                List.of("Output"), null, List.of("application/json")));
        Path hour = capture.resolve("e/A/2026/11/27/10");
        Files.createDirectories(hour);
        StringBuilder lines = new StringBuilder();
        for (String[] c : new String[][]{{"r1", "setosa"}, {"r2", "virginica"}}) {
            String out = "{\"predictions\":[{\"predicted_label\":\"" + c[1] + "\",\"probabilities\":{\"setosa\":"
                    + (c[1].equals("setosa") ? 0.9 : 0.1) + ",\"virginica\":" + (c[1].equals("setosa") ? 0.1 : 0.9)
                    + "}}]}";
            lines.append(new String(new CaptureRecord(p, "e", "A", "ev-" + c[0], c[0], Instant.EPOCH, null, null,
                    out.getBytes(StandardCharsets.UTF_8), "application/json").toJsonLine(), StandardCharsets.UTF_8));
        }
        Files.writeString(hour.resolve("00-00-000-x.jsonl"), lines);
        Files.writeString(home.resolve("labels.csv"), "inference_id,label\nr1,setosa\nr2,setosa\nr3,setosa\n");
    }

    @Test
    void printsTheReportAsATable() throws Exception {
        captured();
        int exit = run("ab", "report", "--endpoint", "e", "--labels", home.resolve("labels.csv").toString(),
                "--home", home.toString());
        assertThat(exit).as(err.toString()).isZero();
        assertThat(stdout()).contains("A/B report for endpoint e").contains("labels: 3, without a captured "
                + "prediction: 1");
        assertThat(stdout().lines().filter(l -> l.startsWith("A "))).singleElement().asString()
                .contains("0.5000");
    }

    @Test
    void printsJsonAndReadsAnExplicitCaptureFolder() throws Exception {
        captured();
        int exit = run("ab", "report", "--endpoint", "e", "--labels", home.resolve("labels.csv").toString(),
                "--capture-dir", home.resolve("data/capture").toString(), "--format", "json");
        assertThat(exit).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(stdout());
        assertThat(json.path("variants").get(0).path("joined").asInt()).isEqualTo(2);
        assertThat(json.path("variants").get(0).path("accuracy").asDouble()).isEqualTo(0.5);
        // setosa scores: the setosa row 0.9, the other setosa-labelled row 0.1; no negative -> undefined
        assertThat(json.path("variants").get(0).path("rocAuc").isNull()).isTrue();
    }

    @Test
    void missingCapturesBadLabelsAndBadNamesFailWithTheirExitCodes() throws Exception {
        captured();
        assertThat(run("ab", "report", "--endpoint", "other", "--labels", home.resolve("labels.csv").toString(),
                "--home", home.toString())).isEqualTo(AbCommand.FAILED);
        assertThat(err.toString()).contains("no captured data for endpoint other");
        Files.writeString(home.resolve("bad.csv"), "id,label\n");
        assertThat(run("ab", "report", "--endpoint", "e", "--labels", home.resolve("bad.csv").toString(),
                "--home", home.toString())).isEqualTo(AbCommand.USAGE);
        assertThat(err.toString()).contains("the header must be inference_id,label");
        assertThat(run("ab", "report", "--endpoint", "../e", "--labels", home.resolve("labels.csv").toString(),
                "--home", home.toString())).isEqualTo(AbCommand.USAGE);
        assertThat(run("ab", "report", "--endpoint", "e", "--labels", home.resolve("absent.csv").toString(),
                "--home", home.toString())).isEqualTo(AbCommand.FAILED);
    }
}
