package io.mlgate.kms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class KeyArnTest {

    @Test
    void parsesAndFormatsAKeyArn() {
        UUID id = UUID.randomUUID();
        String text = "arn:aws:kms:eu-central-1:123456789012:key/" + id;
        KeyArn arn = KeyArn.parse(text);
        assertThat(arn.region()).isEqualTo("eu-central-1");
        assertThat(arn.accountId()).isEqualTo("123456789012");
        assertThat(arn.keyId()).isEqualTo(id);
        assertThat(arn).hasToString(text);
    }

    @Test
    void rejectsOtherPartitionsServicesAccountsAndIds() {
        UUID id = UUID.randomUUID();
        for (String bad : new String[] {"arn:aws-cn:kms:us-east-1:123456789012:key/" + id,
                "arn:aws:s3:us-east-1:123456789012:key/" + id, "arn:aws:kms:us-east-1:12345:key/" + id,
                "arn:aws:kms:us-east-1:123456789012:alias/x", "arn:aws:kms:us-east-1:123456789012:key/not-a-uuid",
                "arn:aws:kms:Mars:123456789012:key/" + id}) {
            assertThatThrownBy(() -> KeyArn.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void associatedDataIsUnambiguous() {
        assertThat(AssociatedData.of("d", "ab", "c")).isNotEqualTo(AssociatedData.of("d", "a", "bc"));
        assertThat(AssociatedData.of("d", (String) null)).isNotEqualTo(AssociatedData.of("d", ""));
        assertThat(AssociatedData.of("d", "x")).isEqualTo(AssociatedData.of("d", "x"));
        assertThat(AssociatedData.of("d1", "x")).isNotEqualTo(AssociatedData.of("d", "1x"));
    }
}
