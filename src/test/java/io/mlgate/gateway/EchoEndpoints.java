package io.mlgate.gateway;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.kms.api.KmsDataKeys;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.runtime.EchoModel;
import io.mlgate.runtime.UploadedModels;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.CreateEndpointConfigRequest;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Test support: echo endpoints on a running gateway ({@link RunningGateway}), for end-to-end tests that must see what
 * a model received (the PII layer's "the model receives redacted input"). The echo model ({@link EchoModel}: ONNX
 * Identity on a string tensor) answers every InvokeEndpoint body with the same bytes, in the request's content type.
 *
 * <pre>{@code
 * try (SageMakerClient sm = EchoEndpoints.controlClient(port, "demo-admin");
 *      SageMakerRuntimeClient rt = EchoEndpoints.runtimeClient(port, "demo-admin")) {
 *     EchoEndpoints.deploy(sm, uploads, kms, "pii-echo");          // uploads, kms: @Autowired beans
 *     rt.invokeEndpoint(b -> b.endpointName("pii-echo").contentType("application/json")
 *             .body(SdkBytes.fromUtf8String("{\"text\":\"hello\"}")));   // answers {"text":"hello"}
 * }
 * }</pre>
 */
public final class EchoEndpoints {

    /** The upload the echo endpoints serve: {@code s3://mlgate-models/echo}. */
    public static final String UPLOAD = EchoModel.NAME;
    /** The execution role the endpoints' models decrypt their artifact as (the demo's inference role). */
    public static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    /** The single production variant of an echo endpoint. */
    public static final String VARIANT = "AllTraffic";

    private EchoEndpoints() {
    }

    /**
     * Puts the echo model into the gateway's model store as {@value #UPLOAD} (as {@code ./mlgate model upload} does,
     * under the gateway's model key, with the account root's KMS access), unless it is there already.
     *
     * @return its ModelDataUrl
     */
    public static String upload(UploadedModels uploads, KmsService kms) throws IOException {
        if (!uploads.contains(UPLOAD)) {
            PrincipalContext root = PrincipalContext.builder("arn:aws:iam::123456789012:root", "123456789012",
                    PrincipalType.ACCOUNT).userId("123456789012").build();
            byte[] onnx = EchoModel.onnx(UPLOAD);
            uploads.upload(UPLOAD, onnx, EchoModel.descriptor(UPLOAD, onnx),
                    new ModelArtifacts(new KmsDataKeys(kms, root, RequestContext.builder().build())),
                    EndpointCatalog.MODEL_KEY_ALIAS);
        }
        return UploadedModels.urlOf(UPLOAD);
    }

    /** {@link #deploy(SageMakerClient, UploadedModels, KmsService, String, Consumer)} with no change to the config. */
    public static DescribeEndpointResponse deploy(SageMakerClient sm, UploadedModels uploads, KmsService kms,
                                                  String endpointName) throws IOException, InterruptedException {
        return deploy(sm, uploads, kms, endpointName, config -> { });
    }

    /**
     * Deploys an endpoint {@code endpointName} serving the echo model through the SageMaker API: uploads the model
     * if needed, then CreateModel, CreateEndpointConfig (one variant {@value #VARIANT}, one instance; both named
     * {@code endpointName}) and CreateEndpoint, and waits until the endpoint is InService.
     *
     * @param config adds to the endpoint config before it is created (e.g. DataCaptureConfig, tags, a PII policy)
     * @throws AssertionError if the endpoint fails (with its FailureReason) or is not InService within 60 s
     */
    public static DescribeEndpointResponse deploy(SageMakerClient sm, UploadedModels uploads, KmsService kms,
                                                  String endpointName,
                                                  Consumer<CreateEndpointConfigRequest.Builder> config)
            throws IOException, InterruptedException {
        String url = upload(uploads, kms);
        sm.createModel(r -> r.modelName(endpointName).executionRoleArn(ROLE)
                .primaryContainer(c -> c.image("mlgate/onnx").modelDataUrl(url)));
        sm.createEndpointConfig(r -> {
            r.endpointConfigName(endpointName).productionVariants(v -> v.variantName(VARIANT)
                    .modelName(endpointName).initialInstanceCount(1).instanceType("ml.m5.large")
                    .initialVariantWeight(1f));
            config.accept(r);
        });
        sm.createEndpoint(r -> r.endpointName(endpointName).endpointConfigName(endpointName));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            DescribeEndpointResponse d = sm.describeEndpoint(r -> r.endpointName(endpointName));
            if (d.endpointStatus() == EndpointStatus.IN_SERVICE) {
                return d;
            }
            if (d.endpointStatus() == EndpointStatus.FAILED) {
                throw new AssertionError("echo endpoint " + endpointName + " failed: " + d.failureReason());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("echo endpoint " + endpointName + " is " + d.endpointStatus()
                        + " after 60 s");
            }
            Thread.sleep(50);
        }
    }

    /** A SageMaker control-plane client for the running gateway on {@code port}, as a demo profile. */
    public static SageMakerClient controlClient(int port, String profile) throws Exception {
        return SageMakerClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials(profile)).httpClientBuilder(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** A SageMaker Runtime client for the running gateway on {@code port}, as a demo profile; no retries. */
    public static SageMakerRuntimeClient runtimeClient(int port, String profile) throws Exception {
        return SageMakerRuntimeClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1).credentialsProvider(credentials(profile)).httpClientBuilder(http())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    private static StaticCredentialsProvider credentials(String profile) throws IOException {
        String[] keys = GatewayIntegrationTest.profiles().get(profile);
        if (keys == null) {
            throw new IllegalArgumentException("no demo profile " + profile);
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(keys[0], keys[1]));
    }

    /** The HTTP client trusting the gateway's dev CA; built, and closed, by the SDK client that takes it. */
    private static ApacheHttpClient.Builder http() throws Exception {
        TrustManagerFactory trust = RunningGateway.trustDevCa();
        return ApacheHttpClient.builder().tlsTrustManagersProvider(trust::getTrustManagers);
    }
}
