package io.mlgate.sts.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mlgate.kms.RootKey;
import io.mlgate.sts.IssuedSession;
import io.mlgate.sts.PackedPolicies;
import io.mlgate.sts.SessionClaims;
import io.mlgate.sts.SessionKind;
import io.mlgate.sts.SessionPolicy;
import io.mlgate.sts.SessionTokenKeys;
import io.mlgate.sts.SessionTokens;
import io.mlgate.sts.TokenCheck;

/**
 * Session token validation latency (target: at most 5 µs): opening a role-session token with an inline session
 * policy, two session tags and MFA facts, and opening a tampered one. Run: {@code bench/jmh.sh SessionTokenBenchmark}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SessionTokenBenchmark {

    private SessionTokens tokens;
    private String accessKeyId;
    private String token;
    private String tampered;
    private Instant now;

    @Setup
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("sts-bench");
        now = Instant.now();
        tokens = new SessionTokens(SessionTokenKeys.loadOrCreate(dir, RootKey.loadOrCreate(dir), Clock.systemUTC(),
                Duration.ofHours(24)));
        Map<String, String> tags = Map.of("team", "ml", "project", "fraud");
        IssuedSession s = tokens.issue(SessionClaims.builder(SessionKind.ASSUMED_ROLE, "123456789012",
                        "arn:aws:sts::123456789012:assumed-role/demo/session-1")
                .role("arn:aws:iam::123456789012:role/demo", "AROAEXAMPLEROLEID0001", "session-1")
                .sourceArn("arn:aws:iam::123456789012:user/alice")
                .sessionPolicies(PackedPolicies.pack(List.of(SessionPolicy.inline("{\"Version\":\"2012-10-17\","
                        + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":"
                        + "\"arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris\"}]}")), tags))
                .sessionTags(tags)
                .mfaAuthenticatedAt(now)
                .validity(now, now.plusSeconds(3600)));
        accessKeyId = s.accessKeyId();
        token = s.sessionToken();
        char[] chars = token.toCharArray();
        chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';
        tampered = new String(chars);
    }

    @Benchmark
    public TokenCheck openValid() {
        return tokens.open(accessKeyId, token, now);
    }

    @Benchmark
    public TokenCheck openTampered() {
        return tokens.open(accessKeyId, tampered, now);
    }
}
