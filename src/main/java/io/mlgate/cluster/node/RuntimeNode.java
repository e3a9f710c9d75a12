package io.mlgate.cluster.node;

import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.cluster.pki.InvalidJoinTokenException;
import io.mlgate.cluster.pki.PeerRule;
import io.mlgate.cluster.pki.PeerVerifier;
import io.mlgate.cluster.pki.RefusalListener;
import io.mlgate.cluster.pki.RevocationCheck;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.cluster.tls.CertificateRenewer;
import io.mlgate.cluster.tls.ClusterTls;
import io.mlgate.cluster.wire.RegisterRequest;
import reactor.netty.DisposableServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A runtime node process ({@code ./mlgate node}): credentials (reused from the node's home, else enrolled with the
 * join token), the certificate renewer, the data port (TLS 1.3 with a required gateway certificate, h2c only if
 * asked), placements whose data keys come from the gateway's control port, refusal forwarding, and registration with
 * heartbeats. {@link #close()} stops cleanly: new calls get 503 {@code Draining}, calls in flight get up to
 * {@value #DRAIN_SECONDS} s, then the listeners and models close.
 */
public final class RuntimeNode implements AutoCloseable {

    static final int DRAIN_SECONDS = 10;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RuntimeNode.class);

    private final NodeSettings settings;
    private final String bootId;
    private final ControlClient control;
    private final CertificateRenewer renewer;
    private final RefusalForwarder refusals;
    private final NodeServer server;
    private final HostPort tlsAddress;
    private final HostPort plaintextAddress;
    private final Registrar registrar;
    private final CredentialHolder holder;
    private boolean closed;

    private RuntimeNode(NodeSettings settings, String bootId, ControlClient control, CertificateRenewer renewer,
                        RefusalForwarder refusals, NodeServer server, HostPort tlsAddress,
                        HostPort plaintextAddress, Registrar registrar, CredentialHolder holder) {
        this.settings = settings;
        this.bootId = bootId;
        this.control = control;
        this.renewer = renewer;
        this.refusals = refusals;
        this.server = server;
        this.tlsAddress = tlsAddress;
        this.plaintextAddress = plaintextAddress;
        this.registrar = registrar;
        this.holder = holder;
    }

    /**
     * Starts the node: credentials, listeners, registration (in the background, retried until the gateway answers).
     *
     * @throws IOException              if the credentials cannot be read or written, or a port cannot be bound
     * @throws InvalidJoinTokenException if enrollment is needed and the token is malformed
     * @throws ControlException         if enrollment is needed and the gateway refuses it or cannot be reached
     */
    public static RuntimeNode start(NodeSettings settings, Clock clock) throws IOException,
            InvalidJoinTokenException, ControlException {
        Objects.requireNonNull(settings, "settings");
        String bootId = UUID.randomUUID().toString();
        SpiffeId id = settings.identity();
        NodeCredentials files = new NodeCredentials(settings.home(), id, clock);
        RefusalListener clientRefusals = (peer, identity, reason) -> LOG.warn(
                "the gateway at " + peer + " was refused" + (identity == null ? "" : " (" + identity + ")") + ": "
                        + reason);
        NodeCredentials.Stored stored = files.load().orElse(null);
        if (stored != null) {
            LOG.info("node " + settings.name() + ": reusing credentials in "
                    + files.directory() + " (valid until " + stored.credentials().notAfter() + ")");
        } else {
            if (settings.joinToken() == null) {
                throw new ControlException(0, "NoCredentials", "node " + settings.name()
                        + " has no valid credentials in " + files.directory()
                        + " and no join token (--join-token or --join-token-file)");
            }
            String pinned = io.mlgate.cluster.pki.JoinTokens.caFingerprint(settings.joinToken());
            try (ControlClient enrollment = ControlClient.tls(settings.gateway(),
                    ClusterTls.enrollmentClient(pinned, clientRefusals), Duration.ofSeconds(30))) {
                stored = files.enroll(settings.joinToken(), enrollment);
            }
            LOG.info("node " + settings.name() + ": enrolled, credentials in "
                    + files.directory() + " (valid until " + stored.credentials().notAfter() + ")");
        }
        CredentialHolder holder = new CredentialHolder(stored.credentials());
        PeerVerifier gateways = new PeerVerifier(stored.ca(), RevocationCheck.NONE, clock,
                PeerRule.anyOf(SpiffeId.Kind.GATEWAY));
        ControlClient control = ControlClient.tls(settings.gateway(),
                ClusterTls.client(holder, gateways, clientRefusals), Duration.ofSeconds(30));
        CertificateRenewer renewer = null;
        RefusalForwarder refusals = null;
        NodeServer server = null;
        try {
            renewer = new CertificateRenewer("node " + settings.name(), holder,
                    fresh -> files.renew(fresh, control), clock);
            renewer.start();
            refusals = new RefusalForwarder(RefusalForwarder.to(control)).start();
            Placements placements = new Placements(role -> new GatewayDataKeys(control, role));
            server = new NodeServer(new NodeServer.Identity(settings.name(), settings.zone(), bootId), placements);
            DisposableServer tls = server.bindTls(settings.listen(),
                    ClusterTls.server(holder, gateways, refusals, true), refusals);
            HostPort tlsAddress = bound(settings.listen(), tls);
            HostPort plaintextAddress = null;
            if (settings.plaintextListen() != null) {
                plaintextAddress = bound(settings.plaintextListen(), server.bindPlaintext(settings.plaintextListen()));
            }
            HostPort advertised = settings.advertise() != null ? settings.advertise() : tlsAddress;
            HostPort advertisedPlaintext = plaintextAddress == null ? null
                    : settings.advertise() != null && wildcard(plaintextAddress.host())
                    ? new HostPort(settings.advertise().host(), plaintextAddress.port()) : plaintextAddress;
            LOG.info("node " + settings.name() + " started: zone " + settings.zone()
                    + (settings.subnet() == null ? "" : ", subnet " + settings.subnet())
                    + ", data port " + tlsAddress + " (TLS 1.3, gateway certificate required)"
                    + (plaintextAddress == null ? ", no plaintext port"
                    : ", plaintext port " + plaintextAddress + " (h2c, unencrypted)")
                    + ", advertised " + advertised + ", gateway " + settings.gateway()
                    + (settings.isolated() ? ", isolated" : "") + ", boot " + bootId);
            Registrar registrar = new Registrar(Registrar.to(control), new RegisterRequest(settings.zone(),
                    settings.subnet(), advertised.toString(),
                    advertisedPlaintext == null ? null : advertisedPlaintext.toString(), bootId,
                    settings.isolated())).start();
            return new RuntimeNode(settings, bootId, control, renewer, refusals, server, tlsAddress,
                    plaintextAddress, registrar, holder);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (refusals != null) {
                refusals.close();
            }
            if (renewer != null) {
                renewer.close();
            }
            control.close();
            throw e;
        }
    }

    private static boolean wildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** The address actually bound (port 0 becomes the chosen port). */
    private static HostPort bound(HostPort asked, DisposableServer server) {
        if (server.address() instanceof InetSocketAddress a) {
            return new HostPort(asked.host(), a.getPort());
        }
        return asked;
    }

    public String bootId() {
        return bootId;
    }

    public HostPort tlsAddress() {
        return tlsAddress;
    }

    /** The h2c address, or null. */
    public HostPort plaintextAddress() {
        return plaintextAddress;
    }

    public NodeServer server() {
        return server;
    }

    public Registrar registrar() {
        return registrar;
    }

    /** The credentials presented now. */
    public ClusterCredentials credentials() {
        return holder.current();
    }

    public CertificateRenewer renewer() {
        return renewer;
    }

    /** Drains (up to 10 s), stops registering, closes listeners and placements, and sends pending refusals. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean clean = server.drain(Duration.ofSeconds(DRAIN_SECONDS));
        registrar.close();
        server.close();
        server.placements().close();
        renewer.close();
        refusals.close();
        control.close();
        LOG.info("node " + settings.name() + " stopped"
                + (clean ? "" : " (calls still in flight after " + DRAIN_SECONDS + " s were cut)"));
    }
}
