package io.mlgate.cluster.pki;

import io.mlgate.sts.MutableClock;
import org.bouncycastle.asn1.x509.GeneralName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerVerifierTest {

    private static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final ClusterCa ca = ClusterCa.ephemeral(clock);
    private final PeerVerifier anyNode = new PeerVerifier(ca.certificate(), RevocationCheck.NONE, clock,
            PeerRule.anyOf(SpiffeId.Kind.NODE));

    private X509Certificate[] chain(SpiffeId id) {
        return ca.issueNew(id, Duration.ofHours(1)).chain().toArray(new X509Certificate[0]);
    }

    private static void refused(PeerVerifier verifier, X509Certificate[] chain, String reason) {
        assertThatThrownBy(() -> verifier.verify(chain)).isInstanceOf(CertificateException.class).hasMessage(reason);
    }

    @Test
    void aLeafOfTheClusterCaIsAccepted() throws Exception {
        assertThat(anyNode.verify(chain(SpiffeId.node("n1")))).isEqualTo(SpiffeId.node("n1"));
        // The leaf alone (without the CA appended) chains to the anchor too.
        X509Certificate leaf = chain(SpiffeId.node("n1"))[0];
        assertThat(anyNode.verify(new X509Certificate[] {leaf})).isEqualTo(SpiffeId.node("n1"));
    }

    @Test
    void aLeafOfAnotherCaIsRefused() {
        ClusterCa other = ClusterCa.ephemeral(clock);
        refused(anyNode, other.issueNew(SpiffeId.node("n1"), Duration.ofHours(1)).chain()
                .toArray(new X509Certificate[0]), "unknown certificate authority");
        // Presenting our CA after a foreign leaf changes nothing.
        refused(anyNode, new X509Certificate[] {other.issueNew(SpiffeId.node("n1"), Duration.ofHours(1)).leaf(),
                ca.certificate()}, "unknown certificate authority");
        // Nor does a foreign certificate after a good leaf.
        refused(anyNode, new X509Certificate[] {chain(SpiffeId.node("n1"))[0], other.certificate()},
                "unknown certificate authority");
    }

    @Test
    void anExpiredCertificateIsRefusedAndValidBeforeItsEnd() throws Exception {
        ClusterCa older = ClusterCa.ephemeral(new MutableClock(T0.minus(Duration.ofDays(1))));
        PeerVerifier verifier = new PeerVerifier(older.certificate(), RevocationCheck.NONE, clock,
                PeerRule.anyOf(SpiffeId.Kind.NODE));
        X509Certificate[] chain = older.issueNew(SpiffeId.node("n1"), T0.minus(Duration.ofHours(2)),
                T0.minus(Duration.ofHours(1))).chain().toArray(new X509Certificate[0]);
        refused(verifier, chain, "certificate expired");
        clock.set(T0.minus(Duration.ofMinutes(90)));
        assertThat(verifier.verify(chain)).isEqualTo(SpiffeId.node("n1"));
        // The CA certificate's own validity counts too.
        clock.set(T0.minus(Duration.ofDays(2)));
        refused(verifier, chain, "certificate not yet valid");
    }

    @Test
    void aNotYetValidCertificateIsRefusedUntilItsStart() throws Exception {
        X509Certificate[] chain = ca.issueNew(SpiffeId.node("n1"), T0.plus(Duration.ofHours(1)),
                T0.plus(Duration.ofHours(2))).chain().toArray(new X509Certificate[0]);
        refused(anyNode, chain, "certificate not yet valid");
        clock.advance(Duration.ofMinutes(61));
        assertThat(anyNode.verify(chain)).isEqualTo(SpiffeId.node("n1"));
    }

    @Test
    void theRuleDecidesTheIdentity() throws Exception {
        PeerVerifier onlyN1 = anyNode.withRule(PeerRule.exactly(SpiffeId.node("n1")));
        assertThat(onlyN1.verify(chain(SpiffeId.node("n1")))).isEqualTo(SpiffeId.node("n1"));
        refused(onlyN1, chain(SpiffeId.node("n2")), "identity spiffe://mlgate/node/n2 is not spiffe://mlgate/node/n1");
    }

    @Test
    void theRuleDecidesTheKind() throws Exception {
        PeerVerifier gateways = anyNode.withRule(PeerRule.anyOf(SpiffeId.Kind.GATEWAY));
        assertThat(gateways.verify(chain(SpiffeId.gateway("gw")))).isEqualTo(SpiffeId.gateway("gw"));
        refused(gateways, chain(SpiffeId.node("n1")), "identity spiffe://mlgate/node/n1 is not a gateway identity");
        refused(anyNode, chain(SpiffeId.gateway("gw")), "identity spiffe://mlgate/gateway/gw is not a node identity");
    }

    @Test
    void revokedIdentitiesAndSerialsAreRefused() throws Exception {
        RevocationList revoked = RevocationList.open(dir.resolve("revoked.json"), clock);
        PeerVerifier verifier = new PeerVerifier(ca.certificate(), revoked, clock, PeerRule.anyOf(SpiffeId.Kind.NODE));
        X509Certificate[] n1 = chain(SpiffeId.node("n1"));
        X509Certificate[] n2 = chain(SpiffeId.node("n2"));
        X509Certificate[] n2b = chain(SpiffeId.node("n2"));
        assertThat(verifier.verify(n1)).isEqualTo(SpiffeId.node("n1"));

        revoked.revokeIdentity(SpiffeId.node("n1"), "decommissioned");
        refused(verifier, n1, "revoked");
        refused(verifier, chain(SpiffeId.node("n1")), "revoked");

        revoked.revokeSerial(n2[0].getSerialNumber(), "key leaked");
        refused(verifier, n2, "revoked");
        assertThat(verifier.verify(n2b)).as("another certificate of n2").isEqualTo(SpiffeId.node("n2"));
    }

    @Test
    void theLeafMustCarryExactlyOneIdentityOfOurs() throws Exception {
        refused(anyNode, new X509Certificate[] {ClusterCaTest.leafWithSans(ca)}, "no cluster identity");
        refused(anyNode, new X509Certificate[] {ClusterCaTest.leafWithSans(ca,
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://mlgate/node/n1"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://mlgate/node/n2"))},
                "no cluster identity");
        refused(anyNode, new X509Certificate[] {ClusterCaTest.leafWithSans(ca,
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://mlgate/node/n1"),
                new GeneralName(GeneralName.dNSName, "n1.example"))}, "no cluster identity");
        refused(anyNode, new X509Certificate[] {ClusterCaTest.leafWithSans(ca,
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://other/node/n1"))},
                "no cluster identity");
        refused(anyNode, new X509Certificate[] {ClusterCaTest.leafWithSans(ca,
                new GeneralName(GeneralName.dNSName, "n1"))}, "no cluster identity");
        assertThat(anyNode.verify(new X509Certificate[] {ClusterCaTest.leafWithSans(ca,
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://mlgate/node/n1"))}))
                .isEqualTo(SpiffeId.node("n1"));
    }

    @Test
    void theCaItselfIsNotAPeer() {
        refused(anyNode, new X509Certificate[] {ca.certificate()}, "not an end-entity certificate");
    }

    @Test
    void noChainIsRefused() {
        refused(anyNode, new X509Certificate[0], "no certificate");
        refused(anyNode, null, "no certificate");
    }
}
