package io.mlgate.bench;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.guardrail.GuardrailDecision;
import io.mlgate.iam.guardrail.GuardrailInput;
import io.mlgate.iam.guardrail.GuardrailResult;
import io.mlgate.iam.guardrail.GuardrailSet;
import io.mlgate.iam.guardrail.GuardrailSettings;
import io.mlgate.iam.guardrail.WasmGuardrail;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The in-process OPA guardrail's cost per call, with the demo policy opa-java-wasm ships ({@code data.role[input.user]
 * == "admin"}): evaluation through {@link WasmGuardrail} with (a) a tiny input and (b) a realistic full
 * {@link GuardrailInput} (~1 KB: principal with tags, context, endpoint, payload, network, IAM decision), (c) building
 * that full input alone, and (d) the full input through a {@link GuardrailSet} holding the one guardrail (snapshot
 * acquire/release and the result). Run: {@code bench/jmh.sh GuardrailBenchmark} (add {@code -prof gc} for
 * allocation per call). Not part of the test suite.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class GuardrailBenchmark {

    private static final String ACCOUNT = "123456789012";
    private static final String DATA = "{\"role\":{\"alice\":\"admin\"}}";

    private WasmGuardrail guardrail;
    private GuardrailSet set;
    private Path policies;
    private GuardrailInput small;
    private GuardrailInput full;
    private AuthorizationRequest request;
    private Decision iam;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] wasm;
        try (InputStream in = GuardrailBenchmark.class.getResourceAsStream("/demo-policy.wasm")) {
            wasm = in.readAllBytes();
        }
        GuardrailSettings settings = GuardrailSettings.defaults();
        guardrail = WasmGuardrail.create("opa:demo.wasm", wasm, DATA, null, settings);
        policies = Files.createTempDirectory("mlgate-guardrail-bench");
        Path opa = Files.createDirectories(policies.resolve(GuardrailSet.DIRECTORY));
        Files.write(opa.resolve("demo.wasm"), wasm);
        Files.writeString(opa.resolve("demo.data.json"), DATA);
        set = GuardrailSet.load(policies, settings);

        String user = "arn:aws:iam::" + ACCOUNT + ":user/alice";
        String document = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"InvokeFraud\",\"Effect\":\"Allow\","
                + "\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"arn:aws:sagemaker:*:" + ACCOUNT
                + ":endpoint/${aws:PrincipalTag/team}-*\"}]}";
        PrincipalContext alice = PrincipalContext.builder(user, ACCOUNT, PrincipalType.USER)
                .userId("AIDAEXAMPLEEXAMPLE01").userName("alice").tag("team", "fraud").tag("stage", "prod")
                .identityPolicy(IdentityPolicy.managed("Invoke", "arn:aws:iam::" + ACCOUNT + ":policy/Invoke", user,
                        PolicyParser.parse(document, "Invoke")))
                .build();
        RequestContext context = RequestContext.builder().put("aws:SecureTransport", "true")
                .put("aws:SourceIp", "10.1.2.3").put("aws:CurrentTime", "2026-11-26T12:00:00Z")
                .put("aws:EpochTime", "1795694400").put("aws:RequestedRegion", "us-east-1")
                .put("aws:ResourceTag/stage", "experimental").put("mlgate:PiiDetected", "false")
                .put("aws:SourceVpc", "vpc-0a1b2c3d").put("aws:SourceVpce", "vpce-0123456789abcdef0").build();
        request = AuthorizationRequest.of(alice, "sagemaker:InvokeEndpoint",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/fraud-scorer", context);
        iam = new PolicyEvaluator().evaluate(request);
        small = GuardrailInput.ofJson("{\"user\":\"alice\"}");
        full = buildFullInput();
        // the demo policy reads input.user ("alice", the caller's user name, in the full input too): both allow
        if (!guardrail.evaluate(small).join().allowed() || !iam.isAllowed()
                || !guardrail.evaluate(full).join().allowed() || !set.evaluate(full).join().allowed()) {
            throw new IllegalStateException("benchmark inputs do not decide as intended");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        set.close();
        guardrail.close();
        try (Stream<Path> files = Files.walk(policies)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public GuardrailDecision wasmEvaluateSmallInput() {
        return guardrail.evaluate(small).join();
    }

    @Benchmark
    public GuardrailDecision wasmEvaluateFullInput() {
        return guardrail.evaluate(full).join();
    }

    @Benchmark
    public GuardrailInput buildFullInput() {
        return GuardrailInput.builder(request).iamDecision(iam)
                .endpoint("fraud-scorer", "AllTraffic", null)
                .payload(2048, "application/json")
                .network("10.1.2.3", "vpc-0a1b2c3d", "vpce-0123456789abcdef0")
                .build();
    }

    @Benchmark
    public GuardrailResult setEvaluateFullInput() {
        return set.evaluate(full).join();
    }
}
