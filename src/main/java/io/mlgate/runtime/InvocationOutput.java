package io.mlgate.runtime;

import java.io.ByteArrayOutputStream;
import java.util.List;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Encodes classification results as the InvokeEndpoint response body and negotiates its content type.
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
