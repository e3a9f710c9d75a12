package io.mlgate.bench;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
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

import java.util.concurrent.TimeUnit;

/**
 * IAM decision latency for a realistic principal (issue 3's figure): 10 attached policies with 50 statements in all,
 * with conditions and policy variables; one request that the last statement allows, one that nothing allows, one
 * that an explicit deny stops. Sample-time mode reports the median and p99. Run:
 * {@code bench/jmh.sh IamEvaluationBenchmark} (add {@code -prof gc} for allocation per decision, {@code -t 2} for
 * two threads).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class IamEvaluationBenchmark {

    private static final String ACCOUNT = "123456789012";
    private final PolicyEvaluator evaluator = new PolicyEvaluator();
    private AuthorizationRequest allowedByLast;
    private AuthorizationRequest implicitlyDenied;
    private AuthorizationRequest explicitlyDenied;

    @Setup
    public void setUp() throws Exception {
        String user = "arn:aws:iam::" + ACCOUNT + ":user/alice";
        PrincipalContext.Builder principal = PrincipalContext.builder(user, ACCOUNT, PrincipalType.USER)
                .userId("AIDAEXAMPLEEXAMPLE01").userName("alice").tag("team", "fraud").tag("stage", "prod");
        for (int p = 0; p < 10; p++) {
            StringBuilder statements = new StringBuilder();
            for (int s = 0; s < 5; s++) {
                int n = p * 5 + s;
                if (statements.length() > 0) {
                    statements.append(',');
                }
                boolean last = n == 49;
                boolean deny = n == 7;
                statements.append("{\"Sid\":\"S").append(n).append("\",\"Effect\":\"").append(deny ? "Deny" : "Allow")
                        .append("\",\"Action\":[\"sagemaker:").append(last ? "InvokeEndpoint" : deny ? "DeleteEndpoint" : "Describe" + n)
                        .append("\",\"sagemaker:List").append(n).append("*\"],")
                        .append("\"Resource\":\"arn:aws:sagemaker:*:").append(ACCOUNT).append(":endpoint/")
                        .append(last ? "${aws:PrincipalTag/team}-*" : "model-" + n + "-*").append("\",")
                        .append("\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"},")
                        .append("\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"192.168.0.0/16\",\"2001:db8::/32\"]},")
                        .append("\"StringEquals\":{\"aws:PrincipalTag/stage\":[\"prod\",\"staging\"]}}}");
            }
            String document = "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";
            String arn = "arn:aws:iam::" + ACCOUNT + ":policy/P" + p;
            principal.identityPolicy(IdentityPolicy.managed("P" + p, arn, user, PolicyParser.parse(document, "P" + p)));
        }
        PrincipalContext alice = principal.build();
        RequestContext context = RequestContext.builder().put("aws:SecureTransport", "true")
                .put("aws:SourceIp", "10.1.2.3").put("aws:CurrentTime", "2026-11-26T12:00:00Z")
                .put("aws:EpochTime", "1795694400").put("aws:RequestedRegion", "us-east-1").build();
        allowedByLast = AuthorizationRequest.of(alice, "sagemaker:InvokeEndpoint",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/fraud-scorer", context);
        implicitlyDenied = AuthorizationRequest.of(alice, "sagemaker:InvokeEndpoint",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/marketing-scorer", context);
        explicitlyDenied = AuthorizationRequest.of(alice, "sagemaker:DeleteEndpoint",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/model-7-a", context);
        if (!evaluator.evaluate(allowedByLast).isAllowed() || evaluator.evaluate(implicitlyDenied).isAllowed()
                || evaluator.evaluate(explicitlyDenied).outcome() != Decision.Outcome.EXPLICIT_DENY) {
            throw new IllegalStateException("benchmark policies do not decide as intended");
        }
    }

    @Benchmark
    public Decision allowedByTheLastOfFiftyStatements() {
        return evaluator.evaluate(allowedByLast);
    }

    @Benchmark
    public Decision implicitlyDenied() {
        return evaluator.evaluate(implicitlyDenied);
    }

    @Benchmark
    public Decision explicitlyDenied() {
        return evaluator.evaluate(explicitlyDenied);
    }
}
