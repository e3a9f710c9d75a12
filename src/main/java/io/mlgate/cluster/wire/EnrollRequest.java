package io.mlgate.cluster.wire;

/** {@code POST /cluster/v1/enroll}: a node's first certificate, against a join token. */
public record EnrollRequest(String node, String joinToken, String csr) {
}
