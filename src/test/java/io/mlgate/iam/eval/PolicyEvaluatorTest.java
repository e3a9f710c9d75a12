package io.mlgate.iam.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;

class PolicyEvaluatorTest {

    static final String ACCOUNT = "123456789012";
    static final String USER_ARN = "arn:aws:iam::123456789012:user/alice";
    static final String IRIS = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris";
    static final String OTHER = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/other";
    static final String INVOKE = "sagemaker:InvokeEndpoint";

    private final PolicyEvaluator evaluator = new PolicyEvaluator();

    static IdentityPolicy policy(String name, String json) {
        try {
            return IdentityPolicy.inline(name, USER_ARN, PolicyParser.parse(json, name + ".json"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A policy with one statement of the given effect, action, resource and (optional) condition JSON. */
    static IdentityPolicy statement(String effect, String actionJson, String resourceJson, String conditionJson) {
        String cond = conditionJson == null ? "" : ", \"Condition\": " + conditionJson;
        return policy("p", "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"S\", \"Effect\": \"" + effect
                + "\", " + actionJson + ", " + resourceJson + cond + "}]}");
    }

    static IdentityPolicy allowInvoke(String conditionJson) {
        return statement("Allow", "\"Action\": \"sagemaker:InvokeEndpoint\"", "\"Resource\": \"*\"", conditionJson);
    }

    static PrincipalContext alice(IdentityPolicy... policies) {
        return PrincipalContext.builder(USER_ARN, ACCOUNT, PrincipalType.USER)
                .userId("AIDAEXAMPLEEXAMPLE1")
                .userName("alice")
                .tag("Team", "ml")
                .identityPolicies(List.of(policies))
                .build();
    }

    Decision decide(PrincipalContext p, String action, String resource, RequestContext ctx) {
        return evaluator.evaluate(AuthorizationRequest.of(p, action, resource, ctx));
    }

    Decision decide(IdentityPolicy policy, RequestContext ctx) {
        return decide(alice(policy), INVOKE, IRIS, ctx);
    }

    static RequestContext ctx(String... keyValues) {
        RequestContext.Builder b = RequestContext.builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.put(keyValues[i], keyValues[i + 1]);
        }
        return b.build();
    }

    static Decision.Outcome outcome(Decision d) {
        return d.outcome();
    }

    @Nested
    class DecisionRules {
        @Test
        void allowWhenAStatementAllows() {
            Decision d = decide(alice(allowInvoke(null)), INVOKE, IRIS, RequestContext.empty());
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.ALLOW);
            assertThat(d.statements()).singleElement().satisfies(s -> {
                assertThat(s.sid()).contains("S");
                assertThat(s.statementIndex()).isZero();
                assertThat(s.policyName()).isEqualTo("p");
            });
            assertThat(d.explanation()).contains("allowed by statement Sid 'S'").contains("inline policy 'p'");
        }

        @Test
        void implicitDenyWhenNothingAllows() {
            Decision d = decide(alice(allowInvoke(null)), "sagemaker:DeleteEndpoint", IRIS, RequestContext.empty());
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
            assertThat(d.statements()).isEmpty();
            assertThat(decide(alice(), INVOKE, IRIS, RequestContext.empty()).outcome()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        }

        @Test
        void explicitDenyWinsOverAllowInAnyOrder() {
            IdentityPolicy allowAll = statement("Allow", "\"Action\": \"*\"", "\"Resource\": \"*\"", null);
            IdentityPolicy denyIris = policy("deny", """
                    {"Version": "2012-10-17", "Statement": [
                      {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                      {"Sid": "NoIris", "Effect": "Deny", "Action": "sagemaker:*", "Resource": "arn:aws:sagemaker:*:*:endpoint/iris"}]}""");
            for (PrincipalContext p : List.of(alice(allowAll, denyIris), alice(denyIris, allowAll))) {
                Decision d = decide(p, INVOKE, IRIS, RequestContext.empty());
                assertThat(d.outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
                assertThat(d.statements()).singleElement().satisfies(s -> {
                    assertThat(s.sid()).contains("NoIris");
                    assertThat(s.statementIndex()).isEqualTo(1);
                    assertThat(s.policyName()).isEqualTo("deny");
                });
                assertThat(decide(p, INVOKE, OTHER, RequestContext.empty()).outcome()).isEqualTo(Decision.Outcome.ALLOW);
            }
        }

        @Test
        void accessDeniedMessagesMatchAws() {
            PrincipalContext p = alice(statement("Deny", "\"Action\": \"sagemaker:*\"", "\"Resource\": \"" + OTHER + "\"", null));
            AuthorizationRequest implicit = AuthorizationRequest.of(p, INVOKE, IRIS);
            assertThat(AccessDeniedMessage.render(implicit, evaluator.evaluate(implicit))).isEqualTo(
                    "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sagemaker:InvokeEndpoint"
                            + " on resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris because no"
                            + " identity-based policy allows the sagemaker:InvokeEndpoint action");
            AuthorizationRequest explicit = AuthorizationRequest.of(p, INVOKE, OTHER);
            assertThat(AccessDeniedMessage.render(explicit, evaluator.evaluate(explicit))).isEqualTo(
                    "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sagemaker:InvokeEndpoint"
                            + " on resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/other with an explicit deny"
                            + " in an identity-based policy");
            AuthorizationRequest allowed = AuthorizationRequest.of(alice(allowInvoke(null)), INVOKE, IRIS);
            assertThatThrownBy(() -> AccessDeniedMessage.render(allowed, evaluator.evaluate(allowed)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class ActionsAndResources {
        @Test
        void actionsMatchCaseInsensitivelyWithWildcards() {
            IdentityPolicy p = statement("Allow", "\"Action\": \"SageMaker:invoke*\"", "\"Resource\": \"*\"", null);
            assertThat(decide(alice(p), "sagemaker:InvokeEndpoint", IRIS, RequestContext.empty()).isAllowed()).isTrue();
            assertThat(decide(alice(p), "SAGEMAKER:INVOKEENDPOINTASYNC", IRIS, RequestContext.empty()).isAllowed()).isTrue();
            assertThat(decide(alice(p), "sagemaker:CreateEndpoint", IRIS, RequestContext.empty()).isAllowed()).isFalse();
            IdentityPolicy q = statement("Allow", "\"Action\": \"sagemaker:Invoke?ndpoint\"", "\"Resource\": \"*\"", null);
            assertThat(decide(alice(q), "sagemaker:InvokeEndpoint", IRIS, RequestContext.empty()).isAllowed()).isTrue();
            assertThat(decide(alice(q), "sagemaker:InvokeEndpointAsync", IRIS, RequestContext.empty()).isAllowed()).isFalse();
        }

        @Test
        void resourcesMatchCaseSensitively() {
            IdentityPolicy p = statement("Allow", "\"Action\": \"*\"", "\"Resource\": \"arn:aws:sagemaker:*:123456789012:endpoint/Iris*\"", null);
            assertThat(decide(alice(p), INVOKE, "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/Iris-v2", RequestContext.empty()).isAllowed()).isTrue();
            assertThat(decide(alice(p), INVOKE, IRIS, RequestContext.empty()).isAllowed()).isFalse();
        }

        @Test
        void notActionAllowsEverythingElse() {
            IdentityPolicy p = statement("Allow", "\"NotAction\": [\"iam:*\", \"sagemaker:Delete*\"]", "\"Resource\": \"*\"", null);
            assertThat(decide(alice(p), INVOKE, IRIS, RequestContext.empty()).isAllowed()).isTrue();
            assertThat(decide(alice(p), "s3:GetObject", "arn:aws:s3:::b/k", RequestContext.empty()).isAllowed()).isTrue();
            assertThat(decide(alice(p), "iam:CreateUser", "*", RequestContext.empty()).isAllowed()).isFalse();
            assertThat(decide(alice(p), "sagemaker:deleteEndpoint", IRIS, RequestContext.empty()).isAllowed()).isFalse();
        }

        @Test
        void notActionWithDenyDeniesEverythingElse() {
            IdentityPolicy allowAll = statement("Allow", "\"Action\": \"*\"", "\"Resource\": \"*\"", null);
            IdentityPolicy denyOthers = statement("Deny", "\"NotAction\": \"sagemaker:InvokeEndpoint\"", "\"Resource\": \"*\"", null);
            assertThat(decide(alice(allowAll, denyOthers), INVOKE, IRIS, RequestContext.empty()).outcome()).isEqualTo(Decision.Outcome.ALLOW);
            assertThat(decide(alice(allowAll, denyOthers), "sagemaker:DeleteEndpoint", IRIS, RequestContext.empty()).outcome())
                    .isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        }

        @Test
        void notResourceAppliesToEverythingButTheListedResources() {
            IdentityPolicy allowAll = statement("Allow", "\"Action\": \"*\"", "\"Resource\": \"*\"", null);
            IdentityPolicy denyExceptIris = statement("Deny", "\"Action\": \"sagemaker:*\"", "\"NotResource\": \"" + IRIS + "\"", null);
            assertThat(decide(alice(allowAll, denyExceptIris), INVOKE, IRIS, RequestContext.empty()).outcome()).isEqualTo(Decision.Outcome.ALLOW);
            assertThat(decide(alice(allowAll, denyExceptIris), INVOKE, OTHER, RequestContext.empty()).outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
            // the Deny is scoped by its Action: other services are untouched
            assertThat(decide(alice(allowAll, denyExceptIris), "s3:GetObject", "arn:aws:s3:::b/k", RequestContext.empty()).outcome())
                    .isEqualTo(Decision.Outcome.ALLOW);
        }

        @Test
        void segmentEndingWildcardCoversTheRestOfTheArn() {
            IdentityPolicy p = statement("Allow", "\"Action\": \"*\"", "\"Resource\": \"arn:aws:sagemaker:us-east-1:*\"", null);
            assertThat(decide(alice(p), INVOKE, IRIS, RequestContext.empty()).isAllowed()).isTrue();
            assertThat(decide(alice(p), INVOKE, "arn:aws:sagemaker:us-west-2:123456789012:endpoint/iris", RequestContext.empty()).isAllowed()).isFalse();
        }
    }

    @Nested
    class StringConditions {
        @Test
        void stringEqualsIsCaseSensitiveAndOrsValues() {
            IdentityPolicy p = allowInvoke("{\"StringEquals\": {\"aws:RequestedRegion\": [\"us-east-1\", \"eu-west-1\"]}}");
            assertThat(decide(p, ctx("aws:RequestedRegion", "eu-west-1")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:RequestedRegion", "US-EAST-1")).isAllowed()).isFalse();
            assertThat(decide(p, ctx()).isAllowed()).as("missing key: positive operator is false").isFalse();
        }

        @Test
        void conditionKeyNamesAreCaseInsensitive() {
            IdentityPolicy p = allowInvoke("{\"StringEquals\": {\"AWS:requestedREGION\": \"us-east-1\"}}");
            assertThat(decide(p, ctx("aws:RequestedRegion", "us-east-1")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:RequestedRegion", "us-east-2")).isAllowed()).isFalse();
        }

        @Test
        void stringNotEqualsNorsValuesAndIsTrueOnMissingKey() {
            IdentityPolicy p = allowInvoke("{\"StringNotEquals\": {\"aws:RequestedRegion\": [\"us-east-1\", \"eu-west-1\"]}}");
            assertThat(decide(p, ctx("aws:RequestedRegion", "ap-south-1")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:RequestedRegion", "eu-west-1")).isAllowed()).isFalse();
            assertThat(decide(p, ctx()).isAllowed()).as("missing key: negated operator is true").isTrue();
        }

        @Test
        void ignoreCaseOperators() {
            IdentityPolicy eq = allowInvoke("{\"StringEqualsIgnoreCase\": {\"aws:RequestedRegion\": \"US-EAST-1\"}}");
            assertThat(decide(eq, ctx("aws:RequestedRegion", "us-east-1")).isAllowed()).isTrue();
            assertThat(decide(eq, ctx("aws:RequestedRegion", "us-east-2")).isAllowed()).isFalse();
            IdentityPolicy ne = allowInvoke("{\"StringNotEqualsIgnoreCase\": {\"aws:RequestedRegion\": \"US-EAST-1\"}}");
            assertThat(decide(ne, ctx("aws:RequestedRegion", "us-east-1")).isAllowed()).isFalse();
            assertThat(decide(ne, ctx("aws:RequestedRegion", "us-east-2")).isAllowed()).isTrue();
        }

        @Test
        void likeOperatorsUseCaseSensitiveWildcards() {
            IdentityPolicy like = allowInvoke("{\"StringLike\": {\"sagemaker:TargetModel\": \"customer-*.tar.gz\"}}");
            assertThat(decide(like, ctx("sagemaker:TargetModel", "customer-42.tar.gz")).isAllowed()).isTrue();
            assertThat(decide(like, ctx("sagemaker:TargetModel", "Customer-42.tar.gz")).isAllowed()).isFalse();
            IdentityPolicy notLike = allowInvoke("{\"StringNotLike\": {\"sagemaker:TargetModel\": [\"secret*\", \"*internal*\"]}}");
            assertThat(decide(notLike, ctx("sagemaker:TargetModel", "public.tar.gz")).isAllowed()).isTrue();
            assertThat(decide(notLike, ctx("sagemaker:TargetModel", "an-internal-model")).isAllowed()).isFalse();
        }

        @Test
        void starInStringEqualsIsLiteral() {
            IdentityPolicy p = allowInvoke("{\"StringEquals\": {\"sagemaker:TargetModel\": \"model-*\"}}");
            assertThat(decide(p, ctx("sagemaker:TargetModel", "model-*")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("sagemaker:TargetModel", "model-1")).isAllowed()).isFalse();
        }

        @Test
        void multipleKeysAndOperatorsAreAnded() {
            IdentityPolicy p = allowInvoke("""
                    {"StringEquals": {"aws:RequestedRegion": "us-east-1", "sagemaker:TargetModel": "a"},
                     "Bool": {"aws:SecureTransport": "true"}}""");
            assertThat(decide(p, ctx("aws:RequestedRegion", "us-east-1", "sagemaker:TargetModel", "a", "aws:SecureTransport", "true")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:RequestedRegion", "us-east-1", "sagemaker:TargetModel", "b", "aws:SecureTransport", "true")).isAllowed()).isFalse();
            assertThat(decide(p, ctx("aws:RequestedRegion", "us-east-1", "sagemaker:TargetModel", "a", "aws:SecureTransport", "false")).isAllowed()).isFalse();
        }

        @Test
        void ifExistsIsTrueOnMissingKeyAndEvaluatesPresentKey() {
            IdentityPolicy p = allowInvoke("{\"StringEqualsIfExists\": {\"sagemaker:TargetModel\": \"a\"}}");
            assertThat(decide(p, ctx()).isAllowed()).isTrue();
            assertThat(decide(p, ctx("sagemaker:TargetModel", "a")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("sagemaker:TargetModel", "b")).isAllowed()).isFalse();
        }

        @Test
        void denyWithNegatedIfExistsStillDeniesOnMissingKey() {
            IdentityPolicy allow = allowInvoke(null);
            IdentityPolicy deny = statement("Deny", "\"Action\": \"*\"", "\"Resource\": \"*\"",
                    "{\"StringNotEqualsIfExists\": {\"aws:RequestedRegion\": \"us-east-1\"}}");
            assertThat(decide(alice(allow, deny), INVOKE, IRIS, ctx()).outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
            assertThat(decide(alice(allow, deny), INVOKE, IRIS, ctx("aws:RequestedRegion", "us-east-1")).outcome()).isEqualTo(Decision.Outcome.ALLOW);
        }
    }

    @Nested
    class OtherConditionFamilies {
        @Test
        void boolOperator() {
            IdentityPolicy p = allowInvoke("{\"Bool\": {\"aws:SecureTransport\": \"true\"}}");
            assertThat(decide(p, ctx("aws:SecureTransport", "true")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:SecureTransport", "TRUE")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:SecureTransport", "false")).isAllowed()).isFalse();
            assertThat(decide(p, ctx()).isAllowed()).isFalse();
        }

        @Test
        void boolIfExistsLetsMissingKeyThroughButDenyBoolFalseDoesNotCatchIt() {
            IdentityPolicy allow = allowInvoke("{\"BoolIfExists\": {\"aws:MultiFactorAuthPresent\": \"true\"}}");
            assertThat(decide(allow, ctx()).isAllowed()).isTrue();
            assertThat(decide(allow, ctx("aws:MultiFactorAuthPresent", "false")).isAllowed()).isFalse();
            IdentityPolicy denyNoMfa = statement("Deny", "\"Action\": \"*\"", "\"Resource\": \"*\"",
                    "{\"Bool\": {\"aws:MultiFactorAuthPresent\": \"false\"}}");
            assertThat(decide(alice(allowInvoke(null), denyNoMfa), INVOKE, IRIS, ctx()).outcome()).isEqualTo(Decision.Outcome.ALLOW);
            assertThat(decide(alice(allowInvoke(null), denyNoMfa), INVOKE, IRIS, ctx("aws:MultiFactorAuthPresent", "false")).outcome())
                    .isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        }

        @Test
        void ipv4Cidrs() {
            IdentityPolicy p = allowInvoke("{\"IpAddress\": {\"aws:SourceIp\": [\"203.0.113.0/24\", \"198.51.100.7\"]}}");
            assertThat(decide(p, ctx("aws:SourceIp", "203.0.113.9")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:SourceIp", "198.51.100.7")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:SourceIp", "198.51.100.8")).isAllowed()).isFalse();
            assertThat(decide(p, ctx()).isAllowed()).isFalse();
        }

        @Test
        void ipv6Cidrs() {
            IdentityPolicy p = allowInvoke("{\"IpAddress\": {\"aws:SourceIp\": \"2001:DB8:AB::/48\"}}");
            assertThat(decide(p, ctx("aws:SourceIp", "2001:db8:ab:1::42")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:SourceIp", "2001:db8:ac::42")).isAllowed()).isFalse();
            assertThat(decide(p, ctx("aws:SourceIp", "203.0.113.9")).isAllowed()).isFalse();
        }

        @Test
        void notIpAddressIsTrueOutsideAllRangesAndOnMissingKey() {
            IdentityPolicy p = allowInvoke("{\"NotIpAddress\": {\"aws:SourceIp\": [\"10.0.0.0/8\", \"fd00::/8\"]}}");
            assertThat(decide(p, ctx("aws:SourceIp", "203.0.113.9")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:SourceIp", "10.2.3.4")).isAllowed()).isFalse();
            assertThat(decide(p, ctx("aws:SourceIp", "fd12::1")).isAllowed()).isFalse();
            assertThat(decide(p, ctx()).isAllowed()).isTrue();
        }

        @Test
        void dateOperatorsWithIsoAndEpochSeconds() {
            IdentityPolicy before = allowInvoke("{\"DateLessThan\": {\"aws:CurrentTime\": \"2030-01-01T00:00:00Z\"}}");
            assertThat(decide(before, ctx("aws:CurrentTime", "2029-12-31T23:59:59Z")).isAllowed()).isTrue();
            assertThat(decide(before, ctx("aws:CurrentTime", "2030-01-01T00:00:00Z")).isAllowed()).isFalse();
            assertThat(decide(before, ctx("aws:CurrentTime", "2030-01-01T00:30:00+01:00")).isAllowed()).as("offsets are honoured").isTrue();
            assertThat(decide(before, ctx()).isAllowed()).isFalse();

            IdentityPolicy epoch = allowInvoke("{\"DateGreaterThanEquals\": {\"aws:EpochTime\": \"1700000000\"}}");
            assertThat(decide(epoch, ctx("aws:EpochTime", "1700000000")).isAllowed()).isTrue();
            assertThat(decide(epoch, ctx("aws:EpochTime", "1699999999")).isAllowed()).isFalse();

            IdentityPolicy mixed = allowInvoke("{\"DateGreaterThan\": {\"aws:CurrentTime\": \"1700000000\"}}");
            assertThat(decide(mixed, ctx("aws:CurrentTime", "2023-11-14T22:13:21Z")).isAllowed()).isTrue();
            assertThat(decide(mixed, ctx("aws:CurrentTime", "2023-11-14T22:13:20Z")).isAllowed()).isFalse();
        }

        @Test
        void dateEqualityFamily() {
            IdentityPolicy eq = allowInvoke("{\"DateEquals\": {\"aws:CurrentTime\": \"2024-05-01\"}}");
            assertThat(decide(eq, ctx("aws:CurrentTime", "2024-05-01T00:00:00Z")).isAllowed()).isTrue();
            assertThat(decide(eq, ctx("aws:CurrentTime", "2024-05-01T00:00:01Z")).isAllowed()).isFalse();
            IdentityPolicy ne = allowInvoke("{\"DateNotEquals\": {\"aws:CurrentTime\": \"2024-05-01T00:00:00Z\"}}");
            assertThat(decide(ne, ctx("aws:CurrentTime", "2024-05-02T00:00:00Z")).isAllowed()).isTrue();
            assertThat(decide(ne, ctx("aws:CurrentTime", "1714521600")).isAllowed()).isFalse();
            assertThat(decide(ne, ctx()).isAllowed()).isTrue();
            IdentityPolicy le = allowInvoke("{\"DateLessThanEquals\": {\"aws:CurrentTime\": \"2024-05-01T00:00:00Z\"}}");
            assertThat(decide(le, ctx("aws:CurrentTime", "2024-05-01T00:00:00Z")).isAllowed()).isTrue();
            assertThat(decide(le, ctx("aws:CurrentTime", "2024-05-01T00:00:00.001Z")).isAllowed()).isFalse();
            assertThat(decide(le, ctx("aws:CurrentTime", "not a date")).isAllowed()).isFalse();
        }

        @Test
        void numericOperators() {
            IdentityPolicy p = allowInvoke("{\"NumericLessThanEquals\": {\"aws:MultiFactorAuthAge\": \"3600\"}}");
            assertThat(decide(p, ctx("aws:MultiFactorAuthAge", "3600.0")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:MultiFactorAuthAge", "3601")).isAllowed()).isFalse();
            IdentityPolicy ne = allowInvoke("{\"NumericNotEquals\": {\"s3:max-keys\": [\"10\", \"20\"]}}");
            assertThat(decide(ne, ctx("s3:max-keys", "15")).isAllowed()).isTrue();
            assertThat(decide(ne, ctx("s3:max-keys", "20")).isAllowed()).isFalse();
        }

        @Test
        void arnOperatorsMatchPerSegment() {
            IdentityPolicy p = allowInvoke("{\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:sagemaker:*:123456789012:endpoint/*\"}}");
            assertThat(decide(p, ctx("aws:SourceArn", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("aws:SourceArn", "arn:aws:sagemaker:us-east-1:999999999999:endpoint/iris")).isAllowed()).isFalse();
            IdentityPolicy not = allowInvoke("{\"ArnNotEquals\": {\"aws:SourceArn\": \"arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris\"}}");
            assertThat(decide(not, ctx("aws:SourceArn", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x")).isAllowed()).isTrue();
            assertThat(decide(not, ctx("aws:SourceArn", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris")).isAllowed()).isFalse();
        }

        @Test
        void nullOperatorTestsPresence() {
            IdentityPolicy absent = allowInvoke("{\"Null\": {\"sagemaker:TargetModel\": \"true\"}}");
            assertThat(decide(absent, ctx()).isAllowed()).isTrue();
            assertThat(decide(absent, ctx("sagemaker:TargetModel", "m")).isAllowed()).isFalse();
            IdentityPolicy present = allowInvoke("{\"Null\": {\"sagemaker:TargetModel\": \"false\"}}");
            assertThat(decide(present, ctx("sagemaker:TargetModel", "m")).isAllowed()).isTrue();
            assertThat(decide(present, ctx()).isAllowed()).isFalse();
        }

        @Test
        void binaryEquals() {
            IdentityPolicy p = allowInvoke("{\"BinaryEquals\": {\"x:blob\": \"QmluYXJ5\"}}");
            assertThat(decide(p, ctx("x:blob", "QmluYXJ5")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("x:blob", "QmluYXJ6")).isAllowed()).isFalse();
        }
    }

    @Nested
    class SetOperators {
        RequestContext tagKeys(String... keys) {
            return RequestContext.builder().put("aws:TagKeys", List.of(keys)).build();
        }

        @Test
        void forAllValuesIsASubsetTestAndVacuouslyTrue() {
            IdentityPolicy p = allowInvoke("{\"ForAllValues:StringEquals\": {\"aws:TagKeys\": [\"team\", \"env\"]}}");
            assertThat(decide(p, tagKeys("team", "env")).isAllowed()).isTrue();
            assertThat(decide(p, tagKeys("team", "owner")).isAllowed()).isFalse();
            assertThat(decide(p, ctx()).isAllowed()).as("absent key: vacuously true").isTrue();
            assertThat(decide(p, tagKeys()).isAllowed()).as("empty set: vacuously true").isTrue();
        }

        @Test
        void forAnyValueNeedsOneMatchAndIsFalseWhenAbsent() {
            IdentityPolicy p = allowInvoke("{\"ForAnyValue:StringLike\": {\"aws:TagKeys\": \"cost*\"}}");
            assertThat(decide(p, tagKeys("team", "costcenter")).isAllowed()).isTrue();
            assertThat(decide(p, tagKeys("team")).isAllowed()).isFalse();
            assertThat(decide(p, ctx()).isAllowed()).isFalse();
        }

        @Test
        void forAllValuesWithNegatedOperatorMatchesTheDocumentedTable() {
            IdentityPolicy p = allowInvoke("{\"ForAllValues:StringNotLike\": {\"aws:TagKeys\": \"key1*\"}}");
            assertThat(decide(p, tagKeys("key1:legal")).isAllowed()).isFalse();
            assertThat(decide(p, tagKeys("key1:hr", "key1:personnel")).isAllowed()).isFalse();
            assertThat(decide(p, tagKeys("key2:audit")).isAllowed()).isTrue();
            assertThat(decide(p, ctx()).isAllowed()).isTrue();
        }
    }

    @Nested
    class PrincipalKeysAndVariables {
        @Test
        void evaluatorSuppliesPrincipalKeys() {
            IdentityPolicy p = allowInvoke("""
                    {"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:user/alice",
                                      "aws:PrincipalAccount": "123456789012", "aws:username": "alice",
                                      "aws:userid": "AIDAEXAMPLEEXAMPLE1", "aws:PrincipalType": "User",
                                      "aws:principaltag/TEAM": "ml"}}""");
            assertThat(decide(p, ctx()).isAllowed()).isTrue();
            PrincipalContext bob = PrincipalContext.builder("arn:aws:iam::123456789012:user/bob", ACCOUNT, PrincipalType.USER)
                    .userId("AIDABOB").userName("bob").tag("team", "ml").identityPolicy(p).build();
            assertThat(decide(bob, INVOKE, IRIS, ctx()).isAllowed()).isFalse();
        }

        @Test
        void callerCannotSupplyPrincipalKeys() {
            assertThatThrownBy(() -> RequestContext.builder().put("aws:PrincipalTag/admin", "true"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> RequestContext.builder().put("AWS:USERNAME", "root"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(RequestContext.builder().put("aws:SourceIp", "203.0.113.1").build().values("AWS:SOURCEIP"))
                    .containsExactly("203.0.113.1");
        }

        @Test
        void duplicatePrincipalTagKeysIgnoringCaseAreRejected() {
            assertThatThrownBy(() -> PrincipalContext.builder(USER_ARN, ACCOUNT, PrincipalType.USER).tag("Team", "a").tag("team", "b"))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void variablesInResourceResolveFromThePrincipal() {
            IdentityPolicy p = statement("Allow", "\"Action\": \"*\"",
                    "\"Resource\": \"arn:aws:sagemaker:*:123456789012:endpoint/${aws:username}-*\"", null);
            assertThat(decide(alice(p), INVOKE, "arn:aws:sagemaker:us-east-1:123456789012:endpoint/alice-dev", ctx()).isAllowed()).isTrue();
            assertThat(decide(alice(p), INVOKE, "arn:aws:sagemaker:us-east-1:123456789012:endpoint/bob-dev", ctx()).isAllowed()).isFalse();
        }

        @Test
        void variablesAreLiteralUnderTheOldVersion() {
            IdentityPolicy old = policy("old", """
                    {"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*",
                     "Resource": "arn:aws:sagemaker:*:123456789012:endpoint/${aws:username}"}}""");
            assertThat(decide(alice(old), INVOKE, "arn:aws:sagemaker:us-east-1:123456789012:endpoint/alice", ctx()).isAllowed()).isFalse();
            assertThat(decide(alice(old), INVOKE, "arn:aws:sagemaker:us-east-1:123456789012:endpoint/${aws:username}", ctx()).isAllowed()).isTrue();
        }

        @Test
        void variablesInConditionsWithDefaultsAndEscapes() {
            IdentityPolicy p = allowInvoke("{\"StringLike\": {\"sagemaker:TargetModel\": \"${aws:PrincipalTag/team}/*\"}}");
            assertThat(decide(p, ctx("sagemaker:TargetModel", "ml/model.tar.gz")).isAllowed()).isTrue();
            assertThat(decide(p, ctx("sagemaker:TargetModel", "hr/model.tar.gz")).isAllowed()).isFalse();

            IdentityPolicy def = allowInvoke("{\"StringEquals\": {\"sagemaker:TargetModel\": \"${aws:PrincipalTag/dept, 'shared'}\"}}");
            assertThat(decide(def, ctx("sagemaker:TargetModel", "shared")).isAllowed()).isTrue();
            assertThat(decide(def, ctx("sagemaker:TargetModel", "ml")).isAllowed()).isFalse();

            IdentityPolicy esc = allowInvoke("{\"StringLike\": {\"sagemaker:TargetModel\": \"a${*}b\"}}");
            assertThat(decide(esc, ctx("sagemaker:TargetModel", "a*b")).isAllowed()).isTrue();
            assertThat(decide(esc, ctx("sagemaker:TargetModel", "axb")).isAllowed()).as("escaped * is not a wildcard").isFalse();
        }

        @Test
        void unresolvableVariableNeverMatchesPositiveButMatchesNegatedOperators() {
            PrincipalContext untagged = PrincipalContext.builder(USER_ARN, ACCOUNT, PrincipalType.USER).userName("alice")
                    .identityPolicy(allowInvoke(null))
                    .identityPolicy(statement("Deny", "\"Action\": \"*\"", "\"Resource\": \"*\"",
                            "{\"StringNotEquals\": {\"sagemaker:TargetModel\": \"${aws:PrincipalTag/team}\"}}"))
                    .build();
            assertThat(decide(untagged, INVOKE, IRIS, ctx("sagemaker:TargetModel", "ml")).outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
            PrincipalContext tagged = PrincipalContext.builder(USER_ARN, ACCOUNT, PrincipalType.USER).userName("alice").tag("team", "ml")
                    .identityPolicies(untagged.identityPolicies()).build();
            assertThat(decide(tagged, INVOKE, IRIS, ctx("sagemaker:TargetModel", "ml")).outcome()).isEqualTo(Decision.Outcome.ALLOW);

            IdentityPolicy res = statement("Allow", "\"Action\": \"*\"",
                    "\"Resource\": \"arn:aws:sagemaker:*:*:endpoint/${aws:PrincipalTag/project}\"", null);
            assertThat(decide(alice(res), INVOKE, IRIS, ctx()).isAllowed()).as("unresolved variable in Resource matches nothing").isFalse();
        }

        @Test
        void principalTagValuesAreNotMapsOfCallerData() {
            Map<String, String> tags = alice().tags();
            assertThat(tags).containsEntry("Team", "ml");
            assertThatThrownBy(() -> tags.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
