package io.mlgate.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/**
 * The simulated VPC ({@code mlgate.vpc.*}, docs/vpc.md).
 *
 * @param topology the topology file whose VPC endpoints map callers to aws:SourceVpc / aws:SourceVpce and whose
 *                 endpoint policies the gateway enforces; unset: every call carries aws:SourceIp, as before. A
 *                 relative path resolves against {@code mlgate.home}. Read once at start; an invalid file stops it.
 */
@ConfigurationProperties("mlgate.vpc")
public record VpcProperties(Path topology) {
}
