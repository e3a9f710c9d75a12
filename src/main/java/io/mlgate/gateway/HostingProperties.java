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
 */
@ConfigurationProperties("mlgate.hosting")
public record HostingProperties(Duration updateGrace, Integer queuePerInstance, DataSize multiModelCacheSize,
                                Integer maxInstancesPerVariant) {

    public HostingProperties {
        EmbeddedEndpointRuntime.Settings d = EmbeddedEndpointRuntime.Settings.defaults();
        updateGrace = updateGrace == null ? d.grace() : updateGrace;
        queuePerInstance = queuePerInstance == null ? d.queuePerWorker() : queuePerInstance;
        multiModelCacheSize = multiModelCacheSize == null ? DataSize.ofBytes(d.multiModelBudgetBytes())
                : multiModelCacheSize;
        maxInstancesPerVariant = maxInstancesPerVariant == null ? d.maxInstances() : maxInstancesPerVariant;
    }

    EmbeddedEndpointRuntime.Settings settings() {
        return new EmbeddedEndpointRuntime.Settings(updateGrace, queuePerInstance, multiModelCacheSize.toBytes(),
                maxInstancesPerVariant);
    }
}
