package io.mlgate.sagemaker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One container of a SageMaker model: the artifact it serves ({@code ModelDataUrl}, in MultiModel mode the prefix
 * the models are loaded from), its mode, the image named by the caller (accepted and recorded; mlgate serves with
 * its embedded ONNX Runtime) and its environment (which may hold secrets: never logged or audited by value).
 */
public record ContainerDefinition(String hostname, String image, Mode mode, String modelDataUrl,
                                  Map<String, String> environment) {

    /** {@code SingleModel} or {@code MultiModel}. */
    public enum Mode {
        SINGLE_MODEL("SingleModel"), MULTI_MODEL("MultiModel");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Mode> fromWire(String name) {
            for (Mode m : values()) {
                if (m.wireName.equals(name)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    public ContainerDefinition {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(modelDataUrl, "modelDataUrl");
        environment = environment == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    @Override
    public String toString() {
        return "ContainerDefinition[hostname=" + hostname + ", image=" + image + ", mode=" + mode.wireName()
                + ", modelDataUrl=" + modelDataUrl + ", environmentKeys=" + environment.keySet() + "]";
    }
}
