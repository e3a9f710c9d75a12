package io.mlgate.cluster.wire;

/** {@code POST /cluster/v1/renew}: a new certificate for the identity of the client certificate. */
public record RenewRequest(String csr) {
}
