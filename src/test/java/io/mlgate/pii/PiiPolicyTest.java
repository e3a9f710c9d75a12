package io.mlgate.pii;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PiiPolicyTest {

    @Test
    void tagsOverrideTheBasePolicy() {
        PiiPolicy p = PiiPolicy.detect().withTags(Map.of(
                "mlgate:pii-mode", "Redact", "mlgate:pii-redaction", "tokenize",
                "mlgate:pii-scope", "request-response", "mlgate:pii-types", "EMAIL us_ssn",
                "team", "fraud"));
        assertThat(p.mode()).isEqualTo(PiiMode.REDACT);
        assertThat(p.redaction()).isEqualTo(RedactionMethod.TOKENIZE);
        assertThat(p.onRequest()).isTrue();
        assertThat(p.onResponse()).isTrue();
        assertThat(p.types()).containsExactlyInAnyOrder(PiiType.EMAIL, PiiType.US_SSN);
        assertThat(p.redactsRequests()).isTrue();
        assertThat(p.scansResponses()).isTrue();
        assertThat(p.blocksRequests()).isFalse();
    }

    @Test
    void tagsNotGivenKeepTheBase() {
        PiiPolicy base = new PiiPolicy(PiiMode.BLOCK, RedactionMethod.MASK, true, true, Set.of(PiiType.JWT));
        assertThat(base.withTags(Map.of("other", "x"))).isEqualTo(base);
        assertThat(base.withTags(Map.of("mlgate:pii-types", "ALL")).types()).isEmpty();
    }

    @Test
    void badTagsAreRefusedNamingTheTag() {
        assertThatThrownBy(() -> PiiPolicy.detect().withTags(Map.of("mlgate:pii-mode", "audit")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mlgate:pii-mode")
                .hasMessageContaining("off, detect, redact, block");
        assertThatThrownBy(() -> PiiPolicy.detect().withTags(Map.of("mlgate:pii-scope", "both")))
                .hasMessageContaining("mlgate:pii-scope");
        assertThatThrownBy(() -> PiiPolicy.detect().withTags(Map.of("mlgate:pii-types", "EMAIL 9bad")))
                .hasMessageContaining("9bad");
        assertThatThrownBy(() -> PiiPolicy.detect().withTags(Map.of("mlgate:pii-level", "high")))
                .hasMessageContaining("unknown tag mlgate:pii-level");
    }

    @Test
    void modeDecidesWhatIsEnforced() {
        PiiPolicy block = PiiPolicy.detect().withTags(Map.of("mlgate:pii-mode", "block"));
        assertThat(block.blocksRequests()).isTrue();
        assertThat(block.scansResponses()).isFalse();
        assertThat(PiiPolicy.detect().blocksRequests()).isFalse();
        assertThat(PiiPolicy.detect().redactsRequests()).isFalse();
        PiiPolicy responseOnly = PiiPolicy.detect().withTags(Map.of("mlgate:pii-mode", "redact",
                "mlgate:pii-scope", "response"));
        assertThat(responseOnly.redactsRequests()).isFalse();
        assertThat(responseOnly.scansResponses()).isTrue();
        assertThat(PiiPolicy.detect().withTags(Map.of("mlgate:pii-mode", "off")).off()).isTrue();
    }

    @Test
    void selectKeepsOnlyTheCountedTypes() {
        ScanResult all = new ScanResult(PayloadFormat.TEXT, List.of(
                new Finding(PiiType.EMAIL, 0.9, 0, 5, null),
                new Finding(PiiType.IP_ADDRESS, 0.9, 6, 10, null),
                new Finding(PiiType.EMAIL, 0.9, 11, 15, null)));
        PiiPolicy emailOnly = PiiPolicy.detect().withTags(Map.of("mlgate:pii-types", "EMAIL"));
        assertThat(emailOnly.select(all).countsByType()).containsExactly(Map.entry(PiiType.EMAIL, 2));
        PiiPolicy jwtOnly = PiiPolicy.detect().withTags(Map.of("mlgate:pii-types", "JWT"));
        assertThat(jwtOnly.select(all).detected()).isFalse();
        assertThat(PiiPolicy.detect().select(all)).isSameAs(all);
    }
}
