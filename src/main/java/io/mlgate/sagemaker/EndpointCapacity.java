package io.mlgate.sagemaker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What Application Auto Scaling reads of an endpoint through {@link SageMakerService#capacity}: its name as created
 * (the ARN lower-cases it), whether it can be scaled now (InService with no deployment in progress), and the
 * DesiredInstanceCount of each production variant of the configuration it serves, in declaration order.
 */
public record EndpointCapacity(String endpointName, String endpointArn, boolean inService,
                               Map<String, Integer> desiredInstanceCounts) {

    public EndpointCapacity {
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(endpointArn, "endpointArn");
        desiredInstanceCounts = Collections.unmodifiableMap(new LinkedHashMap<>(desiredInstanceCounts));
    }
}
