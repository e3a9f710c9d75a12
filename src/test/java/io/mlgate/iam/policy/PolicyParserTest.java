package io.mlgate.iam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mlgate.iam.json.ConfigurationProblem;

class PolicyParserTest {

    private static final String SRC = "test-policy.json";

    private static List<ConfigurationProblem> problems(String json) {
        return problems(json, PolicyKind.IDENTITY);
    }

    private static List<ConfigurationProblem> problems(String json, PolicyKind kind) {
        PolicyParseException e = catchThrowableOfType(PolicyParseException.class, () -> PolicyParser.parse(json, SRC, kind));
        assertThat(e).as("expected the policy to be rejected").isNotNull();
        return e.problems();
    }

    private static ConfigurationProblem only(String json) {
        List<ConfigurationProblem> ps = problems(json);
        assertThat(ps).hasSize(1);
        return ps.get(0);
    }

    private static void assertAt(ConfigurationProblem p, int line, int column, String messagePart) {
        assertThat(p.position().source()).isEqualTo(SRC);
        assertThat(p.position().line()).as("line of " + p).isEqualTo(line);
        assertThat(p.position().column()).as("column of " + p).isEqualTo(column);
        assertThat(p.message()).contains(messagePart);
    }

    @Test
    void validPolicyParsesWithAllElements() throws Exception {
        PolicyDocument doc = PolicyParser.parse("""
                {
                  "Version": "2012-10-17",
                  "Id": "demo",
                  "Statement": [
                    {"Sid": "One", "Effect": "Allow", "Action": ["sagemaker:InvokeEndpoint", "sagemaker:Describe*"],
                     "Resource": "arn:aws:sagemaker:*:123456789012:endpoint/iris",
                     "Condition": {"Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"s3:max-keys": 10}}},
                    {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["arn:aws:s3:::b/*"]}
                  ]
                }""", SRC);
        assertThat(doc.version()).isEqualTo(PolicyVersion.V2012_10_17);
        assertThat(doc.id()).contains("demo");
        assertThat(doc.statements()).hasSize(2);
        Statement first = doc.statements().get(0);
        assertThat(first.sid()).contains("One");
        assertThat(first.effect()).isEqualTo(Effect.ALLOW);
        assertThat(first.actions()).extracting(ActionPattern::text).containsExactly("sagemaker:InvokeEndpoint", "sagemaker:Describe*");
        assertThat(first.condition().clauses()).extracting(ConditionClause::operatorText).containsExactly("Bool", "NumericLessThan");
        assertThat(first.condition().clauses().get(0).values()).containsExactly("true");
        Statement second = doc.statements().get(1);
        assertThat(second.isNotAction()).isTrue();
        assertThat(second.isNotResource()).isTrue();
        assertThat(second.index()).isEqualTo(1);
        assertThat(second.position().line()).isEqualTo(8);
    }

    @Test
    void singleStatementObjectAndMissingVersionAreAccepted() throws Exception {
        PolicyDocument doc = PolicyParser.parse("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}}", SRC);
        assertThat(doc.version()).isEqualTo(PolicyVersion.V2008_10_17);
        assertThat(doc.hasExplicitVersion()).isFalse();
        assertThat(doc.statements()).hasSize(1);
    }

    @Test
    void malformedJsonIsReportedWithLocation() {
        ConfigurationProblem p = only("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ }\n}");
        assertAt(p, 3, 18, "malformed JSON");
    }

    @Test
    void unknownElementInDocument() {
        ConfigurationProblem p = only("""
                {"Version": "2012-10-17",
                 "Statment": [],
                 "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}""");
        assertAt(p, 2, 2, "unknown element 'Statment'");
    }

