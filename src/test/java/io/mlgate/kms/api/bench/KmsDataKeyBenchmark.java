package io.mlgate.kms.api.bench;

import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.api.KmsKeyStore;
import io.mlgate.kms.api.KmsService;
import io.mlgate.protocol.json.JsonBodies;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Issue 5's in-process figure: GenerateDataKey and Decrypt of a data key through {@link KmsService#invoke} (request
 * already parsed, response built as a JSON tree), with a key policy that delegates to IAM, an identity policy that
 * allows, and an encryption context. Run with {@code bench/jmh.sh KmsDataKeyBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KmsDataKeyBenchmark {

    private KmsService kms;
    private PrincipalContext caller;
    private RequestContext context;
    private JsonNode generate;
    private JsonNode decrypt;

    @Setup
    public void setUp() throws Exception {
        Path keys = Files.createTempDirectory("kms-bench");
        kms = new KmsService(KmsKeyStore.open(keys, RootKey.loadOrCreate(keys)), new PolicyEvaluator(),
                Clock.systemUTC(), "us-east-1");
        String arn = "arn:aws:iam::123456789012:user/runtime";
        caller = PrincipalContext.builder(arn, "123456789012", PrincipalType.USER)
                .identityPolicy(IdentityPolicy.inline("kms", arn, PolicyParser.parse("{\"Version\":\"2012-10-17\","
                        + "\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}}", "kms")))
                .build();
        context = RequestContext.builder().put("aws:SecureTransport", "true").build();
        String keyId = kms.invoke("CreateKey", JsonBodies.object(), caller, context)
                .path("KeyMetadata").path("KeyId").asString();
        generate = JsonBodies.read(("{\"KeyId\":\"" + keyId + "\",\"KeySpec\":\"AES_256\","
                + "\"EncryptionContext\":{\"endpoint\":\"iris\"}}").getBytes(StandardCharsets.UTF_8));
        String blob = kms.invoke("GenerateDataKey", generate, caller, context).path("CiphertextBlob").asString();
        ObjectNode d = JsonBodies.object().put("CiphertextBlob", blob);
        d.putObject("EncryptionContext").put("endpoint", "iris");
        decrypt = d;
    }

    @Benchmark
    public JsonNode generateDataKey() throws Exception {
        return kms.invoke("GenerateDataKey", generate, caller, context);
    }

    @Benchmark
    public JsonNode decryptDataKey() throws Exception {
        return kms.invoke("Decrypt", decrypt, caller, context);
    }
}
