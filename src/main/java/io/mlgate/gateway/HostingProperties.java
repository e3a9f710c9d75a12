package io.mlgate.gateway;

import io.mlgate.runtime.EmbeddedEndpointRuntime;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * Settings of the endpoints the SageMaker control plane deploys ({@code mlgate.hosting.*}).
 *
 * @param updateGrace          how long the models of a replaced deployment stay open for calls already routed to
 *                             them (default 30 s)
 * @param queuePerInstance     calls that may wait per instance (worker) of a variant before new calls get
 *                             ThrottlingException (default 64)
 * @param multiModelCacheSize  memory budget of each multi-model variant's model cache (default 512MB)
 * @param maxInstancesPerVariant the most instances (workers) a variant may have (default 16)
 * @param approvedPackagesOnly only models made from Approved model packages may be deployed (default false)
 * @param separateApprover     a package's registrant may not approve it (default true)
 */
@ConfigurationProperties("mlgate.hosting")
public record HostingProperties(Duration updateGrace, Integer queuePerInstance, DataSize multiModelCacheSize,
                                Integer maxInstancesPerVariant, Boolean approvedPackagesOnly,
                                Boolean separateApprover) {

    public HostingProperties {
        EmbeddedEndpointRuntime.Settings d = EmbeddedEndpointRuntime.Settings.defaults();
        updateGrace = updateGrace == null ? d.grace() : updateGrace;
        queuePerInstance = queuePerInstance == null ? d.queuePerWorker() : queuePerInstance;
        multiModelCacheSize = multiModelCacheSize == null ? DataSize.ofBytes(d.multiModelBudgetBytes())
                : multiModelCacheSize;
        maxInstancesPerVariant = maxInstancesPerVariant == null ? d.maxInstances() : maxInstancesPerVariant;
        io.mlgate.sagemaker.RegistryGuardrail g = io.mlgate.sagemaker.RegistryGuardrail.defaults();
        approvedPackagesOnly = approvedPackagesOnly == null ? g.approvedPackagesOnly() : approvedPackagesOnly;
        separateApprover = separateApprover == null ? g.separateApprover() : separateApprover;
    }

    io.mlgate.sagemaker.RegistryGuardrail guardrail() {
        return new io.mlgate.sagemaker.RegistryGuardrail(approvedPackagesOnly, separateApprover);
    }

    EmbeddedEndpointRuntime.Settings settings() {
        return new EmbeddedEndpointRuntime.Settings(updateGrace, queuePerInstance, multiModelCacheSize.toBytes(),
                maxInstancesPerVariant);
    }
}
