package io.mlgate.cluster.wire;

/** An issued certificate: the chain in PEM (leaf first), the cluster CA in PEM, and the leaf's notAfter (ISO-8601). */
public record CertificateResponse(String certificateChain, String caCertificate, String notAfter) {
}
