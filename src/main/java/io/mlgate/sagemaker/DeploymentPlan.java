package io.mlgate.sagemaker;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the runtime needs to serve an endpoint, resolved when the deployment was asked for (so a model or
 * configuration deleted later does not change a running endpoint, as in SageMaker): the endpoint, the configuration
 * it came from, the KMS key and data capture settings, and per variant its routing weight, instance count and the
 * model's containers, execution role and network isolation, and the configuration's tags (mlgate reads settings such
 * as {@code mlgate:EnableInterContainerTrafficEncryption} from them).
 */
public record DeploymentPlan(String endpointName, String endpointArn, String accountId, String endpointConfigName,
                             String kmsKeyId, DataCaptureConfig dataCapture, List<Variant> variants,
                             Map<String, String> configTags) {

    /** One production variant as deployed; {@code weight} and {@code instanceCount} are the current values. */
    public record Variant(String variantName, double weight, int instanceCount, String instanceType,
                          String modelName, String modelArn, List<ContainerDefinition> containers,
                          boolean pipeline, String executionRoleArn, boolean networkIsolation) {

        public Variant {
            Objects.requireNonNull(variantName, "variantName");
            if (!Double.isFinite(weight) || weight < 0) {
                throw new IllegalArgumentException("weight must be a finite number >= 0");
            }
            if (instanceCount < 1) {
                throw new IllegalArgumentException("instanceCount must be >= 1");
            }
            Objects.requireNonNull(modelName, "modelName");
            Objects.requireNonNull(modelArn, "modelArn");
            containers = List.copyOf(containers);
            if (containers.isEmpty()) {
                throw new IllegalArgumentException("a variant's model has at least one container");
            }
        }

        Variant with(double newWeight, int newInstanceCount) {
            return new Variant(variantName, newWeight, newInstanceCount, instanceType, modelName, modelArn,
                    containers, pipeline, executionRoleArn, networkIsolation);
        }
    }

    public DeploymentPlan {
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(endpointArn, "endpointArn");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(endpointConfigName, "endpointConfigName");
        variants = List.copyOf(variants);
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("a deployment has at least one variant");
        }
        configTags = configTags == null ? Map.of() : Map.copyOf(configTags);
        Set<String> names = new HashSet<>();
        for (Variant v : variants) {
            if (!names.add(v.variantName())) {
                throw new IllegalArgumentException("duplicate variant name " + v.variantName());
            }
        }
    }

    /**
     * The endpoint configuration tag that asks for mutual TLS between the gateway and the runtime nodes serving the
     * endpoint when the cluster encrypts per endpoint ({@code mlgate.cluster.encryption=per-endpoint}): {@code true}
     * or {@code false} (SageMaker's EnableInterContainerTrafficEncryption, which it has on jobs only).
     */
    public static final String INTER_CONTAINER_ENCRYPTION_TAG = "mlgate:EnableInterContainerTrafficEncryption";

    /**
     * The value of {@link #INTER_CONTAINER_ENCRYPTION_TAG} in {@code tags}: absent is false.
     *
     * @throws IllegalArgumentException if the value is neither {@code true} nor {@code false}
     */
    public static boolean interContainerEncryption(Map<String, String> tags) {
        String value = tags.get(INTER_CONTAINER_ENCRYPTION_TAG);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new IllegalArgumentException("the tag " + INTER_CONTAINER_ENCRYPTION_TAG
                + " takes the value true or false");
    }

    /** Whether this plan's configuration asks for encrypted inter-node traffic (a bad tag value counts as true). */
    public boolean interContainerEncryption() {
        try {
            return interContainerEncryption(configTags);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** A plan whose configuration has no tags. */
    public DeploymentPlan(String endpointName, String endpointArn, String accountId, String endpointConfigName,
                          String kmsKeyId, DataCaptureConfig dataCapture, List<Variant> variants) {
        this(endpointName, endpointArn, accountId, endpointConfigName, kmsKeyId, dataCapture, variants, Map.of());
    }

    /** The variant of that name, or null. */
    public Variant variant(String variantName) {
        for (Variant v : variants) {
            if (v.variantName().equals(variantName)) {
                return v;
            }
        }
        return null;
    }

    /** This plan with some variants' weights and instance counts replaced (variants not named keep theirs). */
    public DeploymentPlan withWeightsAndCounts(Map<String, Double> weights, Map<String, Integer> instanceCounts) {
        List<Variant> next = variants.stream().map(v -> v.with(
                weights.getOrDefault(v.variantName(), v.weight()),
                instanceCounts.getOrDefault(v.variantName(), v.instanceCount()))).toList();
        return new DeploymentPlan(endpointName, endpointArn, accountId, endpointConfigName, kmsKeyId, dataCapture,
                next, configTags);
    }
}
