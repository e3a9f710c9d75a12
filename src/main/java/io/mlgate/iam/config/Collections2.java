package io.mlgate.iam.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Order-preserving immutable copies for the configuration records. */
final class Collections2 {

    private Collections2() {
    }

    static <K, V> Map<K, V> orderedCopy(Map<K, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
