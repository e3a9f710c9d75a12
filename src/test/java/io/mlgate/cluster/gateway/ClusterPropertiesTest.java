package io.mlgate.cluster.gateway;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterPropertiesTest {

    static ClusterProperties props(String encryption, String listen, List<ClusterProperties.Node> nodes) {
        return new ClusterProperties(null, null, listen, null, encryption, null, null, null, null, nodes);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        ClusterProperties p = props(null, null, null);
        assertThat(p.enabled()).isFalse();
        assertThat(p.listenHost()).isEqualTo("127.0.0.1");
        assertThat(p.listenPort()).isEqualTo(9444);
        ClusterSettings s = p.settings();
        assertThat(s.gatewayName()).isEqualTo("gw");
        assertThat(s.encryption()).isEqualTo(ClusterSettings.Encryption.ALWAYS);
        assertThat(s.certificateLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(s.healthInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.unhealthyAfter()).isEqualTo(2);
        assertThat(s.invokeTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.invokeRetries()).isEqualTo(2);
        assertThat(s.nodes()).isEmpty();
    }

    @Test
    void perEndpointEncryptionAndStaticNodesAreRead() {
        ClusterSettings s = props("per-endpoint", "0.0.0.0:0", List.of(new ClusterProperties.Node("n1", "zone-a",
                "10.0.0.2:9443", null, "subnet-a", true))).settings();
        assertThat(s.encryption()).isEqualTo(ClusterSettings.Encryption.PER_ENDPOINT);
        assertThat(s.nodes()).containsExactly(new ClusterSettings.StaticNode("n1", "zone-a", "10.0.0.2:9443", null,
                "subnet-a", true));
    }

    @Test
    void badValuesAreRefusedNamingTheProperty() {
        assertThatThrownBy(() -> props("sometimes", null, null).settings())
                .hasMessageContaining("mlgate.cluster.encryption");
        assertThatThrownBy(() -> props(null, "nowhere", null).listenPort())
                .hasMessageContaining("mlgate.cluster.listen");
        assertThatThrownBy(() -> props(null, null, List.of(new ClusterProperties.Node("bad name", "z", "a:1", null,
                null, null))).settings()).hasMessageContaining("mlgate.cluster.nodes");
        assertThatThrownBy(() -> props(null, null, List.of(new ClusterProperties.Node("n1", "z", null, null,
                null, null))).settings()).hasMessageContaining("neither address nor plaintext-address");
    }
}
