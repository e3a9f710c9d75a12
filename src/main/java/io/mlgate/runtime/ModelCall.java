package io.mlgate.runtime;

import java.nio.charset.StandardCharsets;

/**
 * A decoded InvokeEndpoint call, ready to run on whichever copy of the model a worker holds: feature rows or one
 * text, and the response content type already negotiated. Shared by {@link InferenceService} (in-process variants)
 * and runtime nodes ({@code io.mlgate.cluster.node}), so a call answers the same bytes wherever its model runs.
 */
public record ModelCall(float[][] rows, String text, String responseType) {

    /**
     * Decodes the body for {@code model}'s input kind and negotiates the response type.
     *
     * @throws InvalidInputException if the body, its content type or the Accept header is not acceptable
     */
    public static ModelCall decode(VariantModel model, byte[] body, String contentType, String accept) {
        if (model.inputKind() == InputKind.TEXT) {
            String text = InvocationInput.text(body, contentType);
            return new ModelCall(null, text, InvocationOutput.textContentTypeFor(accept, contentType));
        }
        String responseType = InvocationOutput.contentTypeFor(accept);
        return new ModelCall(InvocationInput.parse(body, contentType, model.featureCount()), null, responseType);
    }

    /**
     * Runs the call on {@code model} (a worker's own copy) and encodes the answer.
     *
     * @throws ModelInvocationException if the model fails
     */
    public InvocationResult run(VariantModel model, String variant) {
        long start = System.nanoTime();
        byte[] answer;
        if (text != null) {
            answer = model.generate(text).getBytes(StandardCharsets.UTF_8);
        } else {
            answer = InvocationOutput.toJson(model.predict(rows));
        }
        long latency = System.nanoTime() - start;
        return new InvocationResult(answer, responseType, variant, latency);
    }
}
