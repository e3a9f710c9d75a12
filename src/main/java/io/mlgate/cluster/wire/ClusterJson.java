package io.mlgate.cluster.wire;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** (De)serialises the cluster protocol's records; unknown members and trailing tokens are refused. */
public final class ClusterJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ClusterJson() {
    }

    public static byte[] write(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    /**
     * @throws IllegalArgumentException if the bytes are not one JSON object of that shape (message without input bytes)
     */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            T value = MAPPER.readValue(json, type);
            if (value == null) {
                throw new IllegalArgumentException("expected a JSON object for " + type.getSimpleName());
            }
            return value;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("malformed " + type.getSimpleName() + " body");
        }
    }
}
