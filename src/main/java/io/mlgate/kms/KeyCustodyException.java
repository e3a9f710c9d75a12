package io.mlgate.kms;

/**
 * Thrown when a key or secret held under keys/ cannot be loaded, created or opened: a wrong passphrase, a tampered
 * keystore entry, a sealed value that fails authentication, or a key that is missing or disabled.
 * Messages name keys and files, never key material.
 */
public class KeyCustodyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public KeyCustodyException(String message) {
        super(message);
    }

    public KeyCustodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
