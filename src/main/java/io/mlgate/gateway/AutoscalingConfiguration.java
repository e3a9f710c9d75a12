package io.mlgate.gateway;

import io.mlgate.autoscaling.Autoscaler;
import io.mlgate.autoscaling.AutoscalingService;
import io.mlgate.autoscaling.AutoscalingState;
import io.mlgate.autoscaling.ScalableVariants;
import io.mlgate.autoscaling.VariantLoad;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.ProductionVariant;
import io.mlgate.sagemaker.SageMakerService;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Wires Application Auto Scaling (docs/autoscaling.md): its state in {@code data/autoscaling/state.json}, the scaler
 * thread, which reads each variant's completed-call counter from the endpoint registry InvokeEndpoint uses and
 * changes capacity through the SageMaker control plane, and the {@code AnyScaleFrontendService.*} JSON service (routed
 * like every {@code JsonService} bean).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AutoscalingProperties.class)
public class AutoscalingConfiguration {

    /**
     * The load of a served variant: its workers' (or remote instances') completed calls and their number (inline
     * variants: none).
     */
    static VariantLoad variantLoad(EndpointRegistry registry) {
        return (account, endpoint, variant) -> !account.equals(registry.accountId()) ? Optional.empty()
                : registry.find(endpoint).flatMap(e -> e.variant(variant)).flatMap(v -> v.remote() != null
                        ? Optional.of(new VariantLoad.Sample(v.remote().completed(), v.remote().instances()))
                        : Optional.ofNullable(v.workers()).map(w -> new VariantLoad.Sample(w.completed(), w.size())));
    }

    @Bean(destroyMethod = "close")
    Autoscaler autoscaler(GatewayProperties properties, AutoscalingProperties autoscaling, SageMakerService sageMaker,
                          EndpointCatalog catalog, Clock clock) throws IOException {
        Autoscaler scaler = new Autoscaler(AutoscalingState.open(properties.dataDir()), ScalableVariants.of(sageMaker),
                variantLoad(catalog.registry()), clock, autoscaling.settings());
        scaler.start();
        return scaler;
    }

    @Bean
    AutoscalingService autoscalingService(Autoscaler scaler, SageMakerService sageMaker, PolicyEvaluator evaluator,
                                          PrincipalDirectory principals, Clock clock, GatewayProperties properties) {
        return new AutoscalingService(scaler, ScalableVariants.of(sageMaker), evaluator,
                account -> principals.configuration().resourceControlPolicies(account), clock, properties.region());
    }
}
