package io.mlgate.gateway;

import io.mlgate.sts.SessionTokenKeys;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Rotates the session-token keys on schedule from a background thread (never an event loop): once a minute it asks
 * {@link SessionTokenKeys#rotateIfDue()}, which adds a key when the newest is older than the rotation period and
 * drops keys no live session can still use. Replicas sharing keys/ coordinate through the key file's lock.
 */
public final class SessionKeyRotation implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(SessionKeyRotation.class);

    private final SessionTokenKeys keys;
    private final ScheduledExecutorService timer;

    private SessionKeyRotation(SessionTokenKeys keys) {
        this.keys = keys;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mlgate-sts-key-rotation");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static SessionKeyRotation start(SessionTokenKeys keys) {
        SessionKeyRotation rotation = new SessionKeyRotation(keys);
        rotation.timer.scheduleWithFixedDelay(rotation::rotateQuietly, 1, 1, TimeUnit.MINUTES);
        return rotation;
    }

    public SessionTokenKeys keys() {
        return keys;
    }

    private void rotateQuietly() {
        try {
            if (keys.rotateIfDue()) {
                LOG.info("rotated the session-token keys (key ids now " + keys.keyIds() + ")");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("session-token key rotation failed (" + e.getClass().getSimpleName() + "); will retry");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
