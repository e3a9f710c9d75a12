package io.mlgate.gateway;

import io.mlgate.autoscaling.Autoscaler;
import io.mlgate.runtime.UploadedModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ApplicationAutoScalingException;
import software.amazon.awssdk.services.applicationautoscaling.model.MetricType;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyResponse;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingActivity;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Application Auto Scaling end to end with the AWS SDK v2: an endpoint deployed through the SageMaker control plane,
 * registered as a scalable target (1 to 4 instances) with a target-tracking policy on InvocationsPerInstance; load
 * from several threads makes DescribeEndpoint's instance counts go up and DescribeScalingActivities list the
 * activity, and they go back down once the load stops. The scaler's period and window are shortened on the shared
 * context's bean for this test and restored after it.
 */
class AutoscalingIntegrationTest extends RunningGateway {

    static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    static final String ENDPOINT = "autoscaled";
    static final String RESOURCE_ID = "endpoint/" + ENDPOINT + "/variant/AllTraffic";

    @Autowired
    Autoscaler scaler;

    Duration period;
    Duration window;

    @BeforeEach
    void fastScaler() {
        period = scaler.period();
        window = scaler.window();
        scaler.reschedule(Duration.ofMillis(200), Duration.ofSeconds(2));
    }

    @AfterEach
    void restoreScaler() {
        scaler.reschedule(period, window);
    }

