package io.mlgate.sagemaker;

import java.util.Optional;

/** SageMaker's {@code EndpointStatus} values (mlgate moves endpoints through Creating, InService, Updating, Failed). */
public enum EndpointStatus {
    OUT_OF_SERVICE("OutOfService"), CREATING("Creating"), UPDATING("Updating"), SYSTEM_UPDATING("SystemUpdating"),
    ROLLING_BACK("RollingBack"), IN_SERVICE("InService"), DELETING("Deleting"), FAILED("Failed"),
    UPDATE_ROLLBACK_FAILED("UpdateRollbackFailed");

    private final String wireName;

    EndpointStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EndpointStatus> fromWire(String name) {
        for (EndpointStatus s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
