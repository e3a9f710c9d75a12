package io.mlgate.iam.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.policy.PolicyKind;

class PolicyValidatorTest {

    /** Every code except the parser fallback has a fixture pair under iam/validate/CODE/. */
    static Stream<FindingCode> codesWithFixtures() {
        return Stream.of(FindingCode.values()).filter(c -> c != FindingCode.INVALID_POLICY);
    }

    @ParameterizedTest
    @MethodSource("codesWithFixtures")
    void badFixtureTriggersTheCodeWithItsSeverity(FindingCode code) throws IOException {
        List<Finding> findings = validateFixture(code, "bad.json");
        assertThat(findings).filteredOn(f -> f.code().equals(code.name()))
                .as("findings for %s: %s", code, findings)
                .isNotEmpty()
                .allSatisfy(f -> {
                    assertThat(f.severity()).isEqualTo(code.severity());
                    assertThat(f.position().source()).isEqualTo(code + "/bad.json");
                });
    }

    @ParameterizedTest
    @MethodSource("codesWithFixtures")
    void goodFixtureDoesNotTriggerTheCode(FindingCode code) throws IOException {
        List<Finding> findings = validateFixture(code, "good.json");
        assertThat(findings).as("findings for %s: %s", code, findings).noneMatch(f -> f.code().equals(code.name()));
    }

    @Test
    void aCleanPolicyHasNoFindings() throws IOException {
        assertThat(PolicyValidator.validate(fixture("clean.json"), "clean.json", PolicyKind.IDENTITY)).isEmpty();
    }

    @Test
    void findingsCarryLineColumnAndPath() {
        String json = """
                {
                  "Version": "2012-10-17",
                  "Statement": [
                    {"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"},
                    {"Effect": "Allow", "Action": ["sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpont"], "Resource": "*"}
                  ]
                }
                """;
        List<Finding> findings = PolicyValidator.validate(json, "p.json", PolicyKind.IDENTITY);
        assertThat(findings).hasSize(1);
        Finding f = findings.get(0);
        assertThat(f.code()).isEqualTo("UNKNOWN_ACTION");
        assertThat(f.path()).isEqualTo("Statement[1].Action[1]");
        assertThat(f.position()).isEqualTo(new SourcePosition("p.json", 5, 66));
        assertThat(f.message()).contains("did you mean 'sagemaker:InvokeEndpoint'");
        assertThat(f.toString()).isEqualTo("p.json:5:66 ERROR UNKNOWN_ACTION Statement[1].Action[1]: " + f.message());
    }

    @Test
    void parserProblemsGetPathsIncludingDuplicateKeysAndUnknownElements() throws IOException {
        Finding dup = only(validateFixture(FindingCode.DUPLICATE_KEY, "bad.json"), FindingCode.DUPLICATE_KEY);
        assertThat(dup.path()).isEqualTo("Statement.Effect");
        assertThat(dup.position().line()).isEqualTo(5);
        Finding unknown = only(validateFixture(FindingCode.UNKNOWN_ELEMENT, "bad.json"), FindingCode.UNKNOWN_ELEMENT);
        assertThat(unknown.path()).isEqualTo("Statement[0].Actions");
        Finding malformed = only(validateFixture(FindingCode.MALFORMED_JSON, "bad.json"), FindingCode.MALFORMED_JSON);
        assertThat(malformed.path()).isEmpty();
        assertThat(malformed.position().line()).isGreaterThan(0);
    }

    @Test
    void parserResourceErrorsAreInvalidArnToo() {
        List<Finding> findings = PolicyValidator.validate(
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"key/1\"}}",
                "p", PolicyKind.IDENTITY);
        assertThat(findings).extracting(Finding::code).containsExactly("INVALID_ARN");
        assertThat(findings.get(0).path()).isEqualTo("Statement.Resource");
    }

    @Test
    void iamArnsWithARegionAreInvalidButWildcardSegmentsAreNot() {
        String bad = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:GetUser\",\"Resource\":\"arn:aws:iam:us-east-1:111122223333:user/a\"}}";
        assertThat(PolicyValidator.validate(bad, "p", PolicyKind.IDENTITY)).extracting(Finding::code).containsExactly("INVALID_ARN");
        String good = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:GetUser\",\"Resource\":\"arn:aws:iam::*:user/${aws:username}\"}}";
        assertThat(PolicyValidator.validate(good, "p", PolicyKind.IDENTITY)).isEmpty();
    }

    @Test
    void permissionOnlyActionsAndWildcardsAreKnown() {
        String json = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\",\"sagemaker:Describe*\",\"sts:TagSession\"],\"Resource\":\"*\"}}";
        assertThat(PolicyValidator.validate(json, "p", PolicyKind.IDENTITY)).isEmpty();
        String none = json.replace("sagemaker:Describe*", "sagemaker:Descirbe*");
        assertThat(PolicyValidator.validate(none, "p", PolicyKind.IDENTITY)).extracting(Finding::code).containsExactly("UNKNOWN_ACTION");
    }

    @Test
    void actionCaseIsIgnoredAsInIam() {
        String json = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"SageMaker:invokeendpoint\",\"Resource\":\"*\"}}";
        assertThat(PolicyValidator.validate(json, "p", PolicyKind.IDENTITY)).isEmpty();
    }

