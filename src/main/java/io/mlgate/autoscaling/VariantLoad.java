package io.mlgate.autoscaling;

import java.util.Optional;

/**
 * What the scaler measures of a serving variant: how many calls its instances have completed so far (a counter
 * that only grows while the variant's workers live; a smaller value means the variant was redeployed) and how many
 * instances serve it now. In the gateway this reads {@code VariantWorkers.completed()} and {@code size()} from the
 * endpoint registry, without blocking.
 */
@FunctionalInterface
public interface VariantLoad {

    /** One reading of a variant's counter. */
    record Sample(long completed, int instances) {
        public Sample {
            if (completed < 0 || instances < 0) {
                throw new IllegalArgumentException("negative sample");
            }
        }
    }

    /** The variant's counter now; empty if it is not served here (no such endpoint, or not deployed yet). */
    Optional<Sample> sample(String accountId, String endpointName, String variantName);
}
