package io.mlgate.cluster.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * Revoked identities and serial numbers, persisted in a JSON file ({@code data/cluster/revoked.json}, fsynced,
 * crash-safe) and answered from memory. A revoked identity is refused at handshake, enrollment and renewal.
 */
public final class RevocationList implements RevocationCheck {

    private RevocationList() {
    }

    /** Reads the file (missing = nothing revoked). */
    public static RevocationList open(Path file) throws IOException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    public void revokeIdentity(SpiffeId id, String reason) throws IOException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    public void revokeSerial(BigInteger serial, String reason) throws IOException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    public boolean isRevoked(SpiffeId id) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    /** Re-reads the file if another process (the CLI) changed it; true if it did. */
    public boolean reloadIfChanged() throws IOException {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }

    @Override
    public boolean isRevoked(X509Certificate certificate) {
        throw new UnsupportedOperationException("cluster PKI not built yet");
    }
}
