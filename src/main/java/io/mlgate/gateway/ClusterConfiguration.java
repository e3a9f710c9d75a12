package io.mlgate.gateway;

import io.mlgate.audit.AuditLog;
import io.mlgate.cluster.gateway.ClusterEvents;
import io.mlgate.cluster.gateway.ClusterGateway;
import io.mlgate.cluster.gateway.ClusterMetrics;
import io.mlgate.cluster.gateway.ClusterPlacement;
import io.mlgate.cluster.gateway.ClusterProperties;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.api.KmsService;
import io.mlgate.runtime.ExecutionRole;
import io.mlgate.runtime.UploadedModels;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.time.Clock;

/**
 * Wires runtime nodes behind the gateway when {@code mlgate.cluster.enabled=true} (docs/deployment.md "Multi-node"):
 * the {@link ClusterGateway} (CA, control port, node registry, health checks, placement), whose placement the
 * endpoint runtime then uses for every variant that is not multi-model. Cluster events go to the audit log.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterProperties.class)
public class ClusterConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "mlgate.cluster.enabled", havingValue = "true")
    ClusterGateway clusterGateway(ClusterProperties cluster, GatewayProperties properties, RootKey rootKey,
                                  KmsService kms, UploadedModels uploads, PrincipalDirectory principals,
                                  AuditLog audit, HostingAccount account, HostingProperties hosting, Clock clock,
                                  io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics)
            throws IOException {
        ClusterEvents events = new ClusterEvents(audit::append, clock, properties.region(), account.id());
        ClusterGateway gateway = new ClusterGateway(cluster.settings(), cluster.listenHost(), cluster.listenPort(),
                properties.keysDir(), properties.dataDir(), rootKey, kms, ClusterPlacement.store(uploads),
                roleArn -> new ExecutionRole(roleArn, principals::configuration).principal(), events,
                hosting.settings().queuePerWorker(), clock);
        ClusterMetrics.register(gateway.registry(), metrics);
        return gateway;
    }
}
