package io.mlgate.audit.integrity;

import java.io.IOException;

/**
 * Thrown by the digest writer or retention when the folder's chain is not in a state they may continue from (head
 * names a digest that is gone, the newest digest is not validly signed): continuing would overwrite the evidence, so
 * an operator must run {@code mlgate audit validate} first.
 */
public final class BrokenChainException extends IOException {

    private static final long serialVersionUID = 1L;

    public BrokenChainException(String message) {
        super(message);
    }
}
