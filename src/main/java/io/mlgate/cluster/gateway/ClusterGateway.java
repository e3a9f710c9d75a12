package io.mlgate.cluster.gateway;

import io.mlgate.cluster.pki.CertificateRequests;
import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.cluster.pki.PeerRule;
import io.mlgate.cluster.pki.PeerVerifier;
import io.mlgate.cluster.pki.RevocationList;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.cluster.tls.CertificateRenewer;
import io.mlgate.cluster.tls.ClusterTls;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.api.KmsService;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's side of the cluster, assembled: the cluster CA and join tokens ({@code keys/cluster/}), the revocation
 * list ({@code data/cluster/revoked.json}, re-read when it changes), the gateway's own short-lived certificate
 * ({@code spiffe://mlgate/gateway/NAME}, renewed by a {@link CertificateRenewer}), the node registry with the
 * configuration's static nodes, the health checker, the placement and the control port.
 */
public final class ClusterGateway implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterGateway.class.getName());

    private final ClusterSettings settings;
    private final ClusterCa ca;
    private final JoinTokens tokens;
    private final RevocationList revocations;
    private final CredentialHolder credentials;
    private final CertificateRenewer renewer;
    private final PeerVerifier verifier;
    private final ClusterEvents events;
    private final NodeRegistry registry;
    private final HealthChecker health;
    private final ClusterPlacement placement;
    private final ControlServer control;
    private final ScheduledExecutorService reloader;

    /**
     * Opens (or creates) the CA and keys, issues the gateway's certificate, and starts the control port on
     * {@code listenHost:listenPort}, the renewer, the revocation reloader and the health checks.
     *
     * @param roles the principal of an execution role session, by role ARN (for grants)
     */
    public ClusterGateway(ClusterSettings settings, String listenHost, int listenPort, Path keysDir, Path dataDir,
                          RootKey root, KmsService kms, ClusterPlacement.ArtifactSource artifacts,
                          java.util.function.Function<String, io.mlgate.iam.eval.PrincipalContext> roles,
                          ClusterEvents events, int queuePerWorker, Clock clock) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
        this.ca = ClusterCa.openOrCreate(keysDir, root, clock);
        this.tokens = JoinTokens.openOrCreate(keysDir, root, clock);
        this.revocations = RevocationList.open(dataDir.resolve("cluster").resolve("revoked.json"));
        SpiffeId self = SpiffeId.gateway(settings.gatewayName());
        this.credentials = new CredentialHolder(ca.issueNew(self, settings.certificateLifetime()));
        this.renewer = new CertificateRenewer("gateway " + settings.gatewayName(), credentials,
                fresh -> new ClusterCredentials(fresh.getPrivate(), ca.issue(CertificateRequests.csr(fresh, self),
                        self, settings.certificateLifetime())), clock);
        this.verifier = new PeerVerifier(ca.certificate(), revocations, clock, PeerRule.anyOf(SpiffeId.Kind.NODE));
        this.registry = new NodeRegistry((node, address, plaintext) -> new NodeClient(node,
                address == null ? null : ClusterTls.client(credentials,
                        verifier.withRule(PeerRule.exactly(SpiffeId.node(node))), events),
                address, plaintext), events, settings.unhealthyAfter());
        this.health = new HealthChecker(registry, settings.healthInterval(), settings.encryption());
        this.placement = new ClusterPlacement(settings, registry, health, new KmsNodeGrants(kms, roles), artifacts,
                queuePerWorker);
        settings.nodes().forEach(registry::addStatic);
        this.control = new ControlServer(ca, tokens, revocations, registry, events, kms,
                settings.certificateLifetime(), settings.healthInterval());
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mlgate-cluster-revocations");
            t.setDaemon(true);
            return t;
        });
        try {
            control.start(listenHost, listenPort, ClusterTls.server(credentials, verifier, events, false),
                    ClusterTls.refusalReporter(events));
            renewer.start();
            reloader.scheduleWithFixedDelay(this::reloadRevocations, 2, 2, TimeUnit.SECONDS);
            health.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void reloadRevocations() {
        try {
            if (revocations.reloadIfChanged()) {
                LOG.log(System.Logger.Level.INFO, "reloaded the cluster revocation list");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot re-read the cluster revocation list ("
                    + e.getClass().getSimpleName() + "); the previous one stays in force");
        }
    }

    public ClusterSettings settings() {
        return settings;
    }

    public ClusterCa ca() {
        return ca;
    }

    public JoinTokens tokens() {
        return tokens;
    }

    public RevocationList revocations() {
        return revocations;
    }

    public CredentialHolder credentials() {
        return credentials;
    }

    public NodeRegistry registry() {
        return registry;
    }

    public HealthChecker health() {
        return health;
    }

    public ClusterPlacement placement() {
        return placement;
    }

    public ClusterEvents events() {
        return events;
    }

    /** host:port of the control port. */
    public String controlAddress() {
        return control.address();
    }

    @Override
    public void close() {
        reloader.shutdownNow();
        placement.close();
        health.close();
        control.close();
        registry.close();
        try {
            renewer.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the certificate renewer failed");
        }
    }
}
