package io.mlgate.cli;

import io.mlgate.runtime.capture.CaptureFileHeader;
import io.mlgate.runtime.capture.CaptureFileSealer;
import io.mlgate.runtime.capture.CapturePolicy;
import io.mlgate.runtime.capture.CaptureRecord;
import io.mlgate.runtime.capture.LocalCaptureKeys;
import io.mlgate.sagemaker.DataCaptureConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mlgate ab report} without a gateway: the failures found before any capture file is decrypted. Reports over
 * files decrypted by the running gateway's KMS are in {@code gateway/AbTestingIntegrationTest} and
 * {@code gateway/CaptureEncryptionIntegrationTest}.
 */
class AbCommandTest extends ConsoleCapture {

    static final String ROLE = "arn:aws:iam::123456789012:role/runtime";

    @TempDir
    Path home;

    /** One encrypted capture file of endpoint e under the default capture folder of {@code home}, and labels. */
    void captured() throws Exception {
        Path capture = home.resolve("data/capture");
        CapturePolicy p = CapturePolicy.of(capture, new DataCaptureConfig(true, 100, "s3://mlgate-capture", null,
                List.of("Output"), null, List.of("application/json")), "alias/capture", Map.of("A", ROLE));
        Path hour = capture.resolve("e/A/2026/11/27/10");
        Files.createDirectories(hour);
        String name = "00-00-000-x" + CaptureFileHeader.EXTENSION;
        Map<String, String> context = CaptureFileHeader.context("e", "A", "2026/11/27/10/" + name);
        LocalCaptureKeys keys = LocalCaptureKeys.withKey(ROLE);
        try (CaptureFileSealer sealer = CaptureFileSealer.create(keys.generate(ROLE, "alias/capture", context),
                context)) {
            String out = "{\"predictions\":[{\"predicted_label\":\"setosa\",\"probabilities\":{\"setosa\":0.9}}]}";
            byte[] frame = sealer.seal(new CaptureRecord(p, "e", "A", "ev-r1", "r1", Instant.EPOCH, null, null,
                    out.getBytes(StandardCharsets.UTF_8), "application/json", (x, payload, y) -> payload)
                    .toJsonLine());
            java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
            file.writeBytes(sealer.header());
            file.writeBytes(frame);
            Files.write(hour.resolve(name), file.toByteArray());
        }
        Files.writeString(home.resolve("labels.csv"), "inference_id,label\nr1,setosa\nr2,setosa\nr3,setosa\n");
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

    @Test
    void encryptedCapturesNeedCredentialsForTheGatewaysKms() throws Exception {
        captured();
        assertThat(run("ab", "report", "--endpoint", "e", "--labels", home.resolve("labels.csv").toString(),
                "--home", home.toString(), "--profile", "demo-admin")).isEqualTo(AbCommand.USAGE);
        assertThat(err.toString()).contains("cannot call the gateway's KMS").contains("demo-credentials")
                .doesNotContain("\tat ");
        assertThat(stdout()).isEmpty();
    }
}
