package io.mlgate.runtime;

import java.io.ByteArrayOutputStream;
import java.util.List;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Encodes classification results as the InvokeEndpoint response body and negotiates its content type. (A text
 * model's answer is its output string in UTF-8, under the type {@link #textContentTypeFor} picks.)
 *
 * <p>The body is UTF-8 JSON, one prediction per input row, in row order; probabilities are listed in the model's
 * label order:
 * <pre>{@code
 * {"predictions":[
 *   {"predicted_label":"setosa","probabilities":{"setosa":0.97,"versicolor":0.02,"virginica":0.01}}
 * ]}
 * }</pre>
 */
public final class InvocationOutput {
    /** The only response content type. */
    public static final String CONTENT_TYPE = "application/json";

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private InvocationOutput() {
    }

    /**
     * Returns the response content type for an Accept header: {@value #CONTENT_TYPE} when the header is absent or
     * admits it ({@code application/json}, {@code application/*} or {@code *}{@code /*} with q &gt; 0).
     *
     * @throws InvalidInputException if the Accept header rules JSON out
     */
    public static String contentTypeFor(String accept) {
        if (accept == null || accept.isBlank()) {
            return CONTENT_TYPE;
        }
        for (String range : accept.split(",")) {
            MediaType type = MediaType.parse(range);
            if (type == null || qualityOf(type) <= 0) {
                continue;
            }
            if (type.is("application", "json") || type.is("application", "*") || type.is("*", "*")) {
                return CONTENT_TYPE;
            }
        }
        throw new InvalidInputException("unsupported Accept " + InvocationInput.quote(accept, 64)
                + "; this endpoint returns application/json");
    }

    /** The type a text model's answer is labelled with when the caller's Accept rules out its request's type. */
    public static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    /**
     * Returns the content type of a text model's answer (the model's output string, UTF-8): a text model answers in
     * the kind of text it was given, so
     * <ol>
     *   <li>without an Accept header, the request's Content-Type, exactly as sent;</li>
     *   <li>with one, the request's Content-Type if any media range with q &gt; 0 admits it ({@code type/subtype},
     *       {@code type/*} or {@code *}{@code /*});</li>
     *   <li>else {@value #TEXT_PLAIN} if a range with q &gt; 0 admits {@code text/plain};</li>
     *   <li>else the call is refused.</li>
     * </ol>
     *
     * @param requestContentType the request's Content-Type, already accepted by {@link InvocationInput#text}
     * @throws InvalidInputException if the Accept header admits neither the request's type nor text/plain
     */
    public static String textContentTypeFor(String accept, String requestContentType) {
        if (accept == null || accept.isBlank()) {
            return requestContentType;
        }
        MediaType request = MediaType.parse(requestContentType);
        boolean plain = false;
        for (String range : accept.split(",")) {
            MediaType type = MediaType.parse(range);
            if (type == null || qualityOf(type) <= 0) {
                continue;
            }
            if (request != null && admits(type, request.type(), request.subtype())) {
                return requestContentType;
            }
            plain |= admits(type, "text", "plain");
        }
        if (plain) {
            return TEXT_PLAIN;
        }
        throw new InvalidInputException("unsupported Accept " + InvocationInput.quote(accept, 64)
                + "; this text model answers with the request's content type or text/plain");
    }

    private static boolean admits(MediaType range, String type, String subtype) {
        return range.is("*", "*") || range.is(type, "*") || range.is(type, subtype);
    }

    /** Serialises the results in the documented shape. */
    public static byte[] toJson(ClassificationResult[] results) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + results.length * 96);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeName("predictions");
            g.writeStartArray();
            for (ClassificationResult r : results) {
                writePrediction(g, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * One prediction alone, as it appears inside {@code predictions} (a batch transform output record):
     * {@code {"predicted_label":"setosa","probabilities":{...}}}.
     */
    public static byte[] predictionJson(ClassificationResult result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            writePrediction(g, result);
        }
        return out.toByteArray();
    }

    private static void writePrediction(JsonGenerator g, ClassificationResult r) {
        g.writeStartObject();
        g.writeStringProperty("predicted_label", r.predictedLabel());
        g.writeName("probabilities");
        g.writeStartObject();
        List<String> labels = r.labels();
        for (int i = 0; i < labels.size(); i++) {
            g.writeName(labels.get(i));
            g.writeNumber(r.probability(i));
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static double qualityOf(MediaType type) {
        String q = type.parameters().get("q");
        if (q == null) {
            return 1.0;
        }
        try {
            return Double.parseDouble(q);
        } catch (NumberFormatException e) {
            return 0.0;
        }
    }
}
