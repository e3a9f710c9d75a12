package io.mlgate.gateway;

import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.vpc.Topology;
import io.mlgate.vpc.TopologyReader;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Wires the simulated VPC (docs/vpc.md): with {@code mlgate.vpc.topology} set, reads and validates the topology
 * once at start (any problem stops the start, naming file, line and column) and maps every call's connection to its
 * network source; without it, calls carry aws:SourceIp as before.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VpcProperties.class)
class VpcConfiguration {

    private static final Log LOG = LogFactory.getLog(VpcConfiguration.class);

    @Bean
    NetworkSources networkSources(VpcProperties vpc, GatewayProperties properties) {
        if (vpc.topology() == null) {
            return NetworkSources.none();
        }
        Path file = vpc.topology().isAbsolute() ? vpc.topology() : properties.home().resolve(vpc.topology());
        Topology topology;
        try {
            topology = TopologyReader.read(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the VPC topology " + file + ": " + e.getMessage(), e);
        } catch (ConfigurationException e) {
            throw new IllegalStateException("the VPC topology " + file + " is invalid: " + e.getMessage(), e);
        }
        LOG.info("VPC topology '" + topology.name() + "': " + topology.vpcs().size() + " VPC(s), "
                + topology.endpoints().size() + " VPC endpoint(s)");
        return NetworkSources.of(topology);
    }
}
