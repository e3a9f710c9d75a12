package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Exception;
import io.mlgate.auth.sigv4.SigV4Failure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorResponderTest {

    private static ApiCall call(AwsProtocol protocol) {
        return new ApiCall(protocol, "sagemaker", "sagemaker.amazonaws.com", "Op", "sagemaker:Op",
                "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x", "AWS::SageMaker::Endpoint", "123456789012",
                false, true, 1024, Map.of(), null);
    }

    private static MockServerWebExchange respond(AwsProtocol protocol, AwsError error) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/x").build());
        GatewayCall.start(exchange, "req-1", call(protocol));
        ErrorResponder.write(exchange, error).block();
        return exchange;
    }

    @Test
    void restJsonErrorsCarryTheTypeHeaderAndBody() {
        MockServerWebExchange exchange = respond(AwsProtocol.REST_JSON,
                AwsError.validation(AwsProtocol.REST_JSON, "bad \"input\"\n"));
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(400);
        assertThat(exchange.getResponse().getHeaders().getFirst("x-amzn-ErrorType"))
                .startsWith("ValidationError:http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/");
        assertThat(exchange.getResponse().getHeaders().getContentType().toString()).isEqualTo("application/json");
        assertThat(exchange.getResponse().getBodyAsString().block())
                .isEqualTo("{\"__type\":\"ValidationError\",\"message\":\"bad \\\"input\\\"\\n\"}");
        assertThat(GatewayCall.of(exchange).errorCode()).isEqualTo("ValidationError");
    }

    @Test
    void jsonErrorsUseTheAmzJsonContentType() {
        MockServerWebExchange exchange = respond(AwsProtocol.JSON_1_1, new AwsError(400, "NotFoundException", "no"));
        assertThat(exchange.getResponse().getHeaders().getContentType().toString()).isEqualTo("application/x-amz-json-1.1");
        assertThat(exchange.getResponse().getBodyAsString().block())
                .isEqualTo("{\"__type\":\"NotFoundException\",\"message\":\"no\"}");
    }

    @Test
    void queryErrorsAreXmlErrorResponsesWithSenderOrReceiver() {
        MockServerWebExchange sender = respond(AwsProtocol.QUERY, new AwsError(403, "AccessDenied", "a<b & c"));
        assertThat(sender.getResponse().getBodyAsString().block())
                .contains("<Type>Sender</Type><Code>AccessDenied</Code><Message>a&lt;b &amp; c</Message>")
                .contains("<RequestId>req-1</RequestId>");
        MockServerWebExchange receiver = respond(AwsProtocol.QUERY, AwsError.internal(AwsProtocol.QUERY));
        assertThat(receiver.getResponse().getBodyAsString().block()).contains("<Type>Receiver</Type>");
    }

    @Test
    void modelErrorsCarryTheOriginalStatus() {
        MockServerWebExchange exchange = respond(AwsProtocol.REST_JSON, new AwsError(424, "ModelError", "boom"));
        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(424);
        assertThat(exchange.getResponse().getBodyAsString().block()).contains("\"OriginalStatusCode\":500");
    }

    @Test
    void quotedValuesAreRemovedForTheAuditLog() {
        assertThat(ErrorResponder.withoutQuotedValues("value \"123-45-6789\" in row 1 is not a number"))
                .isEqualTo("value \"***\" in row 1 is not a number");
        assertThat(ErrorResponder.withoutQuotedValues("no quotes")).isEqualTo("no quotes");
        assertThat(ErrorResponder.withoutQuotedValues("open \"secret")).isEqualTo("open \"***");
    }

    @ParameterizedTest
    @EnumSource(SigV4Failure.class)
    void everyAuthenticationFailureIsAClientErrorInEveryProtocol(SigV4Failure failure) {
        for (AwsProtocol protocol : AwsProtocol.values()) {
            AwsError error = AwsError.forProtocol(protocol, new SigV4Exception(failure, "m"));
            assertThat(error.status()).as(failure + " " + protocol).isBetween(400, 499);
            assertThat(error.code()).isNotBlank();
        }
    }

    @Test
    void signatureErrorsFollowEachProtocolsCode() {
        SigV4Exception mismatch = new SigV4Exception(SigV4Failure.SIGNATURE_MISMATCH, "m");
        assertThat(AwsError.forProtocol(AwsProtocol.REST_JSON, mismatch).code()).isEqualTo("InvalidSignatureException");
        assertThat(AwsError.forProtocol(AwsProtocol.QUERY, mismatch).code()).isEqualTo("SignatureDoesNotMatch");
        SigV4Exception unknown = new SigV4Exception(SigV4Failure.UNKNOWN_ACCESS_KEY, "m");
        assertThat(AwsError.forProtocol(AwsProtocol.JSON_1_1, unknown).code()).isEqualTo("UnrecognizedClientException");
        assertThat(AwsError.forProtocol(AwsProtocol.QUERY, unknown).code()).isEqualTo("InvalidClientTokenId");
        SigV4Exception skew = new SigV4Exception(SigV4Failure.REQUEST_EXPIRED_SKEW, "Signature expired: x");
        assertThat(AwsError.forProtocol(AwsProtocol.REST_JSON, skew).message()).isEqualTo("Signature expired: x");
    }
}
