package io.mlgate.gateway;

import io.mlgate.kms.api.KmsService;
import io.mlgate.runtime.UploadedModels;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The echo model end to end with the AWS SDK v2: uploaded into the model store, deployed with CreateModel /
 * CreateEndpointConfig / CreateEndpoint ({@link EchoEndpoints}), and invoked with InvokeEndpoint: the body comes back
 * byte for byte in the request's content type; invalid UTF-8 is a ValidationError; a text model cannot be a pipeline
 * step.
 */
class EchoModelIntegrationTest extends RunningGateway {

    @Autowired
    UploadedModels uploads;

    @Autowired
    KmsService kms;

    @Test
    void anEchoEndpointAnswersWithTheBytesItWasSent() throws Exception {
        try (SageMakerClient sm = EchoEndpoints.controlClient(port, "demo-admin");
             SageMakerRuntimeClient rt = EchoEndpoints.runtimeClient(port, "demo-admin")) {
            DescribeEndpointResponse d = EchoEndpoints.deploy(sm, uploads, kms, "echo-it");
            assertThat(d.productionVariants()).singleElement()
                    .satisfies(v -> assertThat(v.variantName()).isEqualTo(EchoEndpoints.VARIANT));

            byte[] hello = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
            InvokeEndpointResponse r = rt.invokeEndpoint(b -> b.endpointName("echo-it")
                    .contentType("application/json").body(SdkBytes.fromByteArray(hello)));
            assertThat(r.body().asByteArray()).isEqualTo(hello);
            assertThat(r.contentType()).isEqualTo("application/json");
            assertThat(r.invokedProductionVariant()).isEqualTo(EchoEndpoints.VARIANT);

            String marker = "{\"name\":\"Zoë Ångström\",\"city\":\"東京\",\"mood\":\"😀\",\"note\":\"echo-marker-91c2\"}";
            InvokeEndpointResponse plain = rt.invokeEndpoint(b -> b.endpointName("echo-it")
                    .contentType("application/json; charset=utf-8").accept("text/plain")
                    .body(SdkBytes.fromUtf8String(marker)));
            assertThat(plain.body().asUtf8String()).isEqualTo(marker);
            assertThat(plain.contentType()).isEqualTo("text/plain; charset=utf-8");
            // the audit record has the body's digest and size, never the body
            assertThat(allAuditText()).doesNotContain("echo-marker-91c2");
        }
    }

    @Test
    void invalidUtf8AndAnAcceptTheModelCannotAnswerAreValidationErrors() throws Exception {
        try (SageMakerClient sm = EchoEndpoints.controlClient(port, "demo-admin");
             SageMakerRuntimeClient rt = EchoEndpoints.runtimeClient(port, "demo-admin")) {
            EchoEndpoints.deploy(sm, uploads, kms, "echo-bad-input");
            assertThatThrownBy(() -> rt.invokeEndpoint(b -> b.endpointName("echo-bad-input")
                    .contentType("application/json").body(SdkBytes.fromByteArray(new byte[]{'"', (byte) 0xC3, '"'}))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                        assertThat(e.getMessage()).contains("not valid UTF-8 (byte offset 1)");
                    });
            assertThatThrownBy(() -> rt.invokeEndpoint(b -> b.endpointName("echo-bad-input")
                    .contentType("application/json").accept("image/png").body(SdkBytes.fromUtf8String("{}"))))
                    .isInstanceOfSatisfying(SageMakerRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError");
                    });
            // the endpoint still serves after the refusals
            assertThat(rt.invokeEndpoint(b -> b.endpointName("echo-bad-input").contentType("text/plain")
                    .body(SdkBytes.fromUtf8String("still here"))).body().asUtf8String()).isEqualTo("still here");
        }
    }

    @Test
    void aPipelineWithTheEchoModelFailsWithAReason() throws Exception {
        try (SageMakerClient sm = EchoEndpoints.controlClient(port, "demo-admin")) {
            String echo = EchoEndpoints.upload(uploads, kms);
            sm.createModel(r -> r.modelName("echo-pipe").executionRoleArn(EchoEndpoints.ROLE).containers(
                    c -> c.containerHostname("echo").modelDataUrl(echo),
                    c -> c.containerHostname("classify").modelDataUrl(UploadedModels.urlOf("iris"))));
            sm.createEndpointConfig(r -> r.endpointConfigName("echo-pipe").productionVariants(v -> v
                    .variantName("AllTraffic").modelName("echo-pipe").initialInstanceCount(1)
                    .instanceType("ml.m5.large").initialVariantWeight(1f)));
            sm.createEndpoint(r -> r.endpointName("echo-pipe").endpointConfigName("echo-pipe"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            DescribeEndpointResponse d;
            do {
                Thread.sleep(50);
                d = sm.describeEndpoint(r -> r.endpointName("echo-pipe"));
            } while (d.endpointStatus() == EndpointStatus.CREATING && System.nanoTime() < deadline);
            assertThat(d.endpointStatus()).isEqualTo(EndpointStatus.FAILED);
            assertThat(d.failureReason()).contains("step 1 of 2 (container echo, model echo)")
                    .contains("is a text model");
        }
    }
}
