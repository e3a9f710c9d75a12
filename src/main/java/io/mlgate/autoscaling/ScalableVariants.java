package io.mlgate.autoscaling;

import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.sagemaker.EndpointCapacity;
import io.mlgate.sagemaker.SageMakerService;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The SageMaker control plane as Application Auto Scaling uses it: read an endpoint's variants and their
 * DesiredInstanceCount, change one (as UpdateEndpointWeightsAndCapacities does, so DescribeEndpoint shows it), and
 * the endpoint's tags for the permission check. An interface so that the scaling rule can be tested without
 * deployments.
 */
public interface ScalableVariants {

    /** The endpoint of that name in the account, if there is one. */
    Optional<EndpointCapacity> endpoint(String accountId, String endpointName);

    /**
     * Sets a variant's DesiredInstanceCount.
     *
     * @throws JsonServiceException with SageMaker's reason when it refuses (endpoint updating, over the limit, ...)
     */
    void setDesiredInstanceCount(String accountId, String endpointName, String variantName, int count)
            throws JsonServiceException;

    /** The endpoint's tags (for {@code aws:ResourceTag/*} in the dependent permission check). */
    Map<String, String> endpointTags(String endpointArn);

    /** The variants of the SageMaker control plane. */
    static ScalableVariants of(SageMakerService sageMaker) {
        Objects.requireNonNull(sageMaker, "sageMaker");
        return new ScalableVariants() {
            @Override
            public Optional<EndpointCapacity> endpoint(String accountId, String endpointName) {
                return sageMaker.capacity(accountId, endpointName);
            }

            @Override
            public void setDesiredInstanceCount(String accountId, String endpointName, String variantName, int count)
                    throws JsonServiceException {
                sageMaker.setDesiredInstanceCount(accountId, endpointName, variantName, count);
            }

            @Override
            public Map<String, String> endpointTags(String endpointArn) {
                return sageMaker.resourceTags(endpointArn);
            }
        };
    }
}
