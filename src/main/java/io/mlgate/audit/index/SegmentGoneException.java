package io.mlgate.audit.index;

import java.io.IOException;

/** A log file changed state under a lookup (compressed, removed by retention); the lookup starts again. */
final class SegmentGoneException extends IOException {
    SegmentGoneException(String logName) {
        super("log file " + logName + " changed during the lookup", null);
    }
}
