package io.mlgate.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The output of training a classifier: the ONNX model bytes and the descriptor that travels with them (class labels
 * in output order, feature names in input order, held-out accuracy).
 */
public record TrainedClassifier(byte[] onnxModel, List<String> labels, List<String> featureNames,
        double heldOutAccuracy, ModelDescriptor descriptor) {

    public TrainedClassifier {
        Objects.requireNonNull(onnxModel, "onnxModel");
        Objects.requireNonNull(descriptor, "descriptor");
        onnxModel = onnxModel.clone();
        labels = List.copyOf(labels);
        featureNames = List.copyOf(featureNames);
        if (!labels.equals(descriptor.labels()) || !featureNames.equals(descriptor.featureNames())) {
            throw new IllegalArgumentException("labels and feature names must match the descriptor");
        }
    }

    /** A copy of the serialized ONNX model. */
    @Override
    public byte[] onnxModel() {
        return onnxModel.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainedClassifier other
                && Arrays.equals(onnxModel, other.onnxModel)
                && labels.equals(other.labels)
                && featureNames.equals(other.featureNames)
                && Double.compare(heldOutAccuracy, other.heldOutAccuracy) == 0
                && descriptor.equals(other.descriptor);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(onnxModel), labels, featureNames, heldOutAccuracy, descriptor);
    }

    @Override
    public String toString() {
        return "TrainedClassifier[" + onnxModel.length + " bytes, labels=" + labels + ", features=" + featureNames
                + ", heldOutAccuracy=" + heldOutAccuracy + "]";
    }
}
