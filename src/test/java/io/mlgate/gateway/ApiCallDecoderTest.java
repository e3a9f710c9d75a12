package io.mlgate.gateway;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class ApiCallDecoderTest {

    private final ApiCallDecoder decoder = new ApiCallDecoder("us-east-1", "123456789012", 6 * 1024 * 1024, 256 * 1024);

    @Test
    void invokeEndpointIsDecodedWithActionResourceAndAuditParameters() {
        ApiCall call = decoder.decode(MockServerHttpRequest.post("/endpoints/My-Endpoint1/invocations")
                .header("Content-Type", "text/csv").header("Accept", "application/json")
                .header("X-Amzn-SageMaker-Target-Variant", "B").build());
        assertThat(call).isNotNull();
        assertThat(call.operation()).isEqualTo("InvokeEndpoint");
        assertThat(call.action()).isEqualTo("sagemaker:InvokeEndpoint");
        assertThat(call.signingService()).isEqualTo("sagemaker");
        assertThat(call.resourceArn()).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:endpoint/my-endpoint1");
        assertThat(call.dataEvent()).isTrue();
        assertThat(call.validationError()).isNull();
        assertThat(call.requestParameters()).containsEntry("endpointName", "My-Endpoint1")
                .containsEntry("contentType", "text/csv").containsEntry("targetVariant", "B");
    }

    @Test
    void otherMethodsAndPathsAreNotOperations() {
        assertThat(decoder.decode(MockServerHttpRequest.get("/endpoints/iris/invocations").build())).isNull();
        assertThat(decoder.decode(MockServerHttpRequest.post("/endpoints//invocations").build())).isNull();
        assertThat(decoder.decode(MockServerHttpRequest.post("/endpoint/iris/invocations").build())).isNull();
        assertThat(decoder.decode(MockServerHttpRequest.post("/").header("X-Amz-Target", "SageMaker.ListEndpoints")
                .build())).isNull();
        assertThat(decoder.decode(MockServerHttpRequest.get("/").build())).isNull();
        assertThat(decoder.decode(MockServerHttpRequest.get("/?Version=2010-05-08").build())).isNull();
        assertThat(decoder.decode(MockServerHttpRequest.put("/").build())).isNull();
        assertThat(decoder.decode(MockServerHttpRequest.post("/other").build())).isNull();
    }

    @Test
    void xAmzTargetRoutesToAJsonServiceAndOperation() {
        io.mlgate.protocol.json.JsonService kms = new io.mlgate.protocol.json.JsonService() {
            public io.mlgate.protocol.json.JsonApi api() { return io.mlgate.protocol.json.JsonApi.KMS; }
            public java.util.Set<String> operations() { return java.util.Set.of("Encrypt"); }
            public io.mlgate.protocol.json.JsonTarget target(String op, tools.jackson.databind.JsonNode body,
                                                             String account, io.mlgate.iam.eval.PrincipalContext c) {
                return null;
            }
            public tools.jackson.databind.JsonNode invoke(String op, tools.jackson.databind.JsonNode body,
                                                          io.mlgate.iam.eval.PrincipalContext c,
                                                          io.mlgate.iam.eval.RequestContext ctx) {
                return null;
            }
        };
        ApiCallDecoder withKms = new ApiCallDecoder("us-east-1", "123456789012", 1024, 1024,
                new io.mlgate.protocol.json.JsonRouter(java.util.List.of(kms)));
        ApiCall call = withKms.decode(MockServerHttpRequest.post("/").header("X-Amz-Target", "TrentService.Encrypt")
                .header("Content-Type", "application/x-amz-json-1.1").build());
        assertThat(call).isNotNull();
        assertThat(call.protocol()).isEqualTo(AwsProtocol.JSON_1_1);
        assertThat(call.signingService()).isEqualTo("kms");
        assertThat(call.operation()).isEqualTo("Encrypt");
        assertThat(call.eventSource()).isEqualTo("kms.amazonaws.com");
        assertThat(withKms.decode(MockServerHttpRequest.post("/").header("X-Amz-Target", "TrentService.Nope").build()))
                .isNull();
        assertThat(withKms.decode(MockServerHttpRequest.get("/").header("X-Amz-Target", "TrentService.Encrypt")
                .build())).isNull();
    }

    @Test
    void postToTheRootWithoutATargetIsAQueryCallReadFromItsBody() {
        ApiCall call = decoder.decode(MockServerHttpRequest.post("/")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").build());
        assertThat(call).isNotNull();
        assertThat(call.isPendingQuery()).isTrue();
        assertThat(call.protocol()).isEqualTo(AwsProtocol.QUERY);
        assertThat(call.maxBodyBytes()).isEqualTo(256 * 1024);
        assertThat(call.action()).isNull();
        ApiCall get = decoder.decode(MockServerHttpRequest.get("/?Action=GetCallerIdentity&Version=2011-06-15")
                .build());
        assertThat(get).isNotNull();
        assertThat(get.isPendingQuery()).isTrue();
    }

    @Test
    void endpointNamesFollowSageMakersRule() {
        assertThat(ApiCallDecoder.validEndpointName("iris")).isTrue();
        assertThat(ApiCallDecoder.validEndpointName("a-b--c9")).isTrue();
        assertThat(ApiCallDecoder.validEndpointName("a".repeat(63))).isTrue();
        assertThat(ApiCallDecoder.validEndpointName("a".repeat(64))).isFalse();
        assertThat(ApiCallDecoder.validEndpointName("-iris")).isFalse();
        assertThat(ApiCallDecoder.validEndpointName("iris-")).isFalse();
        assertThat(ApiCallDecoder.validEndpointName("ir_is")).isFalse();
        assertThat(ApiCallDecoder.validEndpointName("iris%2F..")).isFalse();
    }

    @Test
    void anInvalidNameIsAValidationErrorWithoutAResource() {
        ApiCall call = decoder.decode(MockServerHttpRequest.post("/endpoints/bad_name/invocations").build());
        assertThat(call).isNotNull();
        assertThat(call.validationError()).contains("'bad_name'").contains("endpointName");
        assertThat(call.resourceArn()).endsWith(":endpoint/invalid");
    }
}
