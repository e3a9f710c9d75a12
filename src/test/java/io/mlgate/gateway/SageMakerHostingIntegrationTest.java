package io.mlgate.gateway;

import io.mlgate.kms.api.KmsDataKeys;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.UploadedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariant;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SageMaker hosting end to end with the AWS SDK v2 as the client: the control plane ({@link SageMakerClient})
 * deploys uploaded models onto the embedded runtime, and {@link SageMakerRuntimeClient} invokes them: weighted split
 * across two variants, a weight shift, TargetVariant, an endpoint update under load with no failed request, failed
 * deployments with their reasons, and deletion.
 */
class SageMakerHostingIntegrationTest extends RunningGateway {

    static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    static final String BODY = "5.1,3.5,1.4,0.2";

    @Autowired
    UploadedModels uploads;

    @Autowired
    KmsService kms;

    @Autowired
    ManagementServer management;

    PrometheusText scrape() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management.port()
                        + ManagementServer.PROMETHEUS_PATH)).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    private static final AtomicBoolean UPLOADED = new AtomicBoolean();

    @BeforeAll
    static void nothing() {
        // the gateway (and its demo upload s3://mlgate-models/iris) is started by RunningGateway
    }

    /** A second copy of the iris model, as another upload, so updates switch to a different artifact. */
    void uploadSecondModel() throws Exception {
        if (!UPLOADED.compareAndSet(false, true)) {
            return;
        }
        PrincipalContext root = PrincipalContext.builder("arn:aws:iam::123456789012:root", "123456789012",
                PrincipalType.ACCOUNT).userId("123456789012").build();
        byte[] onnx = DemoEndpoints.classpathArtifacts().load(DemoEndpoints.irisDescriptor().artifact());
        uploads.upload("iris-v2", onnx, DemoEndpoints.irisDescriptor(),
                new ModelArtifacts(new KmsDataKeys(kms, root, RequestContext.builder().build())),
                EndpointCatalog.MODEL_KEY_ALIAS);
    }

    SdkHttpClient http() throws Exception {
        TrustManagerFactory trust = trustDevCa();
        return ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers).maxConnections(32)
                .build();
    }

    StaticCredentialsProvider credentials(String profile) throws Exception {
        String[] keys = GatewayIntegrationTest.profiles().get(profile);
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1]));
    }

    SageMakerClient control(String profile) throws Exception {
        return SageMakerClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials(profile)).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    SageMakerRuntimeClient runtime(String profile) throws Exception {
        return SageMakerRuntimeClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials(profile)).httpClient(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    static void createModel(SageMakerClient sm, String name, String url) {
        sm.createModel(r -> r.modelName(name).executionRoleArn(ROLE)
                .primaryContainer(c -> c.image("mlgate/onnx").modelDataUrl(url)));
    }

    static ProductionVariant variant(String name, String model, float weight) {
        return ProductionVariant.builder().variantName(name).modelName(model).initialInstanceCount(1)
                .instanceType("ml.m5.large").initialVariantWeight(weight).build();
    }

    static DescribeEndpointResponse awaitSettled(SageMakerClient sm, String endpoint) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            DescribeEndpointResponse d = sm.describeEndpoint(r -> r.endpointName(endpoint));
            if (d.endpointStatus() != EndpointStatus.CREATING && d.endpointStatus() != EndpointStatus.UPDATING) {
                return d;
            }
            assertThat(System.nanoTime()).as("endpoint %s settles within 60 s", endpoint).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static Map<String, Integer> split(SageMakerRuntimeClient rt, String endpoint, int calls) throws Exception {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < calls / 8; i++) {
                        InvokeEndpointResponse r = rt.invokeEndpoint(b -> b.endpointName(endpoint)
                                .contentType("text/csv").body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8)));
                        counts.merge(r.invokedProductionVariant(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return counts;
    }

    @Test
    void twoVariantsSplitByWeightShiftTargetAndUpdateUnderLoad() throws Exception {
        uploadSecondModel();
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            createModel(sm, "ab-a", UploadedModels.urlOf("iris"));
            createModel(sm, "ab-b", UploadedModels.urlOf("iris-v2"));
            sm.createEndpointConfig(r -> r.endpointConfigName("ab-config")
                    .productionVariants(variant("A", "ab-a", 1), variant("B", "ab-b", 1)));
            sm.createEndpoint(r -> r.endpointName("ab").endpointConfigName("ab-config"));
            DescribeEndpointResponse d = awaitSettled(sm, "ab");
            assertThat(d.endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);
            assertThat(d.productionVariants()).extracting(v -> v.variantName()).containsExactly("A", "B");

            // 1:1 over 2,000 calls: each count is Binomial(2000, 0.5), sd 22.4; 5 sd either side
            Map<String, Integer> even = split(rt, "ab", 2000);
            assertThat(even.get("A") + even.get("B")).isEqualTo(2000);
            assertThat(even.get("A")).isBetween(888, 1112);

            // 1:9: A is Binomial(2000, 0.1), sd 13.4
            sm.updateEndpointWeightsAndCapacities(r -> r.endpointName("ab").desiredWeightsAndCapacities(
                    w -> w.variantName("A").desiredWeight(1f), w -> w.variantName("B").desiredWeight(9f)));
            awaitSettled(sm, "ab");
            Map<String, Integer> skewed = split(rt, "ab", 2000);
            assertThat(skewed.getOrDefault("A", 0)).isBetween(133, 267);
            assertThat(sm.describeEndpoint(r -> r.endpointName("ab")).productionVariants())
                    .extracting(v -> v.currentWeight()).containsExactly(1f, 9f);

            // TargetVariant overrides the weights
            for (int i = 0; i < 20; i++) {
                InvokeEndpointResponse r = rt.invokeEndpoint(b -> b.endpointName("ab").targetVariant("A")
                        .contentType("text/csv").body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8)));
                assertThat(r.invokedProductionVariant()).isEqualTo("A");
            }
            assertThatThrownBy(() -> rt.invokeEndpoint(b -> b.endpointName("ab").targetVariant("C")
                    .contentType("text/csv").body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8))))
                    .isInstanceOf(SageMakerRuntimeException.class)
                    .satisfies(e -> assertThat(((SageMakerRuntimeException) e).statusCode()).isEqualTo(400));

            // switch to a one-variant config while 4 threads keep calling: no call may fail
            sm.createEndpointConfig(r -> r.endpointConfigName("ab-config-2")
                    .productionVariants(variant("C", "ab-b", 1)));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Map<String, Integer> served = new ConcurrentHashMap<>();
            ExecutorService load = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                load.submit(() -> {
                    while (!stop.get()) {
                        try {
                            InvokeEndpointResponse r = rt.invokeEndpoint(b -> b.endpointName("ab")
                                    .contentType("text/csv")
                                    .body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8)));
                            served.merge(r.invokedProductionVariant(), 1, Integer::sum);
                            ok.incrementAndGet();
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                });
            }
            long warm = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ok.get() < 50 && System.nanoTime() < warm) {
                Thread.sleep(10);
            }
            int beforeSwitch = ok.get();
            sm.updateEndpoint(r -> r.endpointName("ab").endpointConfigName("ab-config-2"));
            DescribeEndpointResponse updated = awaitSettled(sm, "ab");
            long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((System.nanoTime() < until || served.getOrDefault("C", 0) < 50) && System.nanoTime() < giveUp) {
                Thread.sleep(20);
            }
            stop.set(true);
            load.shutdown();
            assertThat(load.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(failure.get()).as("no failed request during the update").isNull();
            assertThat(updated.endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);
            assertThat(updated.endpointConfigName()).isEqualTo("ab-config-2");
            // calls were served by the old configuration before the switch and by the new one after it
            assertThat(beforeSwitch).isGreaterThanOrEqualTo(50);
            assertThat(served.getOrDefault("A", 0) + served.getOrDefault("B", 0)).isPositive();
            assertThat(served.getOrDefault("C", 0)).isGreaterThanOrEqualTo(50);

            sm.deleteEndpoint(r -> r.endpointName("ab"));
            assertThatThrownBy(() -> rt.invokeEndpoint(b -> b.endpointName("ab").contentType("text/csv")
                    .body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8))))
                    .isInstanceOf(SageMakerRuntimeException.class);
        }
    }

    @Test
    void aMultiModelEndpointServesTheTargetModelAndPassesCustomAttributes() throws Exception {
        PrincipalContext root = PrincipalContext.builder("arn:aws:iam::123456789012:root", "123456789012",
                PrincipalType.ACCOUNT).userId("123456789012").build();
        byte[] onnx = DemoEndpoints.classpathArtifacts().load(DemoEndpoints.irisDescriptor().artifact());
        for (String name : List.of("tenant-a", "tenant-b")) {
            uploads.upload(name, onnx, DemoEndpoints.irisDescriptor(),
                    new ModelArtifacts(new KmsDataKeys(kms, root, RequestContext.builder().build())),
                    EndpointCatalog.MODEL_KEY_ALIAS);
        }
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            sm.createModel(r -> r.modelName("tenants").executionRoleArn(ROLE)
                    .primaryContainer(c -> c.mode("MultiModel").modelDataUrl("s3://mlgate-models/tenant-")));
            sm.createEndpointConfig(r -> r.endpointConfigName("tenants-config")
                    .productionVariants(variant("AllTraffic", "tenants", 1)));
            sm.createEndpoint(r -> r.endpointName("tenants").endpointConfigName("tenants-config"));
            assertThat(awaitSettled(sm, "tenants").endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);
            for (String target : List.of("a", "b", "a")) {
                InvokeEndpointResponse r = rt.invokeEndpoint(b -> b.endpointName("tenants").targetModel(target)
                        .customAttributes("trace=" + target).contentType("text/csv")
                        .body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8)));
                assertThat(r.body().asUtf8String()).contains("setosa");
                assertThat(r.customAttributes()).isEqualTo("trace=" + target);
            }
            PrometheusText metrics = scrape();
            assertThat(metrics.value("mlgate_sagemaker_model_cache_hit_total", "endpoint", "tenants", "variant",
                    "AllTraffic").orElseThrow()).isEqualTo(1.0);
            assertThat(metrics.value("mlgate_sagemaker_model_loading_wait_time_microseconds_count", "endpoint",
                    "tenants", "variant", "AllTraffic").orElseThrow()).isEqualTo(2.0);
            assertThat(metrics.value("mlgate_sagemaker_model_loads_total", "endpoint", "tenants").orElseThrow())
                    .isEqualTo(2.0);
            assertThat(metrics.value("mlgate_sagemaker_loaded_models", "endpoint", "tenants").orElseThrow())
                    .isEqualTo(2.0);
            assertThatThrownBy(() -> rt.invokeEndpoint(b -> b.endpointName("tenants").targetModel("zz")
                    .contentType("text/csv").body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("is not in s3://mlgate-models/tenant-");
                    });
            sm.deleteEndpoint(r -> r.endpointName("tenants"));
        }
    }

    @Test
    void aThreeStepPipelineServesAndAFailingStepIsAModelErrorNamingIt() throws Exception {
        PrincipalContext root = PrincipalContext.builder("arn:aws:iam::123456789012:root", "123456789012",
                PrincipalType.ACCOUNT).userId("123456789012").build();
        ModelArtifacts artifacts = new ModelArtifacts(new KmsDataKeys(kms, root, RequestContext.builder().build()));
        uploads.upload("step-plus3", io.mlgate.runtime.OnnxFixtures.affine("plus3", new float[]{1, 1, 1, 1},
                new float[]{3, 3, 3, 3}), io.mlgate.runtime.OnnxFixtures.featuresDescriptor("plus3", 4), artifacts,
                EndpointCatalog.MODEL_KEY_ALIAS);
        uploads.upload("step-half", io.mlgate.runtime.OnnxFixtures.affine("half", new float[]{.5f, .5f, .5f, .5f},
                new float[4]), io.mlgate.runtime.OnnxFixtures.featuresDescriptor("half", 4), artifacts,
                EndpointCatalog.MODEL_KEY_ALIAS);
        uploads.upload("step-dup", io.mlgate.runtime.OnnxFixtures.rowDoubler("dup", 4),
                io.mlgate.runtime.OnnxFixtures.featuresDescriptor("dup", 4), artifacts,
                EndpointCatalog.MODEL_KEY_ALIAS);
        try (SageMakerClient sm = control("demo-admin"); SageMakerRuntimeClient rt = runtime("demo-admin")) {
            for (String[] p : new String[][]{{"pipe-ok", "step-half"}, {"pipe-broken", "step-dup"}}) {
                sm.createModel(r -> r.modelName(p[0]).executionRoleArn(ROLE).containers(
                        c -> c.containerHostname("add").modelDataUrl(UploadedModels.urlOf("step-plus3")),
                        c -> c.containerHostname("middle").modelDataUrl(UploadedModels.urlOf(p[1])),
                        c -> c.containerHostname("classify").modelDataUrl(UploadedModels.urlOf("iris"))));
                sm.createEndpointConfig(r -> r.endpointConfigName(p[0] + "-config")
                        .productionVariants(variant("AllTraffic", p[0], 1)));
                sm.createEndpoint(r -> r.endpointName(p[0]).endpointConfigName(p[0] + "-config"));
                assertThat(awaitSettled(sm, p[0]).endpointStatus()).isEqualTo(EndpointStatus.IN_SERVICE);
            }
            // (x + 3) * 0.5 = the setosa row when x = 2 * row - 3
            InvokeEndpointResponse ok = rt.invokeEndpoint(b -> b.endpointName("pipe-ok").contentType("text/csv")
                    .body(SdkBytes.fromString("7.2,4.0,-0.2,-2.6", StandardCharsets.UTF_8)));
            assertThat(ok.body().asUtf8String()).contains("\"predicted_label\":\"setosa\"");
            assertThatThrownBy(() -> rt.invokeEndpoint(b -> b.endpointName("pipe-broken").contentType("text/csv")
                    .body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(
                            software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException.class, e -> {
                                assertThat(e.statusCode()).isEqualTo(424);
                                assertThat(e.getMessage()).contains("step 2 of 3 (container middle, model dup)");
                            });
        }
    }

    @Test
    void deploymentsThatCannotBeServedFailWithAReason() throws Exception {
        try (SageMakerClient sm = control("demo-admin")) {
            createModel(sm, "elsewhere", "s3://some-bucket/model.tar.gz");
            sm.createEndpointConfig(r -> r.endpointConfigName("elsewhere-config")
                    .productionVariants(variant("AllTraffic", "elsewhere", 1)));
            sm.createEndpoint(r -> r.endpointName("elsewhere").endpointConfigName("elsewhere-config"));
            DescribeEndpointResponse d = awaitSettled(sm, "elsewhere");
            assertThat(d.endpointStatus()).isEqualTo(EndpointStatus.FAILED);
            assertThat(d.failureReason()).contains("s3://some-bucket/model.tar.gz").contains("model store");

            createModel(sm, "missing", UploadedModels.urlOf("no-such-model"));
            sm.createEndpointConfig(r -> r.endpointConfigName("missing-config")
                    .productionVariants(variant("AllTraffic", "missing", 1)));
            sm.createEndpoint(r -> r.endpointName("missing").endpointConfigName("missing-config"));
            assertThat(awaitSettled(sm, "missing").failureReason()).contains("no such model");

            // a role whose policies do not allow kms:Decrypt on the model key: KMS refuses it the data key
            sm.createModel(r -> r.modelName("no-key").executionRoleArn("arn:aws:iam::123456789012:role/nobody")
                    .primaryContainer(c -> c.modelDataUrl(UploadedModels.urlOf("iris"))));
            sm.createEndpointConfig(r -> r.endpointConfigName("no-key-config")
                    .productionVariants(variant("AllTraffic", "no-key", 1)));
            sm.createEndpoint(r -> r.endpointName("no-key").endpointConfigName("no-key-config"));
            assertThat(awaitSettled(sm, "no-key").failureReason()).contains("refused the data key")
                    .contains("AccessDeniedException");

            // the demo endpoint's name is the gateway's own
            createModel(sm, "iris-copy", UploadedModels.urlOf("iris"));
            sm.createEndpointConfig(r -> r.endpointConfigName("iris-copy-config")
                    .productionVariants(variant("AllTraffic", "iris-copy", 1)));
            sm.createEndpoint(r -> r.endpointName("iris").endpointConfigName("iris-copy-config"));
            assertThat(awaitSettled(sm, "iris").failureReason()).contains("reserved");
        }
        try (SageMakerRuntimeClient rt = runtime("demo-analyst")) {
            InvokeEndpointResponse r = rt.invokeEndpoint(b -> b.endpointName("iris").contentType("text/csv")
                    .body(SdkBytes.fromString(BODY, StandardCharsets.UTF_8)));
            assertThat(r.invokedProductionVariant()).isEqualTo(DemoEndpoints.ALL_TRAFFIC);
        }
    }

    @Test
    void theModelRegistryVersionsPackagesAndKeepsRegistrantsFromApprovingThemselves() throws Exception {
        try (SageMakerClient sm = control("demo-admin")) {
            sm.createModelPackageGroup(r -> r.modelPackageGroupName("iris-registry")
                    .modelPackageGroupDescription("iris classifiers"));
            String v1 = sm.createModelPackage(r -> r.modelPackageGroupName("iris-registry")
                    .inferenceSpecification(i -> i.containers(c -> c.image("mlgate/onnx")
                            .modelDataUrl(UploadedModels.urlOf("iris"))).supportedContentTypes("text/csv")
                            .supportedResponseMIMETypes("application/json"))).modelPackageArn();
            assertThat(v1).endsWith(":model-package/iris-registry/1");
            var described = sm.describeModelPackage(r -> r.modelPackageName(v1));
            assertThat(described.modelApprovalStatusAsString()).isEqualTo("PendingManualApproval");
            assertThat(described.createdBy().iamIdentity().arn())
                    .isEqualTo("arn:aws:iam::123456789012:user/demo-admin");
            // separation of duties: the registrant may not approve its own package
            assertThatThrownBy(() -> sm.updateModelPackage(r -> r.modelPackageArn(v1)
                    .modelApprovalStatus("Approved")))
                    .isInstanceOfSatisfying(SageMakerException.class, e ->
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));
            assertThat(sm.listModelPackages(r -> r.modelPackageGroupName("iris-registry")).modelPackageSummaryList())
                    .singleElement().satisfies(p -> assertThat(p.modelApprovalStatusAsString())
                            .isEqualTo("PendingManualApproval"));
            // a model made from the package serves like any other
            sm.createModel(r -> r.modelName("from-registry").executionRoleArn(ROLE)
                    .primaryContainer(c -> c.modelPackageName(v1)));
            assertThat(sm.describeModel(r -> r.modelName("from-registry")).primaryContainer().modelPackageName())
                    .isEqualTo(v1);
        }
    }

    @Test
    void controlPlaneCallsAreAuthorizedAndAudited() throws Exception {
        try (SageMakerClient sm = control("demo-analyst")) {
            assertThatThrownBy(() -> createModel(sm, "not-mine", UploadedModels.urlOf("iris")))
                    .isInstanceOfSatisfying(SageMakerException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.statusCode()).isEqualTo(403);
                    });
        }
        try (SageMakerClient sm = control("demo-admin")) {
            String requestId = sm.listEndpoints(r -> r.maxResults(10)).responseMetadata().requestId();
            var event = auditEvent(requestId);
            assertThat(event.path("eventName").asString()).isEqualTo("ListEndpoints");
            assertThat(event.path("eventSource").asString()).isEqualTo("sagemaker.amazonaws.com");
        }
    }

    private tools.jackson.databind.JsonNode cli(String args) throws Exception {
        String[] k = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-admin");
        GatewayIntegrationTest.CliRun run = GatewayIntegrationTest.runCli("AWS_ACCESS_KEY_ID=" + k[0]
                + " AWS_SECRET_ACCESS_KEY=" + k[1] + " AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE="
                + home.resolve("keys/dev-ca.pem") + " /usr/bin/aws --endpoint-url https://localhost:" + port
                + " --output json " + args);
        assertThat(run.exit()).as(run.output()).isZero();
        String out = run.output().isBlank() ? "{}" : run.output();
        return new tools.jackson.databind.ObjectMapper().readTree(out);
    }

    @Test
    void theAwsCliCreatesDescribesListsInvokesAndDeletesTheDemoEndpoint() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(java.nio.file.Path.of(
                "/usr/bin/aws")), "AWS CLI v2 (/usr/bin/aws) not installed");
        cli("sagemaker create-model --model-name cli-iris --execution-role-arn " + ROLE
                + " --primary-container Image=mlgate/onnx,ModelDataUrl=s3://mlgate-models/iris");
        cli("sagemaker create-endpoint-config --endpoint-config-name cli-iris-config --production-variants "
                + "VariantName=AllTraffic,ModelName=cli-iris,InitialInstanceCount=1,InstanceType=ml.m5.large,"
                + "InitialVariantWeight=1");
        String arn = cli("sagemaker create-endpoint --endpoint-name cli-iris --endpoint-config-name cli-iris-config")
                .path("EndpointArn").asString();
        assertThat(arn).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:endpoint/cli-iris");
        String status = "";
        for (int i = 0; i < 600 && !status.equals("InService") && !status.equals("Failed"); i++) {
            status = cli("sagemaker describe-endpoint --endpoint-name cli-iris").path("EndpointStatus").asString();
            Thread.sleep(50);
        }
        assertThat(status).isEqualTo("InService");
        assertThat(cli("sagemaker list-endpoints --name-contains cli-iris").path("Endpoints").get(0)
                .path("EndpointName").asString()).isEqualTo("cli-iris");
        java.nio.file.Path out = home.resolve("cli-iris-prediction.json");
        cli("sagemaker-runtime invoke-endpoint --endpoint-name cli-iris --content-type text/csv "
                + "--cli-binary-format raw-in-base64-out --body 5.1,3.5,1.4,0.2 " + out);
        assertThat(java.nio.file.Files.readString(out)).contains("setosa");
        cli("sagemaker delete-endpoint --endpoint-name cli-iris");
        cli("sagemaker delete-endpoint-config --endpoint-config-name cli-iris-config");
        cli("sagemaker delete-model --model-name cli-iris");
        assertThat(cli("sagemaker list-endpoints --name-contains cli-iris").path("Endpoints").size()).isZero();
    }
}
