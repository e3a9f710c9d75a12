package io.mlgate.iam.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.mlgate.iam.policy.PolicyKind;

/** The validator reports, never throws: every prefix and many corruptions of a rich policy still yield findings. */
class PolicyValidatorRobustnessTest {

    static final String RICH = """
            {"Version": "2012-10-17", "Id": "x", "Statement": [
              {"Sid": "A", "Effect": "Allow", "Action": ["sagemaker:Invoke*", "iam:PassRole"],
               "Resource": "arn:aws:sagemaker:us-east-1:111122223333:endpoint/${aws:username}",
               "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b"]}, "NumericLessThanIfExists": {"aws:MultiFactorAuthAge": 3600}}},
              {"Effect": "Deny", "NotAction": "kms:*", "NotResource": ["arn:aws:kms:*:111122223333:key/*"]},
              {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "*", "Resource": "*"}
            ]}""";

    @Test
    void everyPrefixOfAPolicyIsReportedNotThrown() {
        for (int i = 0; i < RICH.length(); i++) {
            String prefix = RICH.substring(0, i);
            for (PolicyKind kind : PolicyKind.values()) {
                List<Finding> findings = PolicyValidator.validate(prefix, "p", kind);
                assertThat(PolicyValidator.hasErrors(findings)).as("prefix %d", i).isTrue();
            }
        }
    }

    @Test
    void randomCorruptionsNeverThrow() {
        Random random = new Random(42);
        String alphabet = "{}[]\":,*?$ aA:0";
        for (int n = 0; n < 2000; n++) {
            StringBuilder sb = new StringBuilder(RICH);
            for (int k = 0; k < 3; k++) {
                int at = random.nextInt(sb.length());
                sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
            for (PolicyKind kind : PolicyKind.values()) {
                assertThat(PolicyValidator.validateSource(sb.toString(), "p", kind)).isNotNull();
            }
        }
    }
}
