package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.RefusalListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.SocketAddress;
import java.util.Objects;

/**
 * Gives refusals of a TLS server the peer's address. The trust manager of a server-side TLS engine does not know the
 * remote address (Reactor Netty creates server engines without a peer host), so it reports the peer as
 * {@code "unknown"}. {@link #scope(SocketAddress)} is a handler placed before the {@code SslHandler} that names the
 * connection's remote address while the handshake bytes are processed: the engine's trust manager runs inside that
 * call on the same thread (Netty runs TLS delegated tasks inline), and this listener then reports with that address.
 * Anywhere else the peer is passed on as given.
 */
public final class PeerAddressedRefusals implements RefusalListener {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private final RefusalListener target;

    public PeerAddressedRefusals(RefusalListener target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public void refused(String peer, String identity, String reason) {
        String known = CURRENT.get();
        target.refused(known != null && (peer == null || "unknown".equals(peer)) ? known : peer, identity, reason);
    }

    /** The handler to add before the {@code SslHandler} of a connection from {@code remote}. */
    public static ChannelInboundHandlerAdapter scope(SocketAddress remote) {
        String peer = PlaintextDetector.peer(remote);
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                String previous = CURRENT.get();
                CURRENT.set(peer);
                try {
                    ctx.fireChannelRead(msg);
                } finally {
                    if (previous == null) {
                        CURRENT.remove();
                    } else {
                        CURRENT.set(previous);
                    }
                }
            }
        };
    }
}
