package io.mlgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.core.JsonGenerator;

class EventDataTest {

    private static String json(EventData d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = EventText.JSON.createGenerator(out)) {
            d.writeJson(g);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keepsInsertionOrderAndTypes() {
        EventData d = EventData.builder()
                .put("z", "last-inserted-first")
                .put("a", 42L)
                .put("m", 1.5)
                .put("b", true)
                .put("nested", EventData.builder().put("k", "v").build())
                .putStrings("list", List.of("x", "y"))
                .putObjects("objs", List.of(EventData.builder().put("q", 1L).build()))
                .build();
        assertThat(json(d)).isEqualTo(
                "{\"z\":\"last-inserted-first\",\"a\":42,\"m\":1.5,\"b\":true,\"nested\":{\"k\":\"v\"},"
                        + "\"list\":[\"x\",\"y\"],\"objs\":[{\"q\":1}]}");
        assertThat(d.names()).containsExactly("z", "a", "m", "b", "nested", "list", "objs");
        assertThat(d.get("a")).isEqualTo(42L);
        assertThat(d.get("absent")).isNull();
        assertThat(d.toMap().get("nested")).isEqualTo(Map.of("k", "v"));
    }

    @Test
    void rejectsDuplicateNamesNullsAndNonFiniteNumbers() {
        EventData.Builder b = EventData.builder().put("a", "1");
        assertThatThrownBy(() -> b.put("a", "2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate");
        assertThat(b.put("b", "2").build().size()).isEqualTo(2);
        assertThatThrownBy(() -> EventData.builder().put("a", (String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> EventData.builder().put("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventData.builder().put("n", Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isImmutableAfterBuild() {
        EventData.Builder b = EventData.builder().put("a", "1");
        EventData built = b.build();
        b.put("b", "2");
        assertThat(built.names()).containsExactly("a");
        assertThatThrownBy(() -> built.names().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyIsAnEmptyObject() {
        assertThat(json(EventData.empty())).isEqualTo("{}");
        assertThat(EventData.builder().build().isEmpty()).isTrue();
    }

    @Test
    void sizeEstimateTracksUtf8Length() {
        EventData ascii = EventData.builder().put("k", "a".repeat(1000)).build();
        EventData wide = EventData.builder().put("k", "漢".repeat(1000)).build();
        assertThat(ascii.approximateJsonBytes()).isBetween(1000, 1020);
        assertThat(wide.approximateJsonBytes()).isBetween(3000, 3020);
        assertThat(wide.approximateJsonBytes()).isEqualTo(json(wide).getBytes(StandardCharsets.UTF_8).length);
    }
}
