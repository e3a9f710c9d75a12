package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.RefusalListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Sits after the {@code SslHandler} of a TLS-only listener and reports a peer that speaks plaintext there (the
 * handler fails with {@link NotSslRecordException}) to the {@link RefusalListener} as {@code "plaintext connection"},
 * once per connection, then closes it. Handshake refusals (unknown CA, expired, wrong identity) are reported by the
 * trust manager of {@code ClusterTls} itself.
 */
public final class PlaintextDetector extends ChannelInboundHandlerAdapter {

    /** The reason reported for plaintext bytes on a TLS port. */
    public static final String PLAINTEXT = "plaintext connection";

    private final RefusalListener refusals;
    private boolean reported;

    public PlaintextDetector(RefusalListener refusals) {
        this.refusals = refusals == null ? RefusalListener.NONE : refusals;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!reported && isPlaintext(cause)) {
            reported = true;
            try {
                refusals.refused(peer(ctx.channel().remoteAddress()), null, PLAINTEXT);
            } catch (RuntimeException ignored) {
                // a listener's failure must not keep the connection open
            }
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    static boolean isPlaintext(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    static String peer(SocketAddress address) {
        if (address instanceof InetSocketAddress a) {
            return HostPort.of(a).toString();
        }
        return "unknown";
    }
}
