package io.mlgate.cluster.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.api.KmsDataKeys;
import io.mlgate.kms.api.KmsKeyStore;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.runtime.store.ModelStore;
import io.mlgate.sagemaker.ContainerDefinition;
import io.mlgate.sagemaker.DeploymentPlan;
import io.netty.handler.ssl.SslContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A gateway's cluster side over the real KMS (keys in a temporary folder), an uploaded iris model, an execution role
 * that may decrypt it and grant nodes Decrypt, and protocol-level test nodes that decrypt as their node principal.
 */
final class ClusterFixture implements AutoCloseable {

    static final String ACCOUNT = TestNode.ACCOUNT;
    static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/runtime";
    static final byte[] SETOSA = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);

    final RootKey root;
    final KmsService kms;
    final UploadedModels uploads;
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final ClusterEvents events;
    final List<TestNode> nodes = new ArrayList<>();
    ClusterSettings settings;
    NodeRegistry registry;
    HealthChecker health;
    ClusterPlacement placement;

    ClusterFixture(Path dir, ClusterSettings settings) throws Exception {
        root = RootKey.loadOrCreate(dir.resolve("keys"));
        kms = new KmsService(KmsKeyStore.open(dir.resolve("keys"), root), new PolicyEvaluator(), Clock.systemUTC(),
                "us-east-1");
        PrincipalContext admin = principal("arn:aws:iam::" + ACCOUNT + ":user/admin", PrincipalType.USER,
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\","
                        + "\"Resource\":\"*\"}]}");
        kms.invoke("CreateKey", JsonBodies.read("{}".getBytes(StandardCharsets.UTF_8)), admin,
                RequestContext.builder().build());
        String keyId = kms.invoke("ListKeys", JsonBodies.read("{}".getBytes(StandardCharsets.UTF_8)), admin,
                RequestContext.builder().build()).get("Keys").get(0).get("KeyId").asString();
        uploads = new UploadedModels(new ModelStore(dir.resolve("data")));
        byte[] onnx = DemoEndpoints.classpathArtifacts().load(DemoEndpoints.irisDescriptor().artifact());
        uploads.upload("iris", onnx, DemoEndpoints.irisDescriptor(), new ModelArtifacts(new KmsDataKeys(kms, admin,
                RequestContext.builder().build())), keyId);
        events = new ClusterEvents(e -> {
            audit.add(e);
            return CompletableFuture.completedFuture(null);
        }, Clock.systemUTC(), "us-east-1", ACCOUNT);
        this.settings = settings;
    }

    /** The execution role session: may decrypt uploaded models' keys and grant nodes Decrypt of them. */
    static PrincipalContext role() {
        return principal("arn:aws:sts::" + ACCOUNT + ":assumed-role/runtime/mlgate-runtime", PrincipalType.ASSUMED_ROLE,
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kms:Decrypt\","
                        + "\"kms:CreateGrant\"],\"Resource\":\"*\"}]}", ROLE);
    }

    static PrincipalContext principal(String arn, PrincipalType type, String policy) {
        return principal(arn, type, policy, null);
    }

    static PrincipalContext principal(String arn, PrincipalType type, String policy, String roleArn) {
        PrincipalContext.Builder b = PrincipalContext.builder(arn, ACCOUNT, type).userId("AIDTEST");
        if (roleArn != null) {
            b.roleArn(roleArn);
        }
        try {
            b.identityPolicy(IdentityPolicy.inline("p", arn, PolicyParser.parse(policy, "p")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return b.build();
    }

    /** The data keys a node gets: the gateway's KMS as the node's principal (only its grant lets it decrypt). */
    DataKeys nodeKeys(String roleArn, String node) {
        return new KmsDataKeys(kms, NodePrincipals.principal(roleArn, node), RequestContext.builder().build());
    }

    TestNode node(String name, String zone, SslContext tls) {
        TestNode n = new TestNode(name, zone, this::nodeKeys, tls).start();
        nodes.add(n);
        return n;
    }

    /** Builds registry, checker and placement over plaintext (h2c) clients; nodes given by their static entries. */
    void startGateway(List<ClusterSettings.StaticNode> statics, NodeRegistry.ClientFactory clients) {
        settings = settings.withNodes(statics);
        registry = new NodeRegistry(clients, events, settings.unhealthyAfter());
        health = new HealthChecker(registry, settings.healthInterval(), settings.encryption());
        placement = new ClusterPlacement(settings, registry, health, new KmsNodeGrants(kms, arn -> role()),
                ClusterPlacement.store(uploads), 64);
        statics.forEach(registry::addStatic);
    }

    static NodeRegistry.ClientFactory plaintextClients() {
        return (node, address, plaintext) -> new NodeClient(node, null, address, plaintext);
    }

    static ClusterSettings.StaticNode plain(TestNode n, String zone, boolean isolated) {
        return new ClusterSettings.StaticNode(n.name(), zone, null, n.address(), "subnet-" + zone, isolated);
    }

    static DeploymentPlan plan(String endpoint, int instances, boolean isolation) {
        return plan(endpoint, instances, isolation, Map.of());
    }

    static DeploymentPlan plan(String endpoint, int instances, boolean isolation, Map<String, String> tags) {
        DeploymentPlan.Variant v = new DeploymentPlan.Variant("A", 1, instances, "ml.m5.large", "m",
                "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":model/m",
                List.of(new ContainerDefinition(null, null, ContainerDefinition.Mode.SINGLE_MODEL,
                        UploadedModels.urlOf("iris"), Map.of())), false, ROLE, isolation);
        return new DeploymentPlan(endpoint, "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/" + endpoint,
                ACCOUNT, endpoint + "-config", null, null, List.of(v), tags);
    }

    /** Polls {@code condition} (checking health each round) until it holds; fails after 20 s. */
    void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            health.checkAll();
            Thread.sleep(20);
        }
    }

    List<String> auditNames() {
        return audit.stream().map(AuditEvent::eventName).toList();
    }

    @Override
    public void close() {
        if (placement != null) {
            placement.close();
        }
        if (health != null) {
            health.close();
        }
        if (registry != null) {
            registry.close();
        }
        nodes.forEach(TestNode::close);
    }
}
