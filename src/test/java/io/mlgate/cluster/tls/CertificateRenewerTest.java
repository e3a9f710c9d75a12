package io.mlgate.cluster.tls;

import io.mlgate.cluster.pki.CertificateRequests;
import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.ClusterCredentials;
import io.mlgate.cluster.pki.CredentialHolder;
import io.mlgate.sts.MutableClock;
import io.mlgate.cluster.pki.SpiffeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateRenewerTest {

    private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
    private static final SpiffeId N1 = SpiffeId.node("n1");

    private final MutableClock clock = new MutableClock(T0);
    private final ClusterCa ca = ClusterCa.ephemeral(clock);

    private CertificateRenewer.Issuer issuer(Duration lifetime) {
        return fresh -> new ClusterCredentials(fresh.getPrivate(),
                ca.issue(CertificateRequests.csr(fresh, N1), N1, lifetime));
    }

    @Test
    void renewalIsDueAtTwoThirdsOfTheLifetimeNotCountingTheClockSkew() {
        CredentialHolder holder = new CredentialHolder(ca.issueNew(N1, Duration.ofHours(1)));
        CertificateRenewer renewer = new CertificateRenewer("n1", holder, issuer(Duration.ofHours(1)), clock);
        assertThat(renewer.renewalTime()).isEqualTo(T0.plus(Duration.ofMinutes(40)));

        holder.update(ca.issueNew(N1, Duration.ofSeconds(3)));
        assertThat(renewer.renewalTime()).isEqualTo(T0.plus(Duration.ofSeconds(2)));

        // A certificate whose notBefore is later than when it was seen counts from its notBefore.
        holder.update(ca.issueNew(N1, T0.plus(Duration.ofMinutes(30)), T0.plus(Duration.ofMinutes(60))));
        assertThat(renewer.renewalTime()).isEqualTo(T0.plus(Duration.ofMinutes(50)));
    }

    @Test
    void renewNowSwapsInAFreshKeyAndCertificate() throws Exception {
        ClusterCredentials first = ca.issueNew(N1, Duration.ofHours(1));
        CredentialHolder holder = new CredentialHolder(first);
        CertificateRenewer renewer = new CertificateRenewer("n1", holder, issuer(Duration.ofHours(1)), clock);
        renewer.renewNow();
        assertThat(holder.current().leaf().getSerialNumber()).isNotEqualTo(first.leaf().getSerialNumber());
        assertThat(holder.current().leaf().getPublicKey()).isNotEqualTo(first.leaf().getPublicKey());
    }

    @Test
    void aFailedRenewalKeepsTheCurrentCredentials() {
        ClusterCredentials first = ca.issueNew(N1, Duration.ofHours(1));
        CredentialHolder holder = new CredentialHolder(first);
        CertificateRenewer failing = new CertificateRenewer("n1", holder, fresh -> {
            throw new IllegalStateException("gateway unreachable");
        }, clock);
        assertThatThrownBy(failing::renewNow).hasMessage("gateway unreachable");
        assertThat(holder.current()).isSameAs(first);

        // An issuer answering with a certificate for another key is refused too.
        CertificateRenewer wrongKey = new CertificateRenewer("n1", holder,
                fresh -> ca.issueNew(N1, Duration.ofHours(1)), clock);
        assertThatThrownBy(wrongKey::renewNow).hasMessage("the issued certificate is not for the fresh key");
        assertThat(holder.current()).isSameAs(first);
    }

    @Test
    void backoffDoublesFromOneSecondUpToOneMinute() {
        Duration d = CertificateRenewer.FIRST_BACKOFF;
        assertThat(d).isEqualTo(Duration.ofSeconds(1));
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            steps.append(d.toSeconds()).append(' ');
            d = CertificateRenewer.nextBackoff(d);
        }
        assertThat(steps.toString().trim()).isEqualTo("1 2 4 8 16 32 60 60");
    }

    @Test
    void toStringNeverShowsThePrivateKey() {
        ClusterCredentials creds = ca.issueNew(N1, Duration.ofHours(1));
        CredentialHolder holder = new CredentialHolder(creds);
        String encoded = Base64.getEncoder().encodeToString(creds.privateKey().getEncoded());
        String s = ((java.security.interfaces.ECPrivateKey) creds.privateKey()).getS().toString(16);
        String hex = ((java.security.interfaces.ECPrivateKey) creds.privateKey()).getS().toString();
        CertificateRenewer renewer = new CertificateRenewer("n1", holder, issuer(Duration.ofHours(1)), clock);
        ClusterTls.HolderKeyManager keyManager = new ClusterTls.HolderKeyManager(holder);
        for (Object o : new Object[] {creds, holder, renewer, keyManager}) {
            assertThat(o.toString()).doesNotContain(encoded.substring(20, 60)).doesNotContain(s).doesNotContain(hex);
        }
    }

    @Test
    void closeStopsTheThread() throws Exception {
        CredentialHolder holder = new CredentialHolder(ca.issueNew(N1, Duration.ofHours(1)));
        CertificateRenewer renewer = new CertificateRenewer("close-test", holder, issuer(Duration.ofHours(1)), clock);
        renewer.start();
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("mlgate-cert-renewer-close-test")).findFirst().orElseThrow();
        assertThat(thread.isDaemon()).isTrue();
        renewer.close();
        assertThat(thread.isAlive()).isFalse();
        assertThatThrownBy(renewer::start).isInstanceOf(IllegalStateException.class);
    }
}
