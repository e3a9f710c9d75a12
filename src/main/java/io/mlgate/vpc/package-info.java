/**
 * The simulated VPC (docs/vpc.md): a {@link io.mlgate.vpc.Topology} read strictly from JSON by
 * {@link io.mlgate.vpc.TopologyReader}; the {@link io.mlgate.vpc.SourceMapper} that turns a connection's remote and
 * local address into aws:SourceVpc / aws:SourceVpce / aws:VpcSourceIp or aws:SourceIp; and the plan
 * ({@link io.mlgate.vpc.NetnsPlan}) and runner ({@link io.mlgate.vpc.NetnsRunner}) that realise a topology with Linux
 * network namespaces, veth pairs, bridges and nftables ({@code ./mlgate vpc}). Core: no Spring, no Netty.
 */
package io.mlgate.vpc;
