package io.mlgate.autoscaling;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.mlgate.autoscaling.AutoscalingFixture.ADMIN;
import static io.mlgate.autoscaling.AutoscalingFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The Application Auto Scaling API: validation and errors in AWS's shapes, authorization targets, describes. */
class AutoscalingServiceTest {

    static final String TARGET = "{\"ServiceNamespace\": \"sagemaker\", \"ResourceId\": \"endpoint/ep/variant/A\", "
            + "\"ScalableDimension\": \"sagemaker:variant:DesiredInstanceCount\"";

    @TempDir
    Path dataDir;

    AutoscalingFixture f;

    @BeforeEach
    void start() throws Exception {
        f = new AutoscalingFixture(dataDir);
        f.variants.endpoint("Ep", "A", 1, "B", 2);
    }

    void assertError(String op, String body, String code, String messagePart) {
        JsonServiceException e = f.error(op, body);
        assertThat(e.code()).as(body).isEqualTo(code);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).as(body).contains(messagePart);
    }

    void assertValidation(String op, String body, String messagePart) {
        assertError(op, body, "ValidationException", messagePart);
    }

    // ------------------------------------------------------------------ RegisterScalableTarget

    @Test
    void registerReturnsTheTargetArnAndDescribeShowsTheTarget() throws Exception {
        JsonNode out = f.register("ep", "A", 1, 4);
        String arn = out.get("ScalableTargetARN").stringValue();
        assertThat(arn).matches("arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/[0-9a-f]{36}");

        JsonNode t = f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\"}")
                .get("ScalableTargets").get(0);
        assertThat(t.get("ResourceId").stringValue()).isEqualTo("endpoint/Ep/variant/A"); // the endpoint's own name
        assertThat(t.get("ServiceNamespace").stringValue()).isEqualTo("sagemaker");
        assertThat(t.get("ScalableDimension").stringValue()).isEqualTo("sagemaker:variant:DesiredInstanceCount");
        assertThat(t.get("MinCapacity").intValue()).isEqualTo(1);
        assertThat(t.get("MaxCapacity").intValue()).isEqualTo(4);
        assertThat(t.get("RoleARN").stringValue()).isEqualTo("arn:aws:iam::123456789012:role/aws-service-role/"
                + "sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint");
        assertThat(t.get("CreationTime").decimalValue().longValue()).isEqualTo(AutoscalingFixture.T0.getEpochSecond());
        assertThat(t.get("SuspendedState").get("DynamicScalingInSuspended").booleanValue()).isFalse();
        assertThat(t.get("ScalableTargetARN").stringValue()).isEqualTo(arn);
        assertThat(f.variants.changes).isEmpty(); // 1 is within [1, 4]
    }

    @Test
    void registeringAgainUpdatesOnlyWhatIsGivenAndAMinimumAboveTheCurrentCountScalesAtOnce() throws Exception {
        f.register("ep", "A", 1, 4);
        f.call("RegisterScalableTarget", TARGET + ", \"MinCapacity\": 3, "
                + "\"SuspendedState\": {\"DynamicScalingInSuspended\": true}}");
        JsonNode t = f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\"}")
                .get("ScalableTargets").get(0);
        assertThat(t.get("MinCapacity").intValue()).isEqualTo(3);
        assertThat(t.get("MaxCapacity").intValue()).isEqualTo(4);
        assertThat(t.get("SuspendedState").get("DynamicScalingInSuspended").booleanValue()).isTrue();
        assertThat(t.get("SuspendedState").get("DynamicScalingOutSuspended").booleanValue()).isFalse();
        assertThat(f.variants.changes).containsExactly("Ep/A=3");
        JsonNode a = f.activities("ep", "A").get("ScalingActivities").get(0);
        assertThat(a.get("Cause").stringValue()).isEqualTo("minimum capacity was set to 3");
        assertThat(a.get("ResourceId").stringValue()).isEqualTo("endpoint/Ep/variant/A");
        assertThat(f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\"}")
                .get("ScalableTargets")).hasSize(1);
        assertValidation("RegisterScalableTarget", TARGET + ", \"MaxCapacity\": 2}",
                "Minimum capacity cannot be greater than maximum capacity");
    }

    @Test
    void registerValidatesTheTargetAndTheEndpoint() {
        assertValidation("RegisterScalableTarget", "{\"ResourceId\": \"endpoint/ep/variant/A\", "
                + "\"ScalableDimension\": \"sagemaker:variant:DesiredInstanceCount\", \"MinCapacity\": 1, "
                + "\"MaxCapacity\": 2}", "Value null at 'serviceNamespace' failed to satisfy constraint: "
                + "Member must not be null");
        assertValidation("RegisterScalableTarget", TARGET.replace("\"sagemaker\"", "\"sagemakr\"")
                + ", \"MinCapacity\": 1, \"MaxCapacity\": 2}", "Value 'sagemakr' at 'serviceNamespace' failed to "
                + "satisfy constraint: Member must satisfy enum value set: [ecs, elasticmapreduce");
        assertValidation("RegisterScalableTarget", "{\"ServiceNamespace\": \"ecs\", \"ResourceId\": "
                + "\"service/default/web\", \"ScalableDimension\": \"ecs:service:DesiredCount\", \"MinCapacity\": 1, "
                + "\"MaxCapacity\": 2}", "Unsupported service namespace, resource type or scalable dimension");
        assertValidation("RegisterScalableTarget", TARGET.replace("DesiredInstanceCount",
                "DesiredProvisionedConcurrency") + ", \"MinCapacity\": 1, \"MaxCapacity\": 2}",
                "Unsupported service namespace, resource type or scalable dimension");
        assertValidation("RegisterScalableTarget", TARGET.replace("endpoint/ep/variant/A", "endpoint/ep")
                + ", \"MinCapacity\": 1, \"MaxCapacity\": 2}", "expected endpoint/<endpoint-name>/variant/<variant-name>");
        assertValidation("RegisterScalableTarget", TARGET.replace("endpoint/ep/", "endpoint/gone/")
                + ", \"MinCapacity\": 1, \"MaxCapacity\": 2}", "The SageMaker endpoint gone does not exist");
        assertValidation("RegisterScalableTarget", TARGET.replace("variant/A", "variant/C")
                + ", \"MinCapacity\": 1, \"MaxCapacity\": 2}", "The SageMaker endpoint Ep has no production variant C");
        assertValidation("RegisterScalableTarget", TARGET + ", \"MinCapacity\": 1}",
                "MinCapacity and MaxCapacity are required to register a new scalable target");
        assertValidation("RegisterScalableTarget", TARGET + ", \"MinCapacity\": 3, \"MaxCapacity\": 2}",
                "Minimum capacity cannot be greater than maximum capacity");
        assertValidation("RegisterScalableTarget", TARGET + ", \"MinCapacity\": 0, \"MaxCapacity\": 2}",
                "has at least 1 instance");
        assertValidation("RegisterScalableTarget", TARGET + ", \"MinCapacity\": 1, \"MaxCapacity\": 2, "
                + "\"Tags\": {\"team\": \"ml\"}}", "The member tags is not supported by mlgate.");
        assertError("RegisterScalableTarget", TARGET + ", \"MinCapacity\": \"one\", \"MaxCapacity\": 2}",
                "SerializationException", "minCapacity must be an integer");
        assertThat(f.state.snapshot().targets()).isEmpty();
    }

    @Test
    void registerNeedsPermissionToDescribeAndUpdateTheEndpoint() throws Exception {
        PrincipalContext scalerOnly = AutoscalingFixture.user("scaler", AutoscalingFixture.ACCOUNT, """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": ["application-autoscaling:*", "sagemaker:DescribeEndpoint"],
                   "Resource": "*"}]}""");
        String body = TARGET + ", \"MinCapacity\": 2, \"MaxCapacity\": 4}";
        JsonServiceException e = f.error("RegisterScalableTarget", body, scalerOnly);
        assertThat(e.code()).isEqualTo("ValidationException");
        assertThat(e.getMessage()).isEqualTo("User: arn:aws:iam::123456789012:user/scaler is not authorized to "
                + "perform: sagemaker:UpdateEndpointWeightsAndCapacities on resource: "
                + "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep (Application Auto Scaling needs them to "
                + "scale the variant).");
        assertThat(f.variants.changes).isEmpty();
        assertThat(f.state.snapshot().targets()).isEmpty();

        // allowed on this endpoint only, when it carries the tag team=ml
        PrincipalContext tagged = AutoscalingFixture.user("tagged", AutoscalingFixture.ACCOUNT, """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "application-autoscaling:*", "Resource": "*"},
                  {"Effect": "Allow", "Action": ["sagemaker:DescribeEndpoint",
                     "sagemaker:UpdateEndpointWeightsAndCapacities"],
                   "Resource": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep",
                   "Condition": {"StringEquals": {"aws:ResourceTag/team": "ml"}}}]}""");
        assertThat(f.error("RegisterScalableTarget", body, tagged).getMessage())
                .contains("sagemaker:DescribeEndpoint, sagemaker:UpdateEndpointWeightsAndCapacities");
        f.variants.tags.put(FakeVariants.arn("ep"), Map.of("team", "ml"));
        f.call("RegisterScalableTarget", body, tagged);
        assertThat(f.variants.changes).containsExactly("Ep/A=2");
        // PutScalingPolicy checks the same
        JsonServiceException p = f.error("PutScalingPolicy", policyBody("p", "TargetTrackingScaling"), scalerOnly);
        assertThat(p.getMessage()).contains("sagemaker:UpdateEndpointWeightsAndCapacities");
    }

    // ------------------------------------------------------------------ authorization targets

    @Test
    void writesActOnTheScalableTargetWithItsConditionKeysAndReadsOnStar() throws Exception {
        String arn = f.register("ep", "A", 1, 4).get("ScalableTargetARN").stringValue();
        JsonTarget register = f.service.target("RegisterScalableTarget", json(TARGET + ", \"MinCapacity\": 1}"),
                AutoscalingFixture.ACCOUNT, ADMIN);
        assertThat(register.action()).isEqualTo("application-autoscaling:RegisterScalableTarget");
        assertThat(register.resourceArn()).isEqualTo(arn);
        assertThat(register.resourceType()).isEqualTo("AWS::ApplicationAutoScaling::ScalableTarget");
        assertThat(register.readOnly()).isFalse();
        assertThat(register.requestParameters()).containsEntry("serviceNamespace", "sagemaker")
                .containsEntry("minCapacity", 1L);
        // the same variant under the endpoint name in other case is the same target
        assertThat(f.service.target("PutScalingPolicy", json(policyBody("p", "TargetTrackingScaling")
                        .replace("endpoint/ep/", "endpoint/EP/")), AutoscalingFixture.ACCOUNT, ADMIN).resourceArn())
                .isEqualTo(arn);
        assertThat(f.service.target("DeregisterScalableTarget", json(TARGET + "}"), AutoscalingFixture.ACCOUNT, ADMIN)
                .resourceArn()).isEqualTo(arn);
        assertThat(f.service.target("DeleteScalingPolicy", json(TARGET + ", \"PolicyName\": \"p\"}"),
                AutoscalingFixture.ACCOUNT, ADMIN).resourceArn()).isEqualTo(arn);
        // another variant, another account: another target
        assertThat(f.service.target("DeregisterScalableTarget", json(TARGET.replace("variant/A", "variant/B") + "}"),
                AutoscalingFixture.ACCOUNT, ADMIN).resourceArn()).isNotEqualTo(arn);
        assertThat(f.service.target("DeregisterScalableTarget", json(TARGET + "}"), "210987654321", ADMIN)
                .resourceArn()).startsWith("arn:aws:application-autoscaling:us-east-1:210987654321:scalable-target/");
        JsonTarget describe = f.service.target("DescribeScalingActivities",
                json("{\"ServiceNamespace\": \"sagemaker\"}"), AutoscalingFixture.ACCOUNT, ADMIN);
        assertThat(describe.resourceArn()).isEqualTo("*");
        assertThat(describe.readOnly()).isTrue();
        assertThat(f.service.conditionKeys("RegisterScalableTarget", json(TARGET + "}"))).containsExactly(
                Map.entry("application-autoscaling:service-namespace", List.of("sagemaker")),
                Map.entry("application-autoscaling:scalable-dimension",
                        List.of("sagemaker:variant:DesiredInstanceCount")));
        assertThat(f.service.api().targetPrefix()).isEqualTo("AnyScaleFrontendService.");
        assertThat(f.service.api().signingName()).isEqualTo("application-autoscaling");
        assertThat(f.service.api().eventSource()).isEqualTo("application-autoscaling.amazonaws.com");
    }

    // ------------------------------------------------------------------ scaling policies

    static String policyBody(String name, String type) {
        return """
                {"PolicyName": "%s", "ServiceNamespace": "sagemaker", "ResourceId": "endpoint/ep/variant/A",
                 "ScalableDimension": "sagemaker:variant:DesiredInstanceCount", "PolicyType": "%s",
                 "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0,
                   "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"},
                   "ScaleInCooldown": 600, "ScaleOutCooldown": 30}}""".formatted(name, type);
    }

    @Test
    void putScalingPolicyReturnsItsArnAndAlarmsAndDescribeShowsIt() throws Exception {
        f.register("ep", "A", 1, 4);
        JsonNode out = f.call("PutScalingPolicy", policyBody("invocations", "TargetTrackingScaling"));
        String arn = out.get("PolicyARN").stringValue();
        assertThat(arn).matches("arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:"
                + "resource/sagemaker/endpoint/Ep/variant/A:policyName/invocations");
        assertThat(out.get("Alarms")).hasSize(2);
        assertThat(out.get("Alarms").get(0).get("AlarmName").stringValue())
                .startsWith("TargetTracking-endpoint/Ep/variant/A-AlarmHigh-");
        assertThat(out.get("Alarms").get(1).get("AlarmARN").stringValue())
                .startsWith("arn:aws:cloudwatch:us-east-1:123456789012:alarm:TargetTracking-endpoint/Ep/variant/A-AlarmLow-");

        JsonNode p = f.call("DescribeScalingPolicies", "{\"ServiceNamespace\": \"sagemaker\", "
                + "\"ResourceId\": \"endpoint/ep/variant/A\"}").get("ScalingPolicies").get(0);
        assertThat(p.get("PolicyARN").stringValue()).isEqualTo(arn);
        assertThat(p.get("PolicyName").stringValue()).isEqualTo("invocations");
        assertThat(p.get("PolicyType").stringValue()).isEqualTo("TargetTrackingScaling");
        JsonNode c = p.get("TargetTrackingScalingPolicyConfiguration");
        assertThat(c.get("TargetValue").doubleValue()).isEqualTo(70.0);
        assertThat(c.get("PredefinedMetricSpecification").get("PredefinedMetricType").stringValue())
                .isEqualTo("SageMakerVariantInvocationsPerInstance");
        assertThat(c.get("ScaleInCooldown").intValue()).isEqualTo(600);
        assertThat(c.get("ScaleOutCooldown").intValue()).isEqualTo(30);
        assertThat(c.has("DisableScaleIn")).isFalse();
        assertThat(p.get("Alarms")).isEqualTo(out.get("Alarms"));

        // the same name again updates the policy in place: same ARN and alarms
        JsonNode again = f.call("PutScalingPolicy", policyBody("invocations", "TargetTrackingScaling")
                .replace("70.0", "35.5"));
        assertThat(again.get("PolicyARN").stringValue()).isEqualTo(arn);
        assertThat(again.get("Alarms")).isEqualTo(out.get("Alarms"));
        JsonNode list = f.call("DescribeScalingPolicies", "{\"ServiceNamespace\": \"sagemaker\"}")
                .get("ScalingPolicies");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("TargetTrackingScalingPolicyConfiguration").get("TargetValue").doubleValue())
                .isEqualTo(35.5);
    }

    @Test
    void putScalingPolicyAcceptsTargetTrackingOnInvocationsPerInstanceOnly() throws Exception {
        assertError("PutScalingPolicy", policyBody("p", "TargetTrackingScaling"), "ObjectNotFoundException",
                "No scalable target registered for service namespace: sagemaker, resource ID: endpoint/ep/variant/A, "
                        + "scalable dimension: sagemaker:variant:DesiredInstanceCount");
        f.register("ep", "A", 1, 4);
        assertValidation("PutScalingPolicy", policyBody("p", "StepScaling"),
                "mlgate supports PolicyType TargetTrackingScaling only");
        assertValidation("PutScalingPolicy", policyBody("p", "StepScaling").replace(
                "\"TargetTrackingScalingPolicyConfiguration\"", "\"StepScalingPolicyConfiguration\""),
                "StepScaling is not supported");
        assertValidation("PutScalingPolicy", policyBody("p", "Fancy"),
                "Member must satisfy enum value set: [StepScaling, TargetTrackingScaling, PredictiveScaling]");
        assertValidation("PutScalingPolicy", policyBody("p", "TargetTrackingScaling").replace(
                "\"PolicyType\": \"TargetTrackingScaling\",", ""), "no PolicyType was given");
        assertValidation("PutScalingPolicy", policyBody("p", "TargetTrackingScaling").replace(
                "SageMakerVariantInvocationsPerInstance", "ECSServiceAverageCPUUtilization"),
                "Predefined metric type ECSServiceAverageCPUUtilization is not valid");
        assertValidation("PutScalingPolicy", policyBody("p", "TargetTrackingScaling").replace(
                "70.0", "0"), "The target value must be between");
        assertValidation("PutScalingPolicy", policyBody("p", "TargetTrackingScaling").replace(
                "\"TargetValue\": 70.0,", ""), "Value null at 'targetTrackingScalingPolicyConfiguration.targetValue'");
        assertValidation("PutScalingPolicy", policyBody("p", "TargetTrackingScaling").replace(
                "\"ScaleInCooldown\": 600", "\"ScaleInCooldown\": -1"), "Member must have value greater than or equal to 0");
        assertValidation("PutScalingPolicy", policyBody("p", "TargetTrackingScaling").replace(
                "\"PredefinedMetricSpecification\"", "\"CustomizedMetricSpecification\""),
                "CustomizedMetricSpecification is not supported by mlgate");
        assertValidation("PutScalingPolicy", policyBody("p", "TargetTrackingScaling").replace(
                "\"PredefinedMetricType\": \"SageMakerVariantInvocationsPerInstance\"",
                "\"PredefinedMetricType\": \"SageMakerVariantInvocationsPerInstance\", \"ResourceLabel\": \"x\""),
                "ResourceLabel is only valid");
        assertValidation("PutScalingPolicy", policyBody("", "TargetTrackingScaling"),
                "at 'policyName' failed to satisfy constraint: Member must have length greater than or equal to 1");
        assertThat(f.state.snapshot().policies()).isEmpty();
    }

    @Test
    void deleteScalingPolicyAndDeregisterScalableTarget() throws Exception {
        assertError("DeregisterScalableTarget", TARGET + "}", "ObjectNotFoundException",
                "No scalable target found for service namespace: sagemaker, resource ID: endpoint/ep/variant/A");
        f.register("ep", "A", 2, 4);
        f.call("PutScalingPolicy", policyBody("p1", "TargetTrackingScaling"));
        f.call("PutScalingPolicy", policyBody("p2", "TargetTrackingScaling"));
        assertError("DeleteScalingPolicy", TARGET + ", \"PolicyName\": \"p3\"}", "ObjectNotFoundException",
                "No scaling policy found for service namespace: sagemaker, resource ID: endpoint/ep/variant/A, "
                        + "scalable dimension: sagemaker:variant:DesiredInstanceCount, policy name: p3");
        assertThat(f.call("DeleteScalingPolicy", TARGET + ", \"PolicyName\": \"p1\"}").size()).isZero();
        assertThat(f.call("DescribeScalingPolicies", "{\"ServiceNamespace\": \"sagemaker\"}").get("ScalingPolicies"))
                .extracting(p -> p.get("PolicyName").stringValue()).containsExactly("p2");

        assertThat(f.call("DeregisterScalableTarget", TARGET + "}").size()).isZero();
        assertThat(f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\"}").get("ScalableTargets"))
                .isEmpty();
        assertThat(f.call("DescribeScalingPolicies", "{\"ServiceNamespace\": \"sagemaker\"}").get("ScalingPolicies"))
                .isEmpty();
        assertThat(f.activities("ep", "A").get("ScalingActivities")).isEmpty();
        assertError("PutScalingPolicy", policyBody("p2", "TargetTrackingScaling"), "ObjectNotFoundException",
                "No scalable target registered");
    }

    // ------------------------------------------------------------------ describes

    @Test
    void describesFilterPageAndKeepAccountsApart() throws Exception {
        f.register("ep", "A", 1, 4);
        f.clock.advance(java.time.Duration.ofSeconds(1));
        f.register("ep", "B", 3, 4);
        assertThat(f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\", "
                + "\"ResourceIds\": [\"endpoint/ep/variant/B\"]}").get("ScalableTargets"))
                .extracting(t -> t.get("ResourceId").stringValue()).containsExactly("endpoint/Ep/variant/B");
        assertThat(f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"ecs\"}").get("ScalableTargets"))
                .isEmpty();
        assertValidation("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\", "
                + "\"ScalableDimension\": \"sagemaker:variant:DesiredInstanceCount\"}",
                "If you specify a scalable dimension, you must also specify a resource ID.");
        assertValidation("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\", \"MaxResults\": 51}",
                "Member must have value less than or equal to 50");
        assertValidation("DescribeScalingPolicies", "{\"ServiceNamespace\": \"sagemaker\", \"MaxResults\": 11}",
                "Member must have value less than or equal to 10");
        assertValidation("DescribeScalingActivities", "{\"ServiceNamespace\": \"sagemaker\", "
                + "\"IncludeNotScaledActivities\": true}", "IncludeNotScaledActivities is not supported");

        JsonNode first = f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\", \"MaxResults\": 1}");
        assertThat(first.get("ScalableTargets")).extracting(t -> t.get("ResourceId").stringValue())
                .containsExactly("endpoint/Ep/variant/A");
        String token = first.get("NextToken").stringValue();
        JsonNode second = f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\", "
                + "\"MaxResults\": 1, \"NextToken\": \"" + token + "\"}");
        assertThat(second.get("ScalableTargets")).extracting(t -> t.get("ResourceId").stringValue())
                .containsExactly("endpoint/Ep/variant/B");
        assertThat(second.has("NextToken")).isFalse();
        assertError("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\", \"NextToken\": \"bogus\"}",
                "InvalidNextTokenException", "Invalid token");
        assertError("DescribeScalingActivities", "{\"ServiceNamespace\": \"sagemaker\", \"NextToken\": \""
                + token + "\"}", "InvalidNextTokenException", "Invalid token");

        // B (2 instances) was scaled to its minimum, 3, at registration: the newest activity first
        JsonNode activities = f.call("DescribeScalingActivities", "{\"ServiceNamespace\": \"sagemaker\"}")
                .get("ScalingActivities");
        assertThat(activities).extracting(a -> a.get("ResourceId").stringValue())
                .containsExactly("endpoint/Ep/variant/B");
        assertThat(activities.get(0).get("ScalableDimension").stringValue())
                .isEqualTo("sagemaker:variant:DesiredInstanceCount");
        assertThat(activities.get(0).get("ActivityId").stringValue()).matches("[0-9a-f-]{36}");
        assertThat(activities.get(0).has("EndTime")).isTrue();

        PrincipalContext other = AutoscalingFixture.user("other", "210987654321",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        assertThat(f.call("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\"}", other)
                .get("ScalableTargets")).isEmpty();
        assertThat(f.call("DescribeScalingActivities", "{\"ServiceNamespace\": \"sagemaker\"}", other)
                .get("ScalingActivities")).isEmpty();
        assertThat(f.error("DeregisterScalableTarget", TARGET + "}", other).code())
                .isEqualTo("ObjectNotFoundException");
    }

    @Test
    void thePolicyValidatorKnowsTheActions() {
        String policy = """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",
                  "Action": ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:Describe*",
                             "application-autoscaling:%s"]}]}""";
        assertThat(io.mlgate.iam.validate.PolicyValidator.validate(policy.formatted("PutScalingPolicy"), "p",
                io.mlgate.iam.policy.PolicyKind.IDENTITY)).isEmpty();
        assertThat(io.mlgate.iam.validate.PolicyValidator.validate(policy.formatted("PutScalingPolicies"), "p",
                io.mlgate.iam.policy.PolicyKind.IDENTITY))
                .extracting(io.mlgate.iam.validate.Finding::code).containsExactly("UNKNOWN_ACTION");
    }

    @Test
    void unknownOperationsAndMalformedBodiesAreRefused() {
        assertThat(f.error("PutScheduledAction", "{}").code()).isEqualTo("UnknownOperationException");
        assertError("DescribeScalableTargets", "{\"ServiceNamespace\": 7}", "SerializationException",
                "serviceNamespace must be a string");
        assertError("DescribeScalableTargets", "{\"ServiceNamespace\": \"sagemaker\", \"ResourceIds\": \"x\"}",
                "SerializationException", "resourceIds must be a list");
    }
}
