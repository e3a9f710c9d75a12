package io.mlgate.cluster.gateway;

import io.mlgate.cluster.pki.RefusalListener;
import reactor.netty.ChannelPipelineConfigurer;

/** The TLS hooks of the gateway's listeners that the TLS package provides. */
final class ClusterGatewayTls {

    private ClusterGatewayTls() {
    }

    /** Reports plaintext connections to a TLS listener as refusals (null until the TLS package offers it). */
    static ChannelPipelineConfigurer plaintextReporter(RefusalListener refusals) {
        return null;
    }
}
