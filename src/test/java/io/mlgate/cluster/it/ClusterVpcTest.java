package io.mlgate.cluster.it;

import io.mlgate.vpc.sim.VpcSimulation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9's acceptance run, in the demo VPC realised with network namespaces (root only; skipped otherwise): the gateway
 * (10.20.1.10) and three runtime node processes, n1 and n2 in az-a, n3 in az-b, each in its own namespace, enrolled with
 * join tokens. The AWS CLI creates two endpoints of three instances from the client namespace:
 * {@code iris-secure} (tagged {@code mlgate:EnableInterContainerTrafficEncryption=true}: mutual TLS 1.3 to the nodes)
 * and {@code iris-plain} (tagged {@code false}: the nodes' h2c port, under {@code mlgate.cluster.encryption=
 * per-endpoint}).
 * <ol>
 *   <li>packet captures on n1's link: the secure endpoint's traffic is TLS 1.3 records with no payload byte in clear;
 *       the plain endpoint's traffic shows the payload (the trade-off, measured);</li>
 *   <li>a load of InvokeEndpoint calls from the AWS SDK for Java v2 (retries off, {@link FailoverLoad}) in the client
 *       namespace while n3 is killed with SIGKILL: failures the client saw are counted (the target is zero: the
 *       gateway retries calls in flight on the killed node), the other nodes take n3's traffic, n3 restarts on its
 *       kept credentials, rejoins and takes traffic again. Failover and recovery times are printed for
 *       docs/benchmarks.md.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterVpcTest {

    static final Path DEMO = Path.of("vpc-sim/topologies/demo.json");
    static final String GATEWAY = "10.20.1.10";
    static final String URL = "https://" + GATEWAY + ":8443";
    static final String ROLE = "arn:aws:iam::123456789012:role/service/demo-inference";
    static final int THREADS = 8;
    /** Node name → zone, address (all three nodes' subnets have no route out: isolated). */
    static final Map<String, String[]> NODES = new LinkedHashMap<>();

    static {
        NODES.put("n1", new String[]{"az-a", "10.20.1.21", "subnet-0a"});
        NODES.put("n2", new String[]{"az-a", "10.20.1.22", "subnet-0a"});
        NODES.put("n3", new String[]{"az-b", "10.20.2.23", "subnet-0b"});
    }

    @RegisterExtension
    static final VpcSimulation VPC = VpcSimulation.of(DEMO);

    static Path work;
    static Path home;
    static VpcSimulation.Started gateway;
    static final Map<String, VpcSimulation.Started> nodes = new LinkedHashMap<>();
    static final Map<String, String> tokens = new LinkedHashMap<>();
    static VpcSimulation.Capture n1Capture;

    @AfterAll
    static void stopAll() throws IOException {
        for (VpcSimulation.Started n : nodes.values()) {
            n.kill9();
        }
        if (gateway != null) {
            gateway.kill9();
        }
        if (work != null) {
            // the processes' logs stay for a look after a failure (CI keeps target/)
            Path logs = Files.createDirectories(Path.of("target/cluster-vpc-logs"));
            try (Stream<Path> files = Files.list(work)) {
                for (Path log : files.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".csv"))
                        .toList()) {
                    Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Map<String, String> cliEnvironment() {
        return Map.of(
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("keys/demo-credentials").toString(),
                "AWS_CA_BUNDLE", home.resolve("keys/dev-ca.pem").toString(),
                "AWS_CONFIG_FILE", work.resolve("no-aws-config").toString(),
                "AWS_EC2_METADATA_DISABLED", "true");
    }

    static VpcSimulation.Result aws(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", URL, "--region",
                "us-east-1", "--profile", "demo-admin", "--output", "json"));
        command.addAll(List.of(args));
        VpcSimulation.Result r = VPC.run("client", Duration.ofSeconds(90), cliEnvironment(), command);
        assertThat(r.ok()).as("aws %s: %s", String.join(" ", args), r.output()).isTrue();
        return r;
    }

    static VpcSimulation.Started startNode(String name, String suffix) throws Exception {
        String[] n = NODES.get(name);
        VpcSimulation.Started node = VPC.startJava(name, work.resolve(name + suffix + ".log"), "io.mlgate.cli.Main",
                List.of("node", "--name", name, "--zone", n[0], "--subnet", n[2], "--isolated",
                        "--listen", n[1] + ":9000", "--plaintext-listen", n[1] + ":9001",
                        "--gateway", GATEWAY + ":9444", "--join-token", tokens.get(name),
                        "--home", home.resolve("nodes/" + name).toString()));
        nodes.put(name, node);
        return node;
    }

    /** The gateway's Prometheus page, read in its namespace from its loopback management port (retried while it starts). */
    static String metrics() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            VpcSimulation.Result r = VPC.run("gateway", Duration.ofSeconds(20), Map.of(), List.of("bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/9464; printf 'GET /actuator/prometheus HTTP/1.0\\r\\nHost: "
                            + "localhost\\r\\n\\r\\n' >&3; cat <&3"));
            if (r.ok() && r.output().contains("200 OK")) {
                return r.output();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no metrics from the gateway: " + r.output());
            }
            Thread.sleep(500);
        }
    }

    /** A per-node meter of the gateway's Prometheus page. */
    static double meter(String text, String name, String node) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*node=\"" + Pattern.quote(node)
                + "\"[^}]*\\} ([0-9.Ee+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    static boolean await(java.util.concurrent.Callable<Boolean> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return true;
            }
            Thread.sleep(250);
        }
        return condition.call();
    }

    static void invokeTimes(String endpoint, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            VpcSimulation.Result r = VPC.run("client", Duration.ofSeconds(60), cliEnvironment(), List.of(
                    "/usr/bin/aws", "--endpoint-url", URL, "--region", "us-east-1", "--profile", "demo-admin",
                    "sagemaker-runtime", "invoke-endpoint", "--endpoint-name", endpoint, "--content-type",
                    "text/csv", "--cli-binary-format", "raw-in-base64-out", "--body", "5.1,3.5,1.4,0.2",
                    work.resolve(endpoint + "-answer.json").toString()));
            assertThat(r.ok()).as("invoke %s: %s", endpoint, r.output()).isTrue();
            assertThat(Files.readString(work.resolve(endpoint + "-answer.json"))).contains("predicted_label");
        }
    }

    @Test
    @Order(1)
    void aGatewayAndThreeNodesInTwoZonesServeTwoEndpoints() throws Exception {
        work = Files.createTempDirectory("mlgate-cluster-vpc");
        home = work.resolve("home");
        io.mlgate.gateway.TestFiles.copyTree(Path.of("policies"), home.resolve("policies"));
        gateway = VPC.startJava("gateway", work.resolve("gateway.log"), "io.mlgate.cli.Main",
                List.of("serve", "--host", "0.0.0.0", "--home", home.toString(),
                        "--mlgate.vpc.topology=" + DEMO.toAbsolutePath(),
                        "--mlgate.cluster.enabled=true", "--mlgate.cluster.listen=" + GATEWAY + ":9444",
                        "--mlgate.cluster.encryption=per-endpoint", "--mlgate.cluster.health-interval=500ms",
                        "--mlgate.cluster.unhealthy-after=2",
                        // the test classpath's config/application.properties picks a random management port
                        "--mlgate.management.port=9464"));
        assertThat(VPC.waitForPort("gateway", GATEWAY, 8443, Duration.ofSeconds(240)))
                .as("gateway log: %s", gateway.output()).isTrue();
        assertThat(VPC.waitForPort("gateway", GATEWAY, 9444, Duration.ofSeconds(30)))
                .as("control port; gateway log: %s", gateway.output()).isTrue();

        for (String name : NODES.keySet()) {
            VpcSimulation.Started t = VPC.startJava("gateway", work.resolve("token-" + name + ".log"),
                    "io.mlgate.cli.Main", List.of("cluster", "join-token", "--node", name, "--ttl", "1h",
                            "--home", home.toString()));
            assertThat(t.waitFor(Duration.ofSeconds(120))).as(t.output()).isZero();
            String printed = t.output();
            String token = printed.lines().map(String::trim).filter(l -> l.startsWith("mlgj1.")).reduce(
                    (a, b) -> b).orElseThrow(() -> new AssertionError("no join token printed (" + printed.length()
                    + " characters of output)"));
            tokens.put(name, token);
        }
        // n1's link is captured from before it joins, so the capture holds its TLS handshakes
        n1Capture = VPC.capture("n1", work.resolve("n1.pcap"));
        for (String name : NODES.keySet()) {
            startNode(name, "");
        }
        for (String name : NODES.keySet()) {
            String[] n = NODES.get(name);
            assertThat(VPC.waitForPort(name, n[1], 9000, Duration.ofSeconds(180)))
                    .as("node %s: %s", name, nodes.get(name).output()).isTrue();
        }
        assertThat(await(() -> {
            String m = metrics();
            return NODES.keySet().stream().allMatch(n -> meter(m, "mlgate_cluster_node_healthy", n) == 1.0);
        }, Duration.ofSeconds(60))).as("all three nodes healthy; gateway log: %s", gateway.output()).isTrue();

        aws("sagemaker", "create-model", "--model-name", "iris-cluster", "--execution-role-arn", ROLE,
                "--primary-container", "ModelDataUrl=s3://mlgate-models/iris");
        for (String[] e : new String[][]{{"iris-secure", "true"}, {"iris-plain", "false"}}) {
            aws("sagemaker", "create-endpoint-config", "--endpoint-config-name", e[0] + "-config",
                    "--production-variants", "VariantName=AllTraffic,ModelName=iris-cluster,InitialInstanceCount=3,"
                            + "InstanceType=ml.m5.large,InitialVariantWeight=1",
                    "--tags", "Key=mlgate:EnableInterContainerTrafficEncryption,Value=" + e[1]);
            aws("sagemaker", "create-endpoint", "--endpoint-name", e[0], "--endpoint-config-name", e[0] + "-config");
        }
        for (String e : List.of("iris-secure", "iris-plain")) {
            assertThat(await(() -> aws("sagemaker", "describe-endpoint", "--endpoint-name", e).output()
                    .contains("\"InService\""), Duration.ofSeconds(120)))
                    .as("%s InService: %s", e, aws("sagemaker", "describe-endpoint", "--endpoint-name", e).output())
                    .isTrue();
        }
        invokeTimes("iris-secure", 1);
        invokeTimes("iris-plain", 1);
    }

    @Test
    @Order(2)
    void encryptedTrafficIsTls13AndPlaintextTrafficIsReadable() throws Exception {
        // three instances on three nodes: each endpoint has one on n1, and calls spread over them
        invokeTimes("iris-secure", 4);
        invokeTimes("iris-plain", 4);
        n1Capture.stop();
        List<String> tlsServerHellos = n1Capture.fields(
                "tcp.srcport == 9000 && tls.handshake.type == 2", "tls.handshake.extensions.supported_version");
        assertThat(tlsServerHellos).as("n1's TLS port negotiated TLS 1.3 (supported_versions 0x0304)")
                .isNotEmpty().allMatch(v -> v.equals("0x0304"));
        assertThat(n1Capture.fields("tcp.port == 9000 && (tls.record.opaque_type == 23 || tls.record.content_type == 23)", "frame.number"))
                .as("application data went over n1's TLS port in TLS records").isNotEmpty();
        assertThat(n1Capture.fields("tcp.port == 9000 && (frame contains \"predicted_label\" "
                + "|| frame contains \"5.1,3.5,1.4,0.2\" || frame contains \"setosa\")", "frame.number"))
                .as("no payload byte of the encrypted endpoint in clear").isEmpty();
        assertThat(n1Capture.fields("tcp.port == 9001 && frame contains \"predicted_label\"", "frame.number"))
                .as("the plaintext endpoint's answers are readable on the wire (the documented trade-off)")
                .isNotEmpty();
        assertThat(n1Capture.fields("tcp.port == 9001 && frame contains \"5.1,3.5,1.4,0.2\"", "frame.number"))
                .as("and so are its requests").isNotEmpty();
    }

    @Test
    @Order(3)
    void aKilledNodeCostsNoClientCallAndRejoinsAfterRestart() throws Exception {
        Path calls = work.resolve("calls.csv");
        Path stop = work.resolve("stop-load");
        String[] keys = demoKeys("demo-admin");
        VpcSimulation.Started load = VPC.startJava("client", work.resolve("load.log"), FailoverLoad.class.getName(),
                List.of(URL, keys[0], keys[1], home.resolve("keys/dev-ca.pem").toString(), "iris-secure",
                        Integer.toString(THREADS), calls.toString(), stop.toString()));
        Thread.sleep(6000);
        double n3Before = meter(metrics(), "mlgate_cluster_node_invocations_total", "n3");
        assertThat(n3Before).as("n3 served calls before it was killed").isPositive();

        long killedAt = System.currentTimeMillis();
        nodes.get("n3").kill9();
        assertThat(await(() -> meter(metrics(), "mlgate_cluster_node_healthy", "n3") == 0.0, Duration.ofSeconds(30)))
                .as("n3 marked unhealthy").isTrue();
        long lostAt = System.currentTimeMillis();
        Thread.sleep(5000);
        String afterKill = metrics();
        double n1Mid = meter(afterKill, "mlgate_cluster_node_invocations_total", "n1");
        double n2Mid = meter(afterKill, "mlgate_cluster_node_invocations_total", "n2");

        long restartedAt = System.currentTimeMillis();
        startNode("n3", "-restarted");
        assertThat(await(() -> meter(metrics(), "mlgate_cluster_node_healthy", "n3") == 1.0, Duration.ofSeconds(120)))
                .as("n3 rejoined: %s", nodes.get("n3").output()).isTrue();
        long rejoinedAt = System.currentTimeMillis();
        double n3AtRejoin = meter(metrics(), "mlgate_cluster_node_invocations_total", "n3");
        assertThat(await(() -> meter(metrics(), "mlgate_cluster_node_invocations_total", "n3") > n3AtRejoin + 20,
                Duration.ofSeconds(60))).as("traffic rebalanced onto the restarted n3").isTrue();
        long servingAgainAt = System.currentTimeMillis();
        Thread.sleep(3000);
        Files.writeString(stop, "stop");
        assertThat(load.waitFor(Duration.ofSeconds(60))).as(load.output()).isZero();
        String afterAll = metrics();

        List<String[]> rows = Files.readAllLines(calls).stream().map(l -> l.split(",", -1)).toList();
        List<String[]> failed = rows.stream().filter(r -> !r[2].equals("OK")).toList();
        long lastFailureMs = failed.stream().mapToLong(r -> Long.parseLong(r[0]) / 1000).max().orElse(killedAt);
        long maxLatencyAroundKill = rows.stream().filter(r -> Math.abs(Long.parseLong(r[0]) / 1000 - killedAt) < 2000)
                .mapToLong(r -> Long.parseLong(r[1]) / 1000).max().orElse(0);
        String report = String.format("cluster failover: %d calls, %d failed as the client saw them (%s); "
                        + "kill -> n3 unhealthy %d ms; kill -> last failed call %d ms; longest call around the kill "
                        + "%d ms; restart -> rejoined %d ms; restart -> serving again %d ms; retried attempts n3 %.0f; "
                        + "calls n1 %.0f, n2 %.0f, n3 %.0f",
                rows.size(), failed.size(), failed.stream().map(r -> r[2]).distinct().toList(), lostAt - killedAt,
                failed.isEmpty() ? 0 : lastFailureMs - killedAt, maxLatencyAroundKill, rejoinedAt - restartedAt,
                servingAgainAt - restartedAt, meter(afterAll, "mlgate_cluster_node_failed_attempts_total", "n3"),
                meter(afterAll, "mlgate_cluster_node_invocations_total", "n1"),
                meter(afterAll, "mlgate_cluster_node_invocations_total", "n2"),
                meter(afterAll, "mlgate_cluster_node_invocations_total", "n3"));
        System.out.println(report);
        Files.writeString(Path.of("target/cluster-failover.txt"), report + "\n");

        assertThat(rows.size()).as("the load ran").isGreaterThan(200);
        assertThat(failed.size()).as("client-visible failures: at most the calls in flight on n3 (%s)", report)
                .isLessThanOrEqualTo(THREADS);
        assertThat(failed).as("target: zero, the gateway retries them (%s)", report).isEmpty();
        assertThat(n1Mid + n2Mid).as("n1 and n2 took n3's traffic").isGreaterThan(0);
        assertThat(meter(afterAll, "mlgate_cluster_node_invocations_total", "n1")).isGreaterThan(n1Mid);
        assertThat(meter(afterAll, "mlgate_cluster_node_invocations_total", "n2")).isGreaterThan(n2Mid);
        assertThat(rows.stream().filter(r -> r[2].equals("OK")).allMatch(r -> r[3].equals("AllTraffic"))).isTrue();
    }

    static String[] demoKeys(String profile) throws IOException {
        String[] keys = io.mlgate.gateway.DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get(profile);
        assertThat(keys).as("profile %s", profile).isNotNull();
        return keys;
    }
}
