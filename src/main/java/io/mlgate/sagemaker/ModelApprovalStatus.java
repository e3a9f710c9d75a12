package io.mlgate.sagemaker;

import java.util.Optional;

/** SageMaker's {@code ModelApprovalStatus} of a versioned model package. */
public enum ModelApprovalStatus {
    APPROVED("Approved"), REJECTED("Rejected"), PENDING_MANUAL_APPROVAL("PendingManualApproval");

    private final String wireName;

    ModelApprovalStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ModelApprovalStatus> fromWire(String name) {
        for (ModelApprovalStatus s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
