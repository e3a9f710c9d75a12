package io.mlgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class InvocationOutputTest {
    private static final List<String> LABELS = List.of("setosa", "versicolor", "virginica");

    @Test
    void writesOnePredictionPerRowWithAllProbabilities() {
        byte[] json = InvocationOutput.toJson(new ClassificationResult[] {
                ClassificationResult.of(LABELS, new float[] {0.97f, 0.02f, 0.01f}),
                ClassificationResult.of(LABELS, new float[] {0.1f, 0.2f, 0.7f})});
        JsonNode root = JsonMapper.shared().readTree(json);
        assertThat(root.propertyNames()).containsExactly("predictions");
        JsonNode predictions = root.get("predictions");
        assertThat(predictions.size()).isEqualTo(2);
        assertThat(predictions.get(0).get("predicted_label").stringValue()).isEqualTo("setosa");
        assertThat(predictions.get(0).get("probabilities").propertyNames()).containsExactlyElementsOf(LABELS);
        assertThat(predictions.get(0).get("probabilities").get("setosa").floatValue()).isEqualTo(0.97f);
        assertThat(predictions.get(1).get("predicted_label").stringValue()).isEqualTo("virginica");
        assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8)).startsWith(
                "{\"predictions\":[{\"predicted_label\":\"setosa\",\"probabilities\":{\"setosa\":0.97,");
    }

    @Test
    void acceptsJsonWildcardsAndAbsentAccept() {
        assertThat(InvocationOutput.contentTypeFor(null)).isEqualTo("application/json");
        assertThat(InvocationOutput.contentTypeFor("")).isEqualTo("application/json");
        assertThat(InvocationOutput.contentTypeFor("application/json")).isEqualTo("application/json");
        assertThat(InvocationOutput.contentTypeFor("*/*")).isEqualTo("application/json");
        assertThat(InvocationOutput.contentTypeFor("text/csv;q=0.9, application/*;q=0.5"))
                .isEqualTo("application/json");
        assertThat(InvocationOutput.contentTypeFor("Application/JSON; charset=utf-8")).isEqualTo("application/json");
    }

    @Test
    void rejectsAcceptThatRulesOutJson() {
        assertThatThrownBy(() -> InvocationOutput.contentTypeFor("text/csv"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("unsupported Accept \"text/csv\"; this endpoint returns application/json");
        assertThatThrownBy(() -> InvocationOutput.contentTypeFor("application/json;q=0, text/csv"))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void classificationResultPicksTheMostLikelyLabel() {
        ClassificationResult r = ClassificationResult.of(LABELS, new float[] {0.2f, 0.5f, 0.3f});
        assertThat(r.predictedLabel()).isEqualTo("versicolor");
        assertThat(r.predictedIndex()).isEqualTo(1);
        float[] copy = r.probabilities();
        copy[1] = 0f;
        assertThat(r.probability(1)).isEqualTo(0.5f);
        assertThatThrownBy(() -> ClassificationResult.of(LABELS, new float[] {0.5f, 0.5f}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClassificationResult.of(LABELS, new float[] {Float.NaN, 0.5f, 0.5f}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------ text models

    @Test
    void aTextModelAnswersInTheRequestsContentTypeWhenAcceptIsAbsentOrAdmitsIt() {
        String json = "application/json; charset=utf-8";
        assertThat(InvocationOutput.textContentTypeFor(null, json)).isEqualTo(json);
        assertThat(InvocationOutput.textContentTypeFor("", "text/x-custom")).isEqualTo("text/x-custom");
        assertThat(InvocationOutput.textContentTypeFor("*/*", json)).isEqualTo(json);
        assertThat(InvocationOutput.textContentTypeFor("application/*", json)).isEqualTo(json);
        assertThat(InvocationOutput.textContentTypeFor("text/plain, Application/JSON;q=0.2", json)).isEqualTo(json);
    }

    @Test
    void aTextModelFallsBackToTextPlainOrRefuses() {
        assertThat(InvocationOutput.textContentTypeFor("text/plain", "application/json"))
                .isEqualTo(InvocationOutput.TEXT_PLAIN);
        assertThat(InvocationOutput.textContentTypeFor("image/png, text/*", "application/json"))
                .isEqualTo("text/plain; charset=utf-8");
        assertThatThrownBy(() -> InvocationOutput.textContentTypeFor("image/png", "application/json"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("answers with the request's content type or text/plain");
        // q=0 excludes a range
        assertThatThrownBy(() -> InvocationOutput.textContentTypeFor("application/json;q=0, text/plain;q=0",
                "application/json")).isInstanceOf(InvalidInputException.class);
    }
}
