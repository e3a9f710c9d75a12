package io.mlgate.iam.policy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Policy-variable patterns resolve per request values, and their compiled forms are reused and bounded. */
class TemplatePatternTest {

    private static ConditionKeys keys(Map<String, String> values) {
        return key -> values.containsKey(key) ? List.of(values.get(key)) : null;
    }

    private static TemplatePattern resource(String text) {
        return new TemplatePattern(ValueTemplate.parse(text), GlobPattern.Mode.RESOURCE);
    }

    @Test
    void eachPrincipalsValueResolvesItsOwnPatternAndIsCompiledOnce() {
        TemplatePattern pattern = resource("arn:aws:sagemaker:*:123456789012:endpoint/${aws:PrincipalTag/team}-*");
        ConditionKeys fraud = keys(Map.of("aws:principaltag/team", "fraud"));
        ConditionKeys risk = keys(Map.of("aws:principaltag/team", "risk"));
        String fraudArn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud-scorer";
        String riskArn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/risk-scorer";
        for (int i = 0; i < 3; i++) {
            assertThat(pattern.matches(fraudArn, fraud)).isTrue();
            assertThat(pattern.matches(riskArn, fraud)).isFalse();
            assertThat(pattern.matches(riskArn, risk)).isTrue();
            assertThat(pattern.matches(fraudArn, risk)).isFalse();
        }
        assertThat(pattern.resolvedCount()).isEqualTo(2);
    }

    @Test
    void anUnresolvableVariableMatchesNothingAndIsNotCached() {
        TemplatePattern pattern = resource("arn:aws:sagemaker:*:123456789012:endpoint/${aws:username}");
        assertThat(pattern.matches("arn:aws:sagemaker:us-east-1:123456789012:endpoint/", keys(Map.of()))).isFalse();
        assertThat(pattern.resolvedCount()).isZero();
    }

    @Test
    void severalVariablesAndColonsInValuesKeepTheirMeaning() {
        TemplatePattern pattern = resource("arn:aws:sagemaker:${aws:RequestedRegion}:123456789012:endpoint/${aws:username}");
        ConditionKeys alice = keys(Map.of("aws:requestedregion", "us-east-1", "aws:username", "alice"));
        ConditionKeys bob = keys(Map.of("aws:requestedregion", "us-east-1", "aws:username", "bob"));
        assertThat(pattern.matches("arn:aws:sagemaker:us-east-1:123456789012:endpoint/alice", alice)).isTrue();
        assertThat(pattern.matches("arn:aws:sagemaker:us-east-1:123456789012:endpoint/alice", bob)).isFalse();
        assertThat(pattern.resolvedCount()).isEqualTo(2);
    }

    @Test
    void theCacheStaysBounded() {
        TemplatePattern pattern = resource("arn:aws:sagemaker:*:123456789012:endpoint/${aws:username}");
        for (int i = 0; i < TemplatePattern.MAX_RESOLVED * 3; i++) {
            String user = "user" + i;
            assertThat(pattern.matches("arn:aws:sagemaker:eu-west-1:123456789012:endpoint/" + user,
                    keys(Map.of("aws:username", user)))).isTrue();
        }
        assertThat(pattern.resolvedCount()).isLessThanOrEqualTo(TemplatePattern.MAX_RESOLVED);
    }

    @Test
    void escapesAloneNeedNoValues() {
        TemplatePattern pattern = resource("arn:aws:sagemaker:*:123456789012:endpoint/a${*}b");
        assertThat(pattern.matches("arn:aws:sagemaker:us-east-1:123456789012:endpoint/a*b", keys(Map.of()))).isTrue();
        assertThat(pattern.matches("arn:aws:sagemaker:us-east-1:123456789012:endpoint/axb", keys(Map.of()))).isFalse();
    }
}
