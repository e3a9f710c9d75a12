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
 *
 * @param modelPackage the versioned model package the container was resolved from (CreateModel with
 *                     {@code ModelPackageName}), or null when the model named its artifact itself
 */
public record ContainerDefinition(String hostname, String image, Mode mode, String modelDataUrl,
                                  Map<String, String> environment, PackageSource modelPackage) {

    /**
     * Where a container came from in the model registry: the version's ARN and the registration id it had then, so
     * that a version deleted and registered again under the same ARN is not mistaken for the one the model used.
     */
    public record PackageSource(String modelPackageArn, String registrationId) {
        public PackageSource {
            Objects.requireNonNull(modelPackageArn, "modelPackageArn");
            Objects.requireNonNull(registrationId, "registrationId");
        }
    }

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

    /** A container that names its artifact itself (not from the model registry). */
    public ContainerDefinition(String hostname, String image, Mode mode, String modelDataUrl,
                               Map<String, String> environment) {
        this(hostname, image, mode, modelDataUrl, environment, null);
    }

    @Override
    public String toString() {
        return "ContainerDefinition[hostname=" + hostname + ", image=" + image + ", mode=" + mode.wireName()
                + ", modelDataUrl=" + modelDataUrl + ", environmentKeys=" + environment.keySet()
                + (modelPackage == null ? "" : ", modelPackage=" + modelPackage.modelPackageArn()) + "]";
    }
}
