package io.mlgate.pii.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.pii.CustomDetectorSpec;
import io.mlgate.pii.DetectorSettings;
import io.mlgate.pii.PiiType;

class DetectorConfigTest {

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void noFileIsTheGatewaysDefaults() throws IOException {
        assertThat(DetectorConfig.load(null)).isEqualTo(DetectorSettings.defaults());
    }

    @Test
    void jsonSettingsWithTheGatewaysDefaultsForWhatIsLeftOut() throws IOException {
        DetectorSettings s = DetectorConfig.load(file("d.json", """
                {"disabledTypes": ["ip_address"], "phoneRegions": ["US", "NL"], "minConfidence": 0.7,
                 "custom": [{"name": "EMPLOYEE_ID", "pattern": "EMP-[0-9]{6}", "contextWords": ["employee"]},
                            {"name": "PROJECT", "dictionary": ["blue falcon"], "checksum": "none", "confidence": 0.9,
                             "contextWindow": 10}]}
                """));
        assertThat(s.enabled()).doesNotContain(PiiType.IP_ADDRESS).contains(PiiType.EMAIL)
                .hasSize(PiiType.BUILT_IN.size() - 1);
        assertThat(s.phoneRegions()).containsExactly("US", "NL");
        assertThat(s.minConfidence()).isEqualTo(0.7);
        assertThat(s.maxJsonDepth()).isEqualTo(64);
        assertThat(s.custom()).containsExactly(
                new CustomDetectorSpec("EMPLOYEE_ID", "EMP-[0-9]{6}", null, CustomDetectorSpec.Checksum.NONE, 0.8,
                        List.of("employee"), null, 40),
                new CustomDetectorSpec("PROJECT", null, List.of("blue falcon"), CustomDetectorSpec.Checksum.NONE,
                        0.9, null, null, 10));
        // a bare array is the list of custom detectors
        assertThat(DetectorConfig.load(file("a.json", "[{\"name\": \"X_ID\", \"pattern\": \"X[0-9]+\"}]")).custom())
                .extracting(CustomDetectorSpec::name).containsExactly("X_ID");
    }

    @Test
    void theGatewaysPropertiesFileKebabOrCamelListsCommaSeparatedOrIndexed() throws IOException {
        DetectorSettings s = DetectorConfig.load(file("application.properties", """
                server.port=8443
                mlgate.pii.mode=block
                mlgate.pii.disabled-types=JWT, PRIVATE_KEY
                mlgate.pii.phoneRegions=DE
                mlgate.pii.min-confidence=0.6
                mlgate.pii.max-json-depth=32
                mlgate.pii.custom[0].name=EMPLOYEE_ID
                mlgate.pii.custom[0].pattern=EMP-[0-9]{6}
                mlgate.pii.custom[0].context-words[0]=employee
                mlgate.pii.custom[0].context-words[1]=staff number
                mlgate.pii.custom[1].name=CODENAME
                mlgate.pii.custom[1].dictionary=blue falcon,red owl
                mlgate.pii.custom[1].checksum=none
                mlgate.pii.endpoints.iris.mode=redact
                """));
        assertThat(s.enabled()).doesNotContain(PiiType.JWT, PiiType.PRIVATE_KEY).contains(PiiType.EMAIL);
        assertThat(s.phoneRegions()).containsExactly("DE");
        assertThat(s.minConfidence()).isEqualTo(0.6);
        assertThat(s.maxJsonDepth()).isEqualTo(32);
        assertThat(s.custom()).hasSize(2);
        assertThat(s.custom().get(0).contextWords()).containsExactly("employee", "staff number");
        assertThat(s.custom().get(1).dictionary()).containsExactly("blue falcon", "red owl");
    }

    @Test
    void mistakesAreErrorsNamingTheSetting() throws IOException {
        assertThatThrownBy(() -> DetectorConfig.load(file("u.json", "{\"phoneRegion\": [\"US\"]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown setting phoneRegion");
        assertThatThrownBy(() -> DetectorConfig.load(file("t.json", "{\"disabledTypes\": [\"NAME\"]}")))
                .hasMessageContaining("NAME is not a built-in type");
        assertThatThrownBy(() -> DetectorConfig.load(file("c.json",
                "{\"custom\": [{\"name\": \"EMAIL\", \"pattern\": \"x\"}]}")))
                .hasMessageContaining("custom[0]").hasMessageContaining("built-in");
        assertThatThrownBy(() -> DetectorConfig.load(file("n.json", "{\"custom\": [{\"pattern\": \"x\"}]}")))
                .hasMessageContaining("custom[0]: name is required");
        assertThatThrownBy(() -> DetectorConfig.load(file("k.json",
                "{\"custom\": [{\"name\": \"A_ID\", \"pattern\": \"x\", \"checksum\": \"CRC\"}]}")))
                .hasMessageContaining("custom[0]");
        assertThatThrownBy(() -> DetectorConfig.load(file("m.json", "{\"minConfidence\": \"high\"}")))
                .hasMessageContaining("minConfidence must be a number");
        assertThatThrownBy(() -> DetectorConfig.load(file("bad.json", "{\"custom\": [")))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> DetectorConfig.load(file("g.properties",
                "mlgate.pii.custom[0].name=A_ID\nmlgate.pii.custom[0].dictionary[1]=x\n")))
                .hasMessageContaining("without gaps");
        assertThatThrownBy(() -> DetectorConfig.load(file("d.properties", "mlgate.pii.min-confidence=lots\n")))
                .hasMessageContaining("min-confidence must be a number");
        assertThatThrownBy(() -> DetectorConfig.load(file("dup.json",
                "[{\"name\": \"A_ID\", \"pattern\": \"x\"}, {\"name\": \"A_ID\", \"pattern\": \"y\"}]")))
                .hasMessageContaining("a second detector named A_ID");
    }
}