    SdkHttpClient http() throws Exception {
        TrustManagerFactory trust = trustDevCa();
        return ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).maxConnections(16).build();
    }

    StaticCredentialsProvider credentials(String profile) throws Exception {
        String[] keys = GatewayIntegrationTest.profiles().get(profile);
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1]));
    }

    ApplicationAutoScalingClient autoscaling(String profile) throws Exception {
        return autoscaling(credentials(profile));
    }

    ApplicationAutoScalingClient autoscaling(StaticCredentialsProvider credentials) throws Exception {
        return ApplicationAutoScalingClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    SageMakerClient control() throws Exception {
        return SageMakerClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials("demo-admin")).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    SageMakerRuntimeClient runtime() throws Exception {
        return SageMakerRuntimeClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials("demo-admin")).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    static ProductionVariantSummary variant(SageMakerClient sm) {
        return sm.describeEndpoint(r -> r.endpointName(ENDPOINT)).productionVariants().get(0);
    }

    /** Polls DescribeEndpoint until the variant satisfies {@code done}; fails after {@code seconds}. */
    static ProductionVariantSummary awaitVariant(SageMakerClient sm, Predicate<ProductionVariantSummary> done,
                                                 int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (true) {
            ProductionVariantSummary v = variant(sm);
            if (done.test(v)) {
                return v;
            }
            assertThat(System.nanoTime()).as("%s within %d s (now %s)", what, seconds, v).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    static List<ScalingActivity> activities(ApplicationAutoScalingClient aas) {
        return aas.describeScalingActivities(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                .resourceId(RESOURCE_ID)).scalingActivities();
    }

    @Test
    void aTargetTrackingPolicyScalesTheVariantOutUnderLoadAndBackIn() throws Exception {
        try (SageMakerClient sm = control(); SageMakerRuntimeClient rt = runtime();
             ApplicationAutoScalingClient aas = autoscaling("demo-admin")) {
            sm.createModel(r -> r.modelName("autoscaled-iris").executionRoleArn(ROLE)
                    .primaryContainer(c -> c.image("mlgate/onnx").modelDataUrl(UploadedModels.urlOf("iris"))));
            sm.createEndpointConfig(r -> r.endpointConfigName("autoscaled-config").productionVariants(v -> v
                    .variantName("AllTraffic").modelName("autoscaled-iris").initialInstanceCount(1)
                    .instanceType("ml.m5.large").initialVariantWeight(1f)));
            sm.createEndpoint(r -> r.endpointName(ENDPOINT).endpointConfigName("autoscaled-config"));
            DescribeEndpointResponse d = SageMakerHostingIntegrationTest.awaitSettled(sm, ENDPOINT);
            assertThat(d.endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);

            var registered = aas.registerScalableTarget(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId(RESOURCE_ID).scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .minCapacity(1).maxCapacity(4));
            String targetArn = registered.scalableTargetARN();
            assertThat(targetArn).startsWith("arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/");
            var event = auditEvent(registered.responseMetadata().requestId());
            assertThat(CloudTrailRecordSchema.violations(event)).isEmpty();
            assertThat(event.path("eventName").asString()).isEqualTo("RegisterScalableTarget");
            assertThat(event.path("readOnly").asBoolean()).isFalse();
            assertThat(event.path("resources").get(0).path("ARN").asString()).isEqualTo(targetArn);
            assertThat(event.path("resources").get(0).path("type").asString())
                    .isEqualTo("AWS::ApplicationAutoScaling::ScalableTarget");
            assertThat(event.path("requestParameters").path("resourceId").asString()).isEqualTo(RESOURCE_ID);
            ScalableTarget target = aas.describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER))
                    .scalableTargets().stream().filter(t -> t.resourceId().equals(RESOURCE_ID)).findFirst()
                    .orElseThrow();
            assertThat(target.minCapacity()).isEqualTo(1);
            assertThat(target.maxCapacity()).isEqualTo(4);
            assertThat(target.scalableTargetARN()).isEqualTo(targetArn);

            // 30 calls per minute per instance: a handful of threads calling flat out is far above it
            PutScalingPolicyResponse policy = aas.putScalingPolicy(r -> r.policyName("invocations")
                    .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(RESOURCE_ID)
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .policyType(PolicyType.TARGET_TRACKING_SCALING)
                    .targetTrackingScalingPolicyConfiguration(c -> c.targetValue(30.0)
                            .predefinedMetricSpecification(m -> m.predefinedMetricType(
                                    MetricType.SAGE_MAKER_VARIANT_INVOCATIONS_PER_INSTANCE))
                            .scaleOutCooldown(1).scaleInCooldown(2)));
            assertThat(policy.policyARN()).contains(":scalingPolicy:").endsWith(":policyName/invocations");
            assertThat(policy.alarms()).hasSize(2);
            assertThat(aas.describeScalingPolicies(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId(RESOURCE_ID)).scalingPolicies().get(0).targetTrackingScalingPolicyConfiguration()
                    .targetValue()).isEqualTo(30.0);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            ExecutorService load = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                load.submit(() -> {
                    while (!stop.get()) {
                        try {
                            rt.invokeEndpoint(b -> b.endpointName(ENDPOINT).contentType("text/csv")
                                    .body(SdkBytes.fromString("5.1,3.5,1.4,0.2", StandardCharsets.UTF_8)));
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                });
            }
            ProductionVariantSummary up;
            try {
                up = awaitVariant(sm, v -> v.desiredInstanceCount() > 1, 15, "scale-out");
            } finally {
                stop.set(true);
                load.shutdown();
                assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(failure.get()).as("no failed call while scaling out").isNull();
            assertThat(ok.get()).isGreaterThan(0);
            assertThat(up.currentInstanceCount()).isEqualTo(up.desiredInstanceCount());
            assertThat(up.desiredInstanceCount()).isBetween(2, 4);
            ScalingActivity out = activities(aas).stream()
                    .filter(a -> a.cause().contains("-AlarmHigh-")).findFirst().orElseThrow();
            assertThat(out.statusCodeAsString()).isEqualTo("Successful");
            assertThat(out.description()).matches("Setting desired instance count to [234]\\.");
            assertThat(out.cause()).startsWith("monitor alarm TargetTracking-" + RESOURCE_ID + "-AlarmHigh-")
                    .endsWith("in state ALARM triggered policy invocations");
            assertThat(out.endTime()).isNotNull();

            // no load: back to the minimum once the window (2 s) is quiet and the cooldown (2 s) has passed
            ProductionVariantSummary down = awaitVariant(sm, v -> v.desiredInstanceCount() == 1, 15, "scale-in");
            assertThat(down.currentInstanceCount()).isEqualTo(1);
            assertThat(activities(aas).get(0).cause()).contains("-AlarmLow-");

            aas.deregisterScalableTarget(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId(RESOURCE_ID)
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT));
            assertThat(aas.describeScalingPolicies(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId(RESOURCE_ID)).scalingPolicies()).isEmpty();
            sm.deleteEndpoint(r -> r.endpointName(ENDPOINT));
        }
    }

    @Test
    void callsAreValidatedAuthorizedWithTheConditionKeysAndAudited() throws Exception {
        try (ApplicationAutoScalingClient aas = autoscaling("demo-admin")) {
            assertThatThrownBy(() -> aas.registerScalableTarget(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId("endpoint/no-such-endpoint/variant/AllTraffic")
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .minCapacity(1).maxCapacity(2)))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorMessage())
                                .contains("The SageMaker endpoint no-such-endpoint does not exist");
                    });
            assertThatThrownBy(() -> aas.putScalingPolicy(r -> r.policyName("steps")
                    .serviceNamespace(ServiceNamespace.SAGEMAKER).resourceId("endpoint/x/variant/y")
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .policyType(PolicyType.STEP_SCALING)
                    .stepScalingPolicyConfiguration(s -> s.adjustmentType("ChangeInCapacity"))))
                    .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.getMessage())
                            .contains("mlgate supports PolicyType TargetTrackingScaling only"));
            assertThatThrownBy(() -> aas.deregisterScalableTarget(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId("endpoint/x/variant/y")
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)))
                    .isInstanceOfSatisfying(
                            software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException.class,
                            e -> assertThat(e.getMessage()).contains("No scalable target found"));
            String requestId = aas.describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER))
                    .responseMetadata().requestId();
            var event = auditEvent(requestId);
            assertThat(CloudTrailRecordSchema.violations(event)).isEmpty();
            assertThat(event.path("eventSource").asString()).isEqualTo("application-autoscaling.amazonaws.com");
            assertThat(event.path("eventName").asString()).isEqualTo("DescribeScalableTargets");
            assertThat(event.path("readOnly").asBoolean()).isTrue();
        }
        // the condition keys: a user allowed Application Auto Scaling on ECS only
        try (IamClient iam = IamClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials("demo-admin")).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build()) {
            iam.createUser(r -> r.userName("it-ecs-scaler"));
            iam.putUserPolicy(r -> r.userName("it-ecs-scaler").policyName("ecs-only").policyDocument("""
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                      "Action": "application-autoscaling:*", "Resource": "*",
                      "Condition": {"StringEquals": {"application-autoscaling:service-namespace": "ecs"}}}]}"""));
            AccessKey key = iam.createAccessKey(r -> r.userName("it-ecs-scaler")).accessKey();
            try (ApplicationAutoScalingClient ecsOnly = autoscaling(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))) {
                assertThat(ecsOnly.describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.ECS))
                        .scalableTargets()).isEmpty();
                assertThatThrownBy(() -> ecsOnly.describeScalableTargets(r -> r.serviceNamespace(
                        ServiceNamespace.SAGEMAKER)))
                        .isInstanceOfSatisfying(ApplicationAutoScalingException.class, e ->
                                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
            } finally {
                // the user stays in the test home's policies/ (mlgate's IAM API has no DeleteUserPolicy); its key goes
                iam.deleteAccessKey(r -> r.userName("it-ecs-scaler").accessKeyId(key.accessKeyId()));
            }
        }
        try (ApplicationAutoScalingClient aas = autoscaling("demo-analyst")) {
            assertThatThrownBy(() -> aas.registerScalableTarget(r -> r.serviceNamespace(ServiceNamespace.SAGEMAKER)
                    .resourceId("endpoint/iris/variant/AllTraffic")
                    .scalableDimension(ScalableDimension.SAGEMAKER_VARIANT_DESIRED_INSTANCE_COUNT)
                    .minCapacity(1).maxCapacity(2)))
                    .isInstanceOfSatisfying(ApplicationAutoScalingException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.getMessage()).contains("application-autoscaling:RegisterScalableTarget")
                                .contains("arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/");
                    });
        }
    }
    GatewayIntegrationTest.CliRun cli(String args) throws Exception {
        String[] k = GatewayIntegrationTest.profiles().get("demo-admin");
        return GatewayIntegrationTest.runCli("AWS_ACCESS_KEY_ID=" + k[0] + " AWS_SECRET_ACCESS_KEY=" + k[1]
                + " AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE=" + home.resolve("keys/dev-ca.pem")
                + " /usr/bin/aws --endpoint-url https://localhost:" + port + " --output json " + args);
    }

    @Test
    void theAwsCliSpeaksToIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of(
                "/usr/bin/aws")), "AWS CLI v2 (/usr/bin/aws) not installed");
        GatewayIntegrationTest.CliRun list = cli("application-autoscaling describe-scalable-targets "
                + "--service-namespace sagemaker");
        assertThat(list.exit()).as(list.output()).isZero();
        assertThat(list.output()).contains("\"ScalableTargets\"");
        GatewayIntegrationTest.CliRun register = cli("application-autoscaling register-scalable-target "
                + "--service-namespace sagemaker --resource-id endpoint/cli-no-such-endpoint/variant/AllTraffic "
                + "--scalable-dimension sagemaker:variant:DesiredInstanceCount --min-capacity 1 --max-capacity 2");
        assertThat(register.exit()).isNotZero();
        assertThat(register.output()).contains("ValidationException")
                .contains("The SageMaker endpoint cli-no-such-endpoint does not exist");
    }
}
