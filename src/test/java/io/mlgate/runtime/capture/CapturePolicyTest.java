package io.mlgate.runtime.capture;

import io.mlgate.sagemaker.DataCaptureConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapturePolicyTest {

    static final Path ROOT = Path.of("/data/capture");

    static DataCaptureConfig config(String uri, String kms, List<String> modes, List<String> csv, List<String> json) {
        return new DataCaptureConfig(true, 100, uri, kms, modes, csv, json);
    }

    static CapturePolicy of(DataCaptureConfig config) {
        return CapturePolicy.of(ROOT, config, "alias/mlgate/capture", Map.of("A", "arn:aws:iam::1:role/r"));
    }

    @Test
    void theCaptureBucketAndItsPrefixesAreFoldersUnderTheRoot() {
        assertThat(CaptureDestination.resolve(ROOT, "s3://mlgate-capture")).isEqualTo(ROOT);
        assertThat(CaptureDestination.resolve(ROOT, "s3://mlgate-capture/")).isEqualTo(ROOT);
        assertThat(CaptureDestination.resolve(ROOT, "s3://mlgate-capture/ab/run-1/"))
                .isEqualTo(ROOT.resolve("ab").resolve("run-1"));
        assertThat(CaptureDestination.resolve(ROOT, "mlgate://capture/x.y_z=1"))
                .isEqualTo(ROOT.resolve("x.y_z=1"));
    }

    @Test
    void otherBucketsAndPrefixesThatCouldLeaveTheRootAreRefused() {
        for (String uri : List.of("s3://my-bucket/capture", "https://mlgate-capture/x", "s3://mlgate-capture-2/x",
                "s3://mlgate-capture/../keys", "s3://mlgate-capture/a/../../b", "s3://mlgate-capture/a//b",
                "s3://mlgate-capture/./a", "s3://mlgate-capture/a b", "s3://mlgate-capture/a\\b",
                "file:///etc")) {
            assertThatThrownBy(() -> CaptureDestination.resolve(ROOT, uri)).as(uri)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DestinationS3Uri");
        }
        assertThatThrownBy(() -> CaptureDestination.resolve(ROOT, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modesSamplingAndContentTypesBecomeThePolicy() {
        CapturePolicy p = of(config("s3://mlgate-capture/p", null, List.of("Input"),
                List.of("text/csv"), List.of("Application/JSON; charset=utf-8")));
        assertThat(p.folder()).isEqualTo(ROOT.resolve("p"));
        assertThat(p.input()).isTrue();
        assertThat(p.output()).isFalse();
        assertThat(p.encodingOf("text/csv; charset=UTF-8")).isEqualTo(CapturePolicy.CSV);
        assertThat(p.encodingOf("application/json")).isEqualTo(CapturePolicy.JSON);
        assertThat(p.encodingOf("application/x-npy")).isEqualTo(CapturePolicy.BASE64);
        assertThat(p.encodingOf(null)).isEqualTo(CapturePolicy.BASE64);

        CapturePolicy both = of(config("s3://mlgate-capture", "", List.of("InputAndOutput"),
                null, null));
        assertThat(both.input()).isTrue();
        assertThat(both.output()).isTrue();
        // no CaptureContentTypeHeader: everything is base64, as in SageMaker
        assertThat(both.encodingOf("text/csv")).isEqualTo(CapturePolicy.BASE64);

        CapturePolicy split = of(config("s3://mlgate-capture", null, List.of("Output", "Input"),
                null, null));
        assertThat(split.input() && split.output()).isTrue();
    }

    @Test
    void theKmsKeyIsTheConfigurationsOrTheDefault() {
        assertThat(of(config("s3://mlgate-capture", "alias/capture", List.of("Input"), null, null)).keyId())
                .isEqualTo("alias/capture");
        assertThat(of(config("s3://mlgate-capture", "", List.of("Input"), null, null)).keyId())
                .as("an empty KmsKeyId, as DescribeEndpoint shows none").isEqualTo("alias/mlgate/capture");
        assertThat(of(config("s3://mlgate-capture", null, List.of("Input"), null, null)).executionRoleOf("A"))
                .isEqualTo("arn:aws:iam::1:role/r");
        assertThatThrownBy(() -> CapturePolicy.of(ROOT, config("s3://mlgate-capture", null, List.of("Input"), null,
                null), null, Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mlgate encrypts every capture file");
    }

    @Test
    void aKmsKeyIdMustBeOneOfKmsFormsOfKeyReference() {
        for (String ok : List.of("1234abcd-12ab-34cd-56ef-1234567890ab", "alias/mlgate/capture", "alias/a_b-c",
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:kms:us-east-1:123456789012:alias/capture", "mrk-1234abcd12ab34cd56ef1234567890ab",
                "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab")) {
            assertThat(CapturePolicy.keyIdOf(config("s3://mlgate-capture", ok, List.of("Input"), null, null), null))
                    .as(ok).isEqualTo(ok);
        }
        for (String bad : List.of("capture", "alias/", "arn:aws:kms:us-east-1:123456789012:secret/x",
                "arn:aws:s3:::bucket", "1234abcd", "key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:kms:us-east-1:1234:key/abc")) {
            assertThatThrownBy(() -> of(config("s3://mlgate-capture", bad, List.of("Input"), null, null))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("KmsKeyId " + bad + " is not a KMS key ID");
        }
    }

    @Test
    void aDisabledCaptureWritesNothingSoAnyDestinationWillDo() {
        DataCaptureConfig off = new DataCaptureConfig(false, 100, "s3://elsewhere/x", "not a key", List.of("Input"),
                null, null);
        assertThat(CapturePolicy.of(ROOT, off, null, Map.of())).isNull();
    }
}
