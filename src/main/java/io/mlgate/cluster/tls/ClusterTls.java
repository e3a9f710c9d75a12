package io.mlgate.cluster.tls;

import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.cluster.pki.PeerRule;
import io.mlgate.cluster.pki.PeerVerifier;
import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.pki.RevocationCheck;
import io.mlgate.cluster.pki.SpiffeId;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.ResumableX509ExtendedTrustManager;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import reactor.netty.ChannelPipelineConfigurer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TLS 1.3-only Netty contexts for cluster connections (ALPN h2, JDK provider, AEAD suites).
 *
 * <p>The key manager reads the {@link CredentialHolder} on every handshake, so a renewal is presented to new
 * connections at once. The trust manager runs a {@link PeerVerifier}; when it refuses, it tells the
 * {@link RefusalListener} (peer {@code host:port} from the SSL engine, the identity the peer claimed if readable, and
 * the reason) and then fails the handshake.
 *
 * <p>Plaintext bytes on a TLS port never reach a trust manager: a listener owner installs
 * {@link #refusalReporter(RefusalListener)} with {@code HttpServer.doOnChannelInit(...)} so that such connections are
 * reported as {@value #PLAINTEXT} (the same hook gives server-side refusals the peer's address).
 *
 * <p>Sessions are never resumed (see {@link #NO_TICKETS_SESSION_TIMEOUT}): every connection runs the full handshake,
 * so expiry, revocation and renewal apply to each new connection.
 */
public final class ClusterTls {

    /** The only protocol version. */
    public static final String TLS_1_3 = "TLSv1.3";
    /** TLS 1.3 AEAD suites, in order of preference. */
    public static final List<String> CIPHERS = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");
    /** The reason reported for plaintext bytes on a TLS port. */
    public static final String PLAINTEXT = "plaintext connection";
    /** The pipeline name of the handler {@link #refusalReporter} installs. */
    public static final String REPORTER_NAME = "mlgate.cluster.refusalReporter";

    private static final ApplicationProtocolConfig ALPN_H2 = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2);

    private ClusterTls() {
    }

    /**
     * A server context presenting {@code credentials}' current certificate.
     *
     * @param requireClientCertificate true on node data ports; false on the gateway control port (enroll has none),
     *                                 where a presented certificate is still verified
     */
    public static SslContext server(CredentialHolder credentials, PeerVerifier clients, RefusalListener refusals,
                                    boolean requireClientCertificate) {
        Objects.requireNonNull(credentials, "credentials");
        try {
            return new PeerTaggingSslContext(common(SslContextBuilder.forServer(new HolderKeyManager(credentials)))
                    .trustManager(new VerifyingTrustManager(clients, refusals))
                    .clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                    .build());
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the cluster TLS server context", e);
        }
    }

    /** A client context presenting {@code credentials} and accepting only servers {@code servers} accepts. */
    public static SslContext client(CredentialHolder credentials, PeerVerifier servers, RefusalListener refusals) {
        Objects.requireNonNull(credentials, "credentials");
        try {
            return common(SslContextBuilder.forClient())
                    .keyManager(new HolderKeyManager(credentials))
                    .trustManager(new VerifyingTrustManager(servers, refusals))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the cluster TLS client context", e);
        }
    }

    /** A client context without a certificate that accepts only a CA with this fingerprint (enrollment). */
    public static SslContext enrollmentClient(String caFingerprint, RefusalListener refusals) {
        Objects.requireNonNull(caFingerprint, "caFingerprint");
        try {
            return common(SslContextBuilder.forClient())
                    .trustManager(new PinnedCaTrustManager(caFingerprint, refusals, Clock.systemUTC()))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the cluster TLS enrollment context", e);
        }
    }

    /** The verified identity of the peer of an established session, if it presented one. */
    public static Optional<SpiffeId> peerIdentity(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        if (peer == null || peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        return PeerVerifier.identityOf(leaf);
    }

    /**
     * The verified identity of the peer of a TLS channel (or of an HTTP/2 stream channel: the parents are searched
     * for the {@link SslHandler}), if it presented one.
     */
    public static Optional<SpiffeId> peerIdentity(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            SslHandler ssl = c.pipeline().get(SslHandler.class);
            if (ssl != null) {
                return peerIdentity(ssl.engine().getSession());
            }
        }
        return Optional.empty();
    }

    /**
     * A hook for TLS listeners ({@code HttpServer.doOnChannelInit(ClusterTls.refusalReporter(listener))}, after
     * {@code .secure(...)}): it adds a handler after the {@link SslHandler} that reports a connection whose first
     * bytes are not TLS as {@value #PLAINTEXT} with the remote address, and tells the server trust manager that
     * address (Reactor Netty makes server engines without it; see {@link PeerTaggingSslContext}), so its refusals
     * name the peer instead of "unknown". Handshakes refused by the trust manager are reported by the trust manager
     * itself, so they are not reported twice. Does nothing on a channel without TLS.
     */
    public static ChannelPipelineConfigurer refusalReporter(RefusalListener refusals) {
        Objects.requireNonNull(refusals, "refusals");
        return (observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            ChannelHandlerContext ssl = pipeline.context(SslHandler.class);
            if (ssl == null || pipeline.get(REPORTER_NAME) != null) {
                return;
            }
            String peer = address(remoteAddress != null ? remoteAddress : channel.remoteAddress());
            String host = ((SslHandler) ssl.handler()).engine().getPeerHost();
            String tag = host != null && host.startsWith(TAG) ? host : null;
            if (tag != null) {
                TAGGED_PEERS.put(tag, peer);
            }
            pipeline.addAfter(ssl.name(), REPORTER_NAME, new PlaintextReporter(refusals, peer, tag));
        };
    }

    /** {@code host:port} of a socket address, or "unknown". */
    static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return "unknown";
    }

    private static SslContextBuilder common(SslContextBuilder builder) {
        return builder.sslProvider(SslProvider.JDK)
                .protocols(TLS_1_3)
                .ciphers(CIPHERS, IdentityCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(ALPN_H2)
                .sessionTimeout(NO_TICKETS_SESSION_TIMEOUT);
    }

    /**
     * No session resumption: a resumed TLS 1.3 session would skip the trust manager (expiry, revocation) and keep the
     * old client certificate after a renewal. The JDK sends no session ticket when the server's session timeout is
     * longer than the longest ticket lifetime (7 days, RFC 8446), so nothing can be resumed; the trust managers also
     * re-verify a resumed session, should one happen anyway ({@link ResumableX509ExtendedTrustManager}).
     */
    static final long NO_TICKETS_SESSION_TIMEOUT = 604_800L + 1;

    /** Prefix of the placeholder peer host of server engines (see {@link PeerTaggingSslContext}). */
    private static final String TAG = "mlgate-connection-";
    private static final AtomicLong TAGS = new AtomicLong();
    /** Placeholder peer host → remote address of the channel, while the connection is open. */
    private static final Map<String, String> TAGGED_PEERS = new ConcurrentHashMap<>();

    private static String peerOf(SSLEngine engine) {
        if (engine == null || engine.getPeerHost() == null) {
            return "unknown";
        }
        String host = engine.getPeerHost();
        if (host.startsWith(TAG)) {
            return TAGGED_PEERS.getOrDefault(host, "unknown");
        }
        return host + ":" + engine.getPeerPort();
    }

    /**
     * The server context: Reactor Netty makes server engines without the peer's address, so the trust manager could
     * not say who was refused. This context gives each server engine a unique placeholder peer host; the
     * {@link #refusalReporter} hook, which sees the channel, maps it to the remote address until the channel closes.
     * The placeholder is never used for anything else (servers do not look sessions up by peer host).
     */
    static final class PeerTaggingSslContext extends SslContext {
        private final SslContext delegate;

        PeerTaggingSslContext(SslContext delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean isClient() {
            return delegate.isClient();
        }

        @Override
        public List<String> cipherSuites() {
            return delegate.cipherSuites();
        }

        @Override
        public long sessionCacheSize() {
            return delegate.sessionCacheSize();
        }

        @Override
        public long sessionTimeout() {
            return delegate.sessionTimeout();
        }

        @Override
        @SuppressWarnings("deprecation")
        public io.netty.handler.ssl.ApplicationProtocolNegotiator applicationProtocolNegotiator() {
            return delegate.applicationProtocolNegotiator();
        }

        @Override
        public SSLEngine newEngine(ByteBufAllocator alloc) {
            return delegate.newEngine(alloc, TAG + TAGS.incrementAndGet(), 0);
        }

        @Override
        public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
            return delegate.newEngine(alloc, peerHost, peerPort);
        }

        @Override
        protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls) {
            return delegate.newHandler(alloc, TAG + TAGS.incrementAndGet(), 0);
        }

        @Override
        protected SslHandler newHandler(ByteBufAllocator alloc, boolean startTls, Executor executor) {
            return delegate.newHandler(alloc, TAG + TAGS.incrementAndGet(), 0, executor);
        }

        @Override
        public SSLSessionContext sessionContext() {
            return delegate.sessionContext();
        }
    }

    private static String peerOf(Socket socket) {
        return socket == null ? "unknown" : address(socket.getRemoteSocketAddress());
    }

    /** Reports plaintext bytes on a TLS port (one report per connection). */
    private static final class PlaintextReporter extends ChannelInboundHandlerAdapter {
        private final RefusalListener refusals;
        private final String peer;
        private final String tag;
        private boolean reported;

        PlaintextReporter(RefusalListener refusals, String peer, String tag) {
            this.refusals = refusals;
            this.peer = peer;
            this.tag = tag;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            forget();
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            forget();
        }

        private void forget() {
            if (tag != null) {
                TAGGED_PEERS.remove(tag);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                report(done.cause());
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            report(cause);
            super.exceptionCaught(ctx, cause);
        }

        private void report(Throwable cause) {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof NotSslRecordException) {
                    if (!reported) {
                        reported = true;
                        safely(refusals, peer, null, PLAINTEXT);
                    }
                    return;
                }
            }
        }
    }

    private static void safely(RefusalListener refusals, String peer, String identity, String reason) {
        try {
            refusals.refused(peer, identity, reason);
        } catch (RuntimeException listenerFailed) {
            // A listener's failure must not turn a refusal into an acceptance or hide the reason from the peer.
        }
    }

    /** Presents the holder's current credentials; the alias names the certificate so key and chain always match. */
    static final class HolderKeyManager extends X509ExtendedKeyManager {
        private final CredentialHolder holder;
        private final Map<String, ClusterCredentials> recent = new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ClusterCredentials> eldest) {
                return size() > 4;
            }
        };

        HolderKeyManager(CredentialHolder holder) {
            this.holder = holder;
        }

        private String choose(String... keyTypes) {
            ClusterCredentials now = holder.current();
            String algorithm = now.privateKey().getAlgorithm();
            if (keyTypes != null) {
                for (String type : keyTypes) {
                    if (algorithm.equals(type)) {
                        String alias = "mlgate-" + now.leaf().getSerialNumber().toString(16);
                        synchronized (recent) {
                            recent.put(alias, now);
                        }
                        return alias;
                    }
                }
            }
            return null;
        }

        private ClusterCredentials of(String alias) {
            synchronized (recent) {
                ClusterCredentials c = recent.get(alias);
                if (c != null) {
                    return c;
                }
            }
            ClusterCredentials now = holder.current();
            return ("mlgate-" + now.leaf().getSerialNumber().toString(16)).equals(alias) ? now : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            String alias = choose(keyType);
            return alias == null ? null : new String[] {alias};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return choose(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            String alias = choose(keyType);
            return alias == null ? null : new String[] {alias};
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return choose(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            ClusterCredentials c = of(alias);
            return c == null ? null : c.chain().toArray(new X509Certificate[0]);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            ClusterCredentials c = of(alias);
            return c == null ? null : c.privateKey();
        }

        @Override
        public String toString() {
            return "HolderKeyManager[" + holder.current() + "]";
        }
    }

    /** Runs a {@link PeerVerifier} on the peer's chain; reports a refusal before failing the handshake. */
    static final class VerifyingTrustManager extends X509ExtendedTrustManager
            implements ResumableX509ExtendedTrustManager {
        private final PeerVerifier verifier;
        private final RefusalListener refusals;

        VerifyingTrustManager(PeerVerifier verifier, RefusalListener refusals) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            this.refusals = Objects.requireNonNull(refusals, "refusals");
        }

        private void check(X509Certificate[] chain, String peer) throws CertificateException {
            try {
                verifier.verify(chain);
            } catch (CertificateException refused) {
                String identity = chain == null || chain.length == 0 || chain[0] == null ? null
                        : PeerVerifier.identityOf(chain[0]).map(SpiffeId::uri).orElse(null);
                safely(refusals, peer, identity, refused.getMessage());
                throw refused;
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, peerOf(socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, peerOf(engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, "unknown");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, peerOf(socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, peerOf(engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, "unknown");
        }

        @Override
        public void resumeClientTrusted(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
            check(chain, peerOf(engine));
        }

        @Override
        public void resumeServerTrusted(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
            check(chain, peerOf(engine));
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[] {verifier.trustAnchor()};
        }
    }

    /**
     * Enrollment: trusts a server chain only if its CA (the last certificate, which must be a self-signed CA) has the
     * pinned SHA-256 fingerprint, and the chain then passes a {@link PeerVerifier} anchored there that accepts any
     * gateway identity.
     */
    static final class PinnedCaTrustManager extends X509ExtendedTrustManager
            implements ResumableX509ExtendedTrustManager {
        private final byte[] pinned;
        private final RefusalListener refusals;
        private final Clock clock;

        PinnedCaTrustManager(String caFingerprint, RefusalListener refusals, Clock clock) {
            this.pinned = caFingerprint.getBytes(StandardCharsets.US_ASCII);
            this.refusals = Objects.requireNonNull(refusals, "refusals");
            this.clock = clock;
        }

        private void check(X509Certificate[] chain, String peer) throws CertificateException {
            String identity = chain == null || chain.length == 0 || chain[0] == null ? null
                    : PeerVerifier.identityOf(chain[0]).map(SpiffeId::uri).orElse(null);
            try {
                if (chain == null || chain.length < 2) {
                    throw new CertificateException(PeerVerifier.UNKNOWN_CA);
                }
                X509Certificate ca = chain[chain.length - 1];
                byte[] actual = ClusterCa.fingerprint(ca).getBytes(StandardCharsets.US_ASCII);
                if (!MessageDigest.isEqual(actual, pinned) || ca.getBasicConstraints() < 0) {
                    throw new CertificateException(PeerVerifier.UNKNOWN_CA);
                }
                new PeerVerifier(ca, RevocationCheck.NONE, clock, PeerRule.anyOf(SpiffeId.Kind.GATEWAY)).verify(chain);
            } catch (CertificateException refused) {
                safely(refusals, peer, identity, refused.getMessage());
                throw refused;
            } catch (RuntimeException malformed) {
                safely(refusals, peer, identity, PeerVerifier.UNKNOWN_CA);
                throw new CertificateException(PeerVerifier.UNKNOWN_CA);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, peerOf(socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, peerOf(engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, "unknown");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("an enrollment context trusts no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("an enrollment context trusts no client");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("an enrollment context trusts no client");
        }

        @Override
        public void resumeServerTrusted(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
            check(chain, peerOf(engine));
        }

        @Override
        public void resumeClientTrusted(X509Certificate[] chain, SSLEngine engine) throws CertificateException {
            throw new CertificateException("an enrollment context trusts no client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
