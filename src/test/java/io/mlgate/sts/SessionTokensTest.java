package io.mlgate.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.kms.RootKey;

class SessionTokensTest {

    static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");

    @TempDir
    Path keysDir;
    MutableClock clock;
    RootKey root;
    SessionTokenKeys keys;
    SessionTokens tokens;

    @BeforeEach
    void setUp() throws Exception {
        clock = new MutableClock(T0);
        root = RootKey.loadOrCreate(keysDir);
        keys = SessionTokenKeys.loadOrCreate(keysDir, root, clock, Duration.ofHours(24));
        tokens = new SessionTokens(keys);
    }

    static SessionClaims.Builder roleSession(Instant now, int seconds) throws Exception {
        return SessionClaims.builder(SessionKind.ASSUMED_ROLE, "123456789012",
                        "arn:aws:sts::123456789012:assumed-role/demo/s1")
                .role("arn:aws:iam::123456789012:role/demo", "AROAEXAMPLEROLEID0001", "s1")
                .sourceArn("arn:aws:iam::123456789012:user/alice")
                .sessionPolicies(PackedPolicies.pack(List.of(SessionPolicy.inline(
                        "{ \"Version\": \"2012-10-17\", \"Statement\": [ { \"Effect\": \"Allow\", "
                                + "\"Action\": \"sagemaker:InvokeEndpoint\", \"Resource\": \"*\" } ] }"),
                        SessionPolicy.managed("arn:aws:iam::123456789012:policy/P")), Map.of("team", "ml")))
                .sessionTags(Map.of("team", "ml"))
                .transitiveTagKeys(List.of("team"))
                .mfaAuthenticatedAt(now.minusSeconds(5))
                .sourceIdentity("alice")
                .validity(now, now.plusSeconds(seconds));
    }

