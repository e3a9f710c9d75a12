package io.mlgate.gateway;

import io.mlgate.runtime.BusyException;
import io.mlgate.runtime.EndpointNotFoundException;
import io.mlgate.runtime.EndpointUnavailableException;
import io.mlgate.runtime.InferenceService;
import io.mlgate.runtime.InvalidInputException;
import io.mlgate.runtime.InvocationResult;
import io.mlgate.runtime.ModelInvocationException;
import io.mlgate.runtime.capture.DataCapture;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * SageMaker Runtime's InvokeEndpoint ({@code POST /endpoints/{name}/invocations}, rest-json): runs the model on the
 * inference scheduler (never on the event loop) with the body the authentication step already buffered and
 * hashed, and answers with the model's output and the {@code x-Amzn-Invoked-Production-Variant} header. An endpoint
 * whose model key KMS refuses answers HTTP 400 with a KMS-derived code ({@link #keyErrorCode}). A successful call
 * is handed to {@link DataCapture} with its {@code X-Amzn-SageMaker-Inference-Id} (validated first), which queues it
 * if the endpoint captures.
 */
public final class InvokeEndpointHandler {

    private final InferenceService inference;
    private final Scheduler scheduler;
    private final DataCapture capture;
    private final PiiInspector pii;

    public InvokeEndpointHandler(InferenceService inference, Scheduler scheduler, DataCapture capture) {
        this(inference, scheduler, capture, null);
    }

    /** @param pii the PII step whose verdict this handler enforces (null: no PII layer) */
    InvokeEndpointHandler(InferenceService inference, Scheduler scheduler, DataCapture capture, PiiInspector pii) {
        this.inference = inference;
        this.scheduler = scheduler;
        this.capture = capture;
        this.pii = pii;
    }

    public Mono<Void> handle(ServerWebExchange exchange) {
        GatewayCall call = GatewayCall.of(exchange);
        ApiCall api = call.apiCall();
        HttpHeaders requestHeaders = call.requestHeaders();
        String contentType = requestHeaders.getFirst(HttpHeaders.CONTENT_TYPE);
        String accept = requestHeaders.getFirst(HttpHeaders.ACCEPT);
        String targetVariant = requestHeaders.getFirst("X-Amzn-SageMaker-Target-Variant");
        String targetModel = requestHeaders.getFirst("X-Amzn-SageMaker-Target-Model");
        String customAttributes = requestHeaders.getFirst(CUSTOM_ATTRIBUTES);
        if (customAttributes != null && !validCustomAttributes(customAttributes)) {
            return ErrorResponder.write(exchange, AwsError.validation(AwsProtocol.REST_JSON,
                    "1 validation error detected: Value at 'customAttributes' failed to satisfy constraint: Member "
                            + "must have length less than or equal to 1024 and match pattern \\p{ASCII}*"));
        }
        String inferenceId = requestHeaders.getFirst(DataCapture.INFERENCE_ID_HEADER);
        if (inferenceId != null && !DataCapture.validInferenceId(inferenceId)) {
            return ErrorResponder.write(exchange, AwsError.validation(AwsProtocol.REST_JSON,
                    "1 validation error detected: Value at 'inferenceId' failed to satisfy constraint: Member must "
                            + "have length between 1 and 64 and match pattern \\A\\S[\\p{Print}]*\\z"));
        }
        PiiInspection inspection = call.pii();
        if (inspection != null && inspection.blocksRequest()) {
            return ErrorResponder.write(exchange, AwsError.validation(AwsProtocol.REST_JSON,
                    blockedMessage(inspection)));
        }
        byte[] body = inspection == null ? call.body() : inspection.modelBody(call.body());
        return Mono.fromCallable(() -> inference.invokeAsync(api.endpointName(), targetVariant, targetModel, body,
                        contentType, accept))
                .subscribeOn(scheduler)
                .flatMap(Mono::fromFuture)
                .onErrorMap(java.util.concurrent.CompletionException.class, InferenceService::unwrap)
                .flatMap(result -> {
                    if (pii == null || inspection == null) {
                        return Mono.just(result);
                    }
                    byte[] original = result.body();
                    PiiInspector.ResponseVerdict verdict = pii.inspectResponse(inspection, original,
                            result.contentType());
                    if (verdict instanceof PiiInspector.ResponseVerdict.Withhold w) {
                        call.served(result.invokedVariant(), result.modelLatencyNanos());
                        return Mono.error(new ResponseWithheldException(w.message()));
                    }
                    byte[] answer = ((PiiInspector.ResponseVerdict.Pass) verdict).body();
                    return Mono.just(answer == original ? result : result.withBody(answer));
                })
                .doOnNext(result -> capture.capture(api.endpointName(), inferenceId, body, contentType, result))
                .flatMap(result -> respond(exchange, call, result, customAttributes))
                .onErrorResume(ResponseWithheldException.class, e ->
                        ErrorResponder.write(exchange, new AwsError(424, "ModelError", e.getMessage())))
                .onErrorResume(EndpointNotFoundException.class, e ->
                        ErrorResponder.write(exchange, AwsError.validation(AwsProtocol.REST_JSON, e.getMessage())))
                .onErrorResume(EndpointUnavailableException.class, e ->
                        ErrorResponder.write(exchange, new AwsError(400, keyErrorCode(e.keyServiceErrorCode()),
                                e.getMessage())))
                .onErrorResume(BusyException.class, e ->
                        ErrorResponder.write(exchange, new AwsError(429, e.code(), e.getMessage())))
                .onErrorResume(InvalidInputException.class, e ->
                        ErrorResponder.write(exchange, AwsError.validation(AwsProtocol.REST_JSON, e.getMessage()),
                                ErrorResponder.withoutQuotedValues(e.getMessage())))
                .onErrorResume(ModelInvocationException.class, e ->
                        ErrorResponder.write(exchange, new AwsError(424, "ModelError",
                                "Received server error (500) from primary with message \"" + e.getMessage() + "\"."),
                                "Received server error (500) from primary; the model's message is withheld from the audit log."));
    }

    /**
     * The error code of a call to an endpoint whose model key is refused, named as AWS Lambda names the same
     * condition: {@code KMSDisabledException}, {@code KMSInvalidStateException} (pending deletion),
     * {@code KMSNotFoundException}, {@code KMSAccessDeniedException}; any other KMS refusal is
     * {@code KMSInvalidStateException}.
     */
    static String keyErrorCode(String kmsCode) {
        return switch (kmsCode) {
            case "DisabledException" -> "KMSDisabledException";
            case "NotFoundException" -> "KMSNotFoundException";
            case "AccessDeniedException" -> "KMSAccessDeniedException";
            default -> "KMSInvalidStateException";
        };
    }

    /** The ValidationError message of a request the PII step blocks: the types found, never the values. */
    static String blockedMessage(PiiInspection inspection) {
        if (inspection.failure() != null) {
            return "The request could not be inspected for PII (" + inspection.failure() + ") and is blocked: "
                    + "the PII layer fails closed.";
        }
        return "The request contains PII (" + inspection.requestTypes() + ") and the endpoint's PII policy "
                + "blocks it.";
    }

    /** A model answer the endpoint's PII policy does not let out. */
    private static final class ResponseWithheldException extends RuntimeException {
        ResponseWithheldException(String message) {
            super(message, null, false, false);
        }
    }

    static final String CUSTOM_ATTRIBUTES = "X-Amzn-SageMaker-Custom-Attributes";

    /** SageMaker's constraint on CustomAttributes: at most 1024 visible ASCII characters. */
    static boolean validCustomAttributes(String value) {
        if (value.length() > 1024) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static Mono<Void> respond(ServerWebExchange exchange, GatewayCall call, InvocationResult result,
                                      String customAttributes) {
        call.served(result.invokedVariant(), result.modelLatencyNanos());
        if (result.cacheHit() != null) {
            call.servedFromCache(result.cacheHit(), result.modelLoadWaitNanos());
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, result.contentType());
        headers.set("x-Amzn-Invoked-Production-Variant", result.invokedVariant());
        if (customAttributes != null) {
            // the embedded runtime is the container: the caller's attributes come back unchanged
            headers.set(CUSTOM_ATTRIBUTES, customAttributes);
        }
        headers.setContentLength(result.body().length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(result.body())));
    }
}