    @Test
    void unknownElementInStatementSuggestsCase() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow", "action": "*", "Action": "*", "Resource": "*"}}""");
        assertAt(p, 1, 35, "did you mean 'Action'");
    }

    @Test
    void bothActionAndNotAction() {
        ConfigurationProblem p = only("""
                {"Statement": {
                   "Effect": "Allow",
                   "Action": "s3:GetObject",
                   "NotAction": "s3:PutObject",
                   "Resource": "*"}}""");
        assertAt(p, 4, 4, "both Action and NotAction");
    }

    @Test
    void neitherActionNorNotAction() {
        ConfigurationProblem p = only("{\"Statement\": [\n  {\"Effect\": \"Allow\", \"Resource\": \"*\"}]}");
        assertAt(p, 2, 3, "neither Action nor NotAction");
    }

    @Test
    void bothResourceAndNotResource() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                   "NotResource": "*"}}""");
        assertAt(p, 2, 4, "both Resource and NotResource");
    }

    @Test
    void missingEffect() {
        ConfigurationProblem p = only("{\"Statement\": [{\"Action\": \"*\", \"Resource\": \"*\"}]}");
        assertAt(p, 1, 16, "no Effect");
    }

    @Test
    void badEffectValueIsCaseSensitive() {
        ConfigurationProblem p = only("{\"Statement\": [{\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}");
        assertAt(p, 1, 27, "bad Effect 'allow'");
    }

    @Test
    void badVersion() {
        ConfigurationProblem p = only("""
                {"Version": "2012-10-18",
                 "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}""");
        assertAt(p, 1, 13, "unsupported Version '2012-10-18'");
    }

    @Test
    void unknownConditionOperator() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                  "Condition": {
                    "StringEqualz": {"aws:username": "bob"}}}}""");
        assertAt(p, 3, 5, "unknown condition operator 'StringEqualz'");
    }

    @Test
    void conditionOperatorCaseIsSuggested() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                  "Condition": {"stringequalsIfExists": {"aws:username": "bob"}}}}""");
        assertThat(p.message()).contains("did you mean 'StringEquals'");
    }

    @Test
    void nullWithIfExistsIsRejected() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                  "Condition": {"NullIfExists": {"aws:username": "true"}}}}""");
        assertAt(p, 2, 17, "Null operator cannot be combined with IfExists");
    }

    @Test
    void actionWithoutServicePrefix() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow",
                  "Action": ["s3:GetObject", "InvokeEndpoint"], "Resource": "*"}}""");
        assertAt(p, 2, 30, "has no service prefix");
    }

    @Test
    void duplicateKeys() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow", "Action": "*",
                  "Resource": "*",
                  "Effect": "Deny"}}""");
        assertAt(p, 3, 3, "duplicate key 'Effect'");
    }

    @Test
    void duplicateSid() {
        ConfigurationProblem p = only("""
                {"Statement": [{"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"},
                               {"Sid": "A", "Effect": "Deny", "Action": "*", "Resource": "*"}]}""");
        assertAt(p, 2, 24, "duplicate Sid 'A'");
    }

    @Test
    void sidWithInvalidCharacters() {
        ConfigurationProblem p = only("{\"Statement\": [{\"Sid\": \"no spaces\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}");
        assertThat(p.message()).contains("may only contain letters");
    }

    @Test
    void principalIsForbiddenInIdentityPolicy() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}""");
        assertAt(p, 1, 35, "Principal is not allowed in an identity-based policy");
    }

    @Test
    void trustPolicyKeepsPrincipalAndRejectsPartialWildcards() throws Exception {
        PolicyDocument trust = PolicyParser.parse("""
                {"Version": "2012-10-17", "Statement": {"Effect": "Allow",
                  "Principal": {"AWS": ["arn:aws:iam::123456789012:root", "123456789012"], "Service": "sagemaker.amazonaws.com"},
                  "Action": "sts:AssumeRole"}}""", SRC, PolicyKind.TRUST);
        PrincipalSpec spec = trust.statements().get(0).principal().orElseThrow();
        assertThat(spec.byType().get("AWS")).containsExactly("arn:aws:iam::123456789012:root", "123456789012");
        assertThat(spec.byType().get("Service")).containsExactly("sagemaker.amazonaws.com");

        List<ConfigurationProblem> ps = problems("""
                {"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/*"},
                  "Action": "sts:AssumeRole"}}""", PolicyKind.TRUST);
        assertThat(ps).singleElement().satisfies(p -> assertAt(p, 1, 56, "uses a wildcard"));
    }

    @Test
    void notPrincipalKeptForResourcePoliciesButRejectedInTrustPolicies() throws Exception {
        PolicyDocument res = PolicyParser.parse("""
                {"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"},
                  "Action": "kms:*", "Resource": "*"}}""", SRC, PolicyKind.RESOURCE);
        assertThat(res.statements().get(0).principal().orElseThrow().isNegated()).isTrue();
        assertThat(problems("""
                {"Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}}""",
                PolicyKind.TRUST)).singleElement().satisfies(p -> assertThat(p.message()).contains("NotPrincipal is not allowed"));
    }

    @Test
    void resourceMustBeAnArnWithoutServiceWildcard() {
        List<ConfigurationProblem> ps = problems("""
                {"Statement": {"Effect": "Allow", "Action": "*",
                  "Resource": ["endpoint/iris", "arn:aws:sage*:us-east-1:123456789012:endpoint/x"]}}""");
        assertThat(ps).hasSize(2);
        assertAt(ps.get(0), 2, 16, "neither * nor an ARN");
        assertAt(ps.get(1), 2, 33, "wildcard in the service segment");
    }

    @Test
    void policyVariableBeforeResourcePartIsRejected() {
        ConfigurationProblem p = only("""
                {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*",
                  "Resource": "arn:aws:sagemaker:us-east-1:${aws:PrincipalAccount}:endpoint/x"}}""");
        assertThat(p.message()).contains("policy variable before the resource part");
    }

    @Test
    void invalidConditionValuesAreReportedPerFamily() {
        List<ConfigurationProblem> ps = problems("""
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
                  "IpAddress": {"aws:SourceIp": "10.0.0.300/8"},
                  "DateLessThan": {"aws:CurrentTime": "yesterday"},
                  "Bool": {"aws:SecureTransport": "yes"},
                  "NumericEquals": {"s3:max-keys": "ten"}}}}""");
        assertThat(ps).extracting(p -> p.position().line()).containsExactly(2, 3, 4, 5);
        assertThat(ps.get(0).message()).contains("not an IPv4 or IPv6");
        assertThat(ps.get(1).message()).contains("not an ISO 8601");
        assertThat(ps.get(2).message()).contains("not a boolean");
        assertThat(ps.get(3).message()).contains("not a number");
    }

    @Test
    void conditionKeyWithoutPrefix() {
        ConfigurationProblem p = only("""
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
                  "StringEquals": {"username": "bob"}}}}""");
        assertAt(p, 2, 20, "must have the form prefix:name");
    }

    @Test
    void wrongTypesAndEmptyArrays() {
        List<ConfigurationProblem> ps = problems("""
                {"Version": 2012, "Statement": {"Effect": "Allow", "Action": [], "Resource": 5}}""");
        assertThat(ps).extracting(ConfigurationProblem::message).anySatisfy(m -> assertThat(m).contains("Version must be a string"))
                .anySatisfy(m -> assertThat(m).contains("Action must not be an empty array"))
                .anySatisfy(m -> assertThat(m).contains("Resource must be a string or an array"));
    }

    @Test
    void allProblemsAreReportedInOnePass() {
        List<ConfigurationProblem> ps = problems("""
                {"Statement": [
                  {"Effect": "Permit", "Action": "*", "Resource": "*"},
                  {"Effect": "Allow", "Action": "nope", "Resource": "*"}]}""");
        assertThat(ps).hasSize(2);
        assertThat(ps.get(0).toString()).startsWith("test-policy.json:2:14: bad Effect");
        assertThat(ps.get(1).toString()).startsWith("test-policy.json:3:33: action 'nope'");
    }

    @Test
    void rootMustBeAnObject() {
        assertThatThrownBy(() -> PolicyParser.parse("[]", SRC)).isInstanceOf(PolicyParseException.class)
                .hasMessageContaining("must be a JSON object");
    }

    @Test
    void malformedPolicyVariables() {
        List<ConfigurationProblem> ps = problems("""
                {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
                  "StringEquals": {"aws:username": "${aws:username"},
                  "StringLike": {"s3:prefix": "${aws:PrincipalTag/team, default}"}}}}""");
        assertThat(ps).hasSize(2);
        assertAt(ps.get(0), 2, 36, "unterminated policy variable");
        assertAt(ps.get(1), 3, 31, "default value must be in single quotes");
    }

    @Test
    void variablesAreNotParsedUnderTheOldVersion() throws Exception {
        PolicyDocument doc = PolicyParser.parse("""
                {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
                  "Condition": {"StringEquals": {"aws:username": "${aws:username"}}}}""", SRC);
        assertThat(doc.statements().get(0).condition().clauses().get(0).values()).containsExactly("${aws:username");
    }
}
