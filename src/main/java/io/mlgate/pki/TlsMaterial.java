package io.mlgate.pki;

import java.nio.file.Path;

/**
 * The PEM files a TLS server needs: its certificate chain, its private key, and the CA certificate clients trust.
 *
 * @param generated true when the dev CA issued the pair, false when the operator supplied it
 */
public record TlsMaterial(Path certificateChain, Path privateKey, Path caCertificate, boolean generated) {}