    @Test
    void issuedTokenOpensWithEveryClaim() throws Exception {
        IssuedSession s = tokens.issue(roleSession(T0, 900));
        assertThat(s.accessKeyId()).matches("ASIA[A-Z2-7]{16}");
        assertThat(s.secretAccessKey()).hasSize(40);
        TokenCheck check = tokens.open(s.accessKeyId(), s.sessionToken(), T0.plusSeconds(10));
        assertThat(check.outcome()).isEqualTo(TokenCheck.Outcome.VALID);
        SessionClaims c = check.claims();
        assertThat(c.secretAccessKey()).isEqualTo(s.secretAccessKey());
        assertThat(c.principalArn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/demo/s1");
        assertThat(c.roleId()).contains("AROAEXAMPLEROLEID0001");
        assertThat(c.sessionTags()).containsEntry("team", "ml");
        assertThat(c.transitiveTagKeys()).containsExactly("team");
        assertThat(c.mfaAuthenticatedAt()).contains(T0.minusSeconds(5));
        assertThat(c.sourceIdentity()).contains("alice");
        assertThat(c.sessionPolicies()).hasSize(2);
        assertThat(c.sessionPolicies().get(0).document()).doesNotContain(" ").contains("sagemaker:InvokeEndpoint");
        assertThat(c.sessionPolicies().get(1).arn()).isEqualTo("arn:aws:iam::123456789012:policy/P");
        assertThat(c.expiresAt()).isEqualTo(T0.plusSeconds(900));
        assertThat(s.sessionToken().length()).isLessThan(2048);
    }

    @Test
    void everySingleBitFlipIsInvalid() throws Exception {
        IssuedSession s = tokens.issue(roleSession(T0, 900));
        byte[] raw = Base64.getUrlDecoder().decode(s.sessionToken());
        for (int i = 0; i < raw.length * 8; i += 7) {
            byte[] copy = raw.clone();
            copy[i / 8] ^= (byte) (1 << (i % 8));
            String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(copy);
            assertThat(tokens.open(s.accessKeyId(), tampered, T0).outcome())
                    .as("bit %d", i).isEqualTo(TokenCheck.Outcome.INVALID);
        }
        assertThat(tokens.open(s.accessKeyId(), s.sessionToken(), T0).isValid()).isTrue();
    }

    @Test
    void anotherAccessKeyIdIsInvalid() throws Exception {
        IssuedSession a = tokens.issue(roleSession(T0, 900));
        IssuedSession b = tokens.issue(roleSession(T0, 900));
        assertThat(tokens.open(b.accessKeyId(), a.sessionToken(), T0).outcome()).isEqualTo(TokenCheck.Outcome.INVALID);
        assertThat(tokens.open(a.accessKeyId(), a.sessionToken(), T0).outcome()).isEqualTo(TokenCheck.Outcome.VALID);
    }

    @Test
    void garbageAndTruncationAreInvalid() throws Exception {
        IssuedSession s = tokens.issue(roleSession(T0, 900));
        assertThat(tokens.open(s.accessKeyId(), "not a token!!", T0).outcome()).isEqualTo(TokenCheck.Outcome.INVALID);
        assertThat(tokens.open(s.accessKeyId(), s.sessionToken().substring(0, s.sessionToken().length() - 4), T0)
                .outcome()).isEqualTo(TokenCheck.Outcome.INVALID);
        assertThat(tokens.open(null, s.sessionToken(), T0).outcome()).isEqualTo(TokenCheck.Outcome.INVALID);
        assertThat(tokens.open("AKIAEXAMPLE000000000", s.sessionToken(), T0).outcome())
                .isEqualTo(TokenCheck.Outcome.INVALID);
    }

    @Test
    void expiredTokenIsExpiredWithAwsError() throws Exception {
        IssuedSession s = tokens.issue(roleSession(T0, 900));
        assertThat(tokens.open(s.accessKeyId(), s.sessionToken(), T0.plusSeconds(899)).isValid()).isTrue();
        TokenCheck late = tokens.open(s.accessKeyId(), s.sessionToken(), T0.plusSeconds(900));
        assertThat(late.outcome()).isEqualTo(TokenCheck.Outcome.EXPIRED);
        assertThat(late.queryErrorCode()).isEqualTo("ExpiredToken");
        assertThat(late.errorMessage()).isEqualTo("The security token included in the request is expired");
        TokenCheck invalid = tokens.open(s.accessKeyId(), s.sessionToken() + "A", T0);
        assertThat(invalid.queryErrorCode()).isEqualTo("InvalidClientTokenId");
        assertThat(invalid.httpStatus()).isEqualTo(403);
    }

    @Test
    void tokenFromAnotherKeyRingIsInvalid(@TempDir Path otherDir) throws Exception {
        SessionTokens other = new SessionTokens(SessionTokenKeys.loadOrCreate(otherDir, RootKey.loadOrCreate(otherDir),
                clock, Duration.ofHours(24)));
        IssuedSession s = other.issue(roleSession(T0, 900));
        assertThat(tokens.open(s.accessKeyId(), s.sessionToken(), T0).outcome()).isEqualTo(TokenCheck.Outcome.INVALID);
        assertThat(other.open(s.accessKeyId(), s.sessionToken(), T0).outcome()).isEqualTo(TokenCheck.Outcome.VALID);
    }

    @Test
    void aReplicaWithTheSameKeysOpensTheToken() throws Exception {
        IssuedSession s = tokens.issue(roleSession(T0, 900));
        SessionTokens replica = new SessionTokens(SessionTokenKeys.loadOrCreate(keysDir, RootKey.loadOrCreate(keysDir),
                clock, Duration.ofHours(24)));
        assertThat(replica.open(s.accessKeyId(), s.sessionToken(), T0).isValid()).isTrue();
        assertThat(io.mlgate.kms.SecretScan.containsAny(Files.readString(keysDir.resolve(SessionTokenKeys.FILE)),
                keys.current().key().getEncoded())).isFalse();
    }

    @Test
    void rotatedOutKeyStillOpensUntilDropped() throws Exception {
        IssuedSession old = tokens.issue(roleSession(T0, 900));
        int firstKey = keys.current().id();
        clock.advance(Duration.ofHours(23));
        assertThat(keys.rotateIfDue()).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(keys.rotateIfDue()).isTrue();
        assertThat(keys.current().id()).isNotEqualTo(firstKey);
        assertThat(keys.keyIds()).contains(firstKey);
        IssuedSession fresh = tokens.issue(roleSession(clock.instant(), 900));
        assertThat(tokens.open(fresh.accessKeyId(), fresh.sessionToken(), clock.instant()).isValid()).isTrue();
        // old session expired long ago, but its key is still held: an unexpired claim would open
        assertThat(tokens.open(old.accessKeyId(), old.sessionToken(), clock.instant()).outcome())
                .isEqualTo(TokenCheck.Outcome.EXPIRED);
        clock.advance(SessionTokenKeys.MAX_SESSION);
        keys.rotateIfDue();
        assertThat(keys.keyIds()).doesNotContain(firstKey);
        assertThat(tokens.open(old.accessKeyId(), old.sessionToken(), T0).outcome())
                .isEqualTo(TokenCheck.Outcome.INVALID);
    }

    @Test
    void secretsNeverInToString() throws Exception {
        IssuedSession s = tokens.issue(roleSession(T0, 900));
        assertThat(s.toString()).doesNotContain(s.secretAccessKey()).doesNotContain(s.sessionToken());
        assertThat(s.claims().toString()).doesNotContain(s.secretAccessKey());
        assertThat(tokens.open(s.accessKeyId(), s.sessionToken(), T0).toString()).doesNotContain(s.secretAccessKey());
        assertThat(keys.toString()).doesNotContain("material");
    }

    @Test
    void packedPoliciesOverTheLimitAreRefused() throws Exception {
        StringBuilder big = new StringBuilder("{\"Version\":\"2012-10-17\",\"Statement\":[");
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 200; i++) {
            big.append(i == 0 ? "" : ",").append("{\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\","
                    + "\"Resource\":\"arn:aws:sagemaker:us-east-1:123456789012:endpoint/").append(Long.toHexString(r.nextLong()))
                    .append(Long.toHexString(r.nextLong())).append("\"}");
        }
        big.append("]}");
        assertThatThrownBy(() -> PackedPolicies.pack(List.of(SessionPolicy.inline(big.toString())), Map.of()))
                .isInstanceOf(PackedPolicyTooLargeException.class);
        PackedPolicies small = PackedPolicies.pack(List.of(SessionPolicy.inline("{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}")), Map.of("a", "b"));
        assertThat(small.packedPolicySizePercent()).isBetween(1, 10);
    }

    @Test
    void minifyKeepsWhitespaceInsideStrings() {
        assertThat(PackedPolicies.minify("{ \"a b\" : [ \"c\\\" d\" ] }")).isEqualTo("{\"a b\":[\"c\\\" d\"]}");
    }
}
