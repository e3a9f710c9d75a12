package io.mlgate.bench;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.EventResource;
import io.mlgate.audit.EventType;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.TlsDetails;
import io.mlgate.audit.UserIdentity;
import io.mlgate.auth.sigv4.SigV4Policy;
import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.auth.sigv4.SigV4Verifier;
import io.mlgate.auth.sigv4.SignedRequest;
import io.mlgate.auth.sigv4.SigningSecret;
import io.mlgate.auth.sigv4.VerifiedSignature;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.InvocationInput;
import io.mlgate.runtime.InvocationOutput;
import io.mlgate.runtime.ModelDescriptor;
import io.mlgate.runtime.OnnxModel;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The per-request hot paths of an InvokeEndpoint call, each alone: SigV4 verification, IAM evaluation, building and
 * serialising the audit event, and the demo model (parse, run, render). Run with {@code bench/jmh.sh}; results
 * in docs/benchmarks.md. Not part of the test suite.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HotPathBenchmarks {

    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String ANALYST = "arn:aws:iam::123456789012:user/demo-analyst";
    private static final byte[] BODY = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);

    private SigV4Verifier verifier;
    private SignedRequest signed;
    private PolicyEvaluator evaluator;
    private AuthorizationRequest authorization;
    private OnnxModel model;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);
        SignedRequest request = SignedRequest.builder()
                .method("POST").rawPath("/endpoints/iris/invocations")
                .header("host", "127.0.0.1:8443")
                .header("content-type", "text/csv")
                .header("accept", "application/json")
                .header("amz-sdk-invocation-id", UUID.randomUUID().toString())
                .header("amz-sdk-request", "attempt=1; max=4")
                .header("content-length", Integer.toString(BODY.length))
                .header("user-agent", "aws-sdk-java/2.40.2 md/io#sync ua/2.1 api/SageMaker_Runtime#2.40.x")
                .body(BODY)
                .build();
        signed = SigV4Signer.builder().credentials(ACCESS_KEY, SECRET.toCharArray()).region("us-east-1")
                .service("sagemaker").clock(clock).signContentSha256(true).build().sign(request);
        verifier = new SigV4Verifier(SigV4Policy.builder().allowedRegions(Set.of("us-east-1")).clock(clock).build(),
                (id, token) -> ACCESS_KEY.equals(id) ? Optional.of(SigningSecret.of(SECRET.toCharArray(), ANALYST))
                        : Optional.empty());

        IamConfiguration iam = IamConfigurationLoader.load(Path.of("policies"));
        PrincipalContext analyst = iam.principalForUser(ANALYST).orElseThrow();
        evaluator = new PolicyEvaluator();
        authorization = AuthorizationRequest.of(analyst, "sagemaker:InvokeEndpoint",
                "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris",
                RequestContext.builder().put("aws:SecureTransport", "true").put("aws:SourceIp", "127.0.0.1")
                        .put("aws:CurrentTime", "2026-11-26T12:00:00Z").put("aws:EpochTime", "1795694400")
                        .put("aws:RequestedRegion", "us-east-1").build());

        ModelDescriptor descriptor = DemoEndpoints.irisDescriptor();
        model = OnnxModel.fromBytes(DemoEndpoints.classpathArtifacts().load(descriptor.artifact()), descriptor);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public VerifiedSignature sigv4Verify() {
        return verifier.verify(signed, "sagemaker");
    }

    @Benchmark
    public Decision iamEvaluate() {
        return evaluator.evaluate(authorization);
    }

    @Benchmark
    public byte[] auditEventBuildAndSerialise() {
        return AuditEvent.builder()
                .eventTime(Instant.now())
                .awsRegion("us-east-1")
                .requestID(UUID.randomUUID().toString())
                .eventType(EventType.AWS_API_CALL)
                .userIdentity(UserIdentity.builder(IdentityType.IAM_USER).arn(ANALYST).accountId("123456789012")
                        .accessKeyId(ACCESS_KEY).principalId("AIDAYE2APCPALW7NYBCY6").userName("demo-analyst").build())
                .tlsDetails(new TlsDetails("TLSv1.3", "TLS_AES_128_GCM_SHA256", "127.0.0.1:8443"))
                .sourceIPAddress("127.0.0.1")
                .userAgent("aws-sdk-java/2.40.2 md/io#sync ua/2.1 api/SageMaker_Runtime#2.40.x")
                .eventSource("sagemaker.amazonaws.com").eventName("InvokeEndpoint").readOnly(false)
                .eventCategory(EventCategory.DATA).recipientAccountId("123456789012")
                .requestParameters(EventData.builder().put("endpointName", "iris").put("contentType", "text/csv").build())
                .addResource(new EventResource("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris",
                        "123456789012", "AWS::SageMaker::Endpoint"))
                .additionalEventData(EventData.builder().put("httpStatus", 200)
                        .put("payloadSha256", "d0c744fd070bef660af2c3bd60dcb131f82626586970d39664a6548106c12cce")
                        .put("payloadBytes", 15).put("invokedProductionVariant", "AllTraffic")
                        .put("modelLatencyMs", 0.013)
                        .put("policyDecision", EventData.builder().put("outcome", "ALLOW")
                                .put("explanation", "allowed by statement Sid 'InvokeIrisOverTls'").build())
                        .build())
                .build()
                .toJsonBytes();
    }

    @Benchmark
    public byte[] irisParsePredictRender() {
        return InvocationOutput.toJson(model.predict(InvocationInput.parse(BODY, "text/csv", model.featureCount())));
    }
}