    @Test
    void conditionalBroaderStatementsDoNotMakeOthersRedundantOrUnreachable() {
        String json = """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Deny", "Action": "sagemaker:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                  {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": "alice"}}},
                  {"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}
                ]}""";
        assertThat(PolicyValidator.validate(json, "p", PolicyKind.IDENTITY)).isEmpty();
    }

    @Test
    void ofTwoIdenticalStatementsOnlyTheLaterIsRedundant() {
        String s = "{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
        List<Finding> findings = PolicyValidator.validate("{\"Version\":\"2012-10-17\",\"Statement\":[" + s + "," + s + "]}",
                "p", PolicyKind.IDENTITY);
        assertThat(findings).extracting(Finding::code, Finding::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("REDUNDANT_STATEMENT", "Statement[1]"));
    }

    @Test
    void resourcePoliciesCompareStatementsOnlyForTheSamePrincipal() {
        String json = """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "kms:Decrypt", "Resource": "*"}
                ]}""";
        assertThat(PolicyValidator.validate(json, "p", PolicyKind.RESOURCE)).isEmpty();
        assertThat(PolicyValidator.validate(json.replace("444455556666", "111122223333"), "p", PolicyKind.RESOURCE))
                .extracting(Finding::code).containsExactly("REDUNDANT_STATEMENT");
    }

    @Test
    void unknownOperatorsGetASpellingHint() throws IOException {
        Finding f = only(validateFixture(FindingCode.UNKNOWN_OPERATOR, "bad.json"), FindingCode.UNKNOWN_OPERATOR);
        assertThat(f.message()).isEqualTo("unknown condition operator 'StringEqual' (did you mean 'StringEquals'?)");
        assertThat(OperatorHint.withHint("unknown condition operator 'ForAnyValue:StrinLikeIfExists'"))
                .endsWith("(did you mean 'ForAnyValue:StringLikeIfExists'?)");
        assertThat(OperatorHint.withHint("unknown condition operator 'Whatever'")).doesNotContain("did you mean");
    }

    @Test
    void mlgatesOwnActionsAreKnownAndMisspellingsAreNot() {
        String json = """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": ["mlgate:CreateAuditDigest", "cloudtrail:LookupEvents"], "Resource": "*"}
                ]}""";
        assertThat(PolicyValidator.validate(json, "p", PolicyKind.IDENTITY)).isEmpty();
        assertThat(PolicyValidator.validate(json.replace("CreateAuditDigest", "CreateAuditDigests"), "p",
                PolicyKind.IDENTITY)).extracting(Finding::code).containsExactly("UNKNOWN_ACTION");
    }

    @Test
    void hasErrorsOnlyForErrorSeverity() throws IOException {
        assertThat(PolicyValidator.hasErrors(validateFixture(FindingCode.UNKNOWN_SERVICE, "bad.json"))).isFalse();
        assertThat(PolicyValidator.hasErrors(validateFixture(FindingCode.UNKNOWN_ACTION, "bad.json"))).isTrue();
    }

    @Test
    void findingsAreInSourceOrder() {
        String json = """
                {"Statement": [
                  {"Effect": "Allow", "Action": "foo:Bar", "Resource": "*"},
                  {"Effect": "Allow", "NotAction": "kms:Decrypt", "Resource": "*"}
                ]}""";
        assertThat(PolicyValidator.validate(json, "p", PolicyKind.IDENTITY)).extracting(Finding::code)
                .containsExactly("MISSING_VERSION", "UNKNOWN_SERVICE", "ALLOW_WITH_NOT_ACTION");
    }

    @Test
    void unclassifiedParserMessagesFallBackToInvalidPolicy() {
        assertThat(ProblemClassifier.classify("something the parser may say one day")).isEqualTo(FindingCode.INVALID_POLICY);
        assertThat(ProblemClassifier.classify("duplicate key 'Effect' (first defined at line 3)")).isNotEqualTo(FindingCode.INVALID_POLICY);
    }

    @Test
    void everyCodeIsDocumented() throws IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/policy-validator.md"));
        for (FindingCode c : FindingCode.values()) {
            assertThat(doc).as("docs/policy-validator.md documents %s", c).contains("`" + c.name() + "`");
        }
    }

    @Test
    void globCoverageIsConservative() {
        assertThat(StatementCoverage.globCovers("sagemaker:*", "sagemaker:describe*")).isTrue();
        assertThat(StatementCoverage.globCovers("sagemaker:describe*", "sagemaker:*")).isFalse();
        assertThat(StatementCoverage.globCovers("sagemaker:?", "sagemaker:*")).isFalse();
        assertThat(StatementCoverage.globCovers("sagemaker:list?", "sagemaker:list?")).isTrue();
    }

    private static Finding only(List<Finding> findings, FindingCode code) {
        List<Finding> of = findings.stream().filter(f -> f.code().equals(code.name())).toList();
        assertThat(of).as("findings %s", findings).hasSize(1);
        return of.get(0);
    }

    static List<Finding> validateFixture(FindingCode code, String file) throws IOException {
        String kind = resource(code + "/kind");
        PolicyKind k = kind == null ? PolicyKind.IDENTITY : PolicyKind.valueOf(kind.strip().toUpperCase(Locale.ROOT));
        return PolicyValidator.validate(fixture(code + "/" + file), code + "/" + file, k);
    }

    static String fixture(String name) throws IOException {
        String text = resource(name);
        assertThat(text).as("fixture iam/validate/%s", name).isNotNull();
        return text;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PolicyValidatorTest.class.getResourceAsStream("/iam/validate/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
