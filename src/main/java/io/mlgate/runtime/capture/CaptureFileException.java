package io.mlgate.runtime.capture;

import java.io.IOException;

/**
 * A capture file that cannot be trusted: not a capture file, a header or frame that fails authentication where a
 * crash cannot explain it, a data key that does not belong to the file, or a file whose encryption context names
 * another endpoint, variant or file than where it lies. The message names the file and what is wrong, never data.
 */
public final class CaptureFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public CaptureFileException(String message) {
        super(message);
    }
}
