package io.mlgate.cluster.pki;

import java.security.cert.X509Certificate;

/** Whether a certificate (by serial or identity) has been revoked; answered from memory. */
@FunctionalInterface
public interface RevocationCheck {

    RevocationCheck NONE = cert -> false;

    boolean isRevoked(X509Certificate certificate);
}
