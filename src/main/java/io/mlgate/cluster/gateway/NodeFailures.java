package io.mlgate.cluster.gateway;

import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.timeout.ReadTimeoutException;
import reactor.netty.http.client.PrematureCloseException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/** Sorts the failures of calls to nodes: which mean the node (or the way to it) failed, not the request. */
final class NodeFailures {

    private NodeFailures() {
    }

    /** The connection was refused, reset or closed under the call, or its TLS handshake failed. */
    static boolean connectionLevel(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException || c instanceof PrematureCloseException
                    || c instanceof ClosedChannelException || c instanceof SSLException
                    || c instanceof Http2Exception) {
                return true;
            }
            if (c instanceof IOException && c.getMessage() != null && c.getMessage().contains("reset")) {
                return true;
            }
        }
        return false;
    }

    /** Any failure before a response arrived: connection-level, a timeout, or another I/O error. */
    static boolean nodeLevel(Throwable t) {
        if (connectionLevel(t)) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof TimeoutException || c instanceof ReadTimeoutException || c instanceof IOException
                    || c instanceof IllegalStateException) {
                return true;
            }
        }
        return false;
    }

    /** A short, secret-free description for logs and audit. */
    static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c
                && (c instanceof java.util.concurrent.CompletionException || c.getClass().getName()
                .startsWith("reactor.core.Exceptions"))) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName();
    }
}
