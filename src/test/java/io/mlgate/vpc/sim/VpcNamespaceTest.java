package io.mlgate.vpc.sim;

import io.mlgate.vpc.NetnsRunner;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo topology realised with network namespaces (root only; skipped otherwise): routing isolation of subnets
 * without internet, security groups, and the gateway in its namespace answering the AWS CLI through the VPC endpoint,
 * where the endpoint policy lets demo-analyst through and stops demo-admin; finally {@code down} leaves nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VpcNamespaceTest {

    static final Path DEMO = Path.of("vpc-sim/topologies/demo.json");

    @RegisterExtension
    static final VpcSimulation VPC = VpcSimulation.of(DEMO);

    static Path work;

    static Path work() throws IOException {
        if (work == null) {
            work = Files.createTempDirectory("mlgate-vpc-test");
        }
        return work;
    }

    @AfterAll
    static void removeWork() throws IOException {
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private VpcSimulation.Started listener(String host, String address, int... ports) throws Exception {
        List<String> args = new ArrayList<>(List.of(address));
        for (int p : ports) {
            args.add(Integer.toString(p));
        }
        VpcSimulation.Started s = VPC.startJava(host, work().resolve(host + "-listener.log"), TcpListener.class.getName(), args);
        assertThat(VPC.waitForPort(host, address, ports[0], Duration.ofSeconds(30)))
                .as("listener in %s: %s", host, s.output()).isTrue();
        return s;
    }

    @Test
    @Order(1)
    void subnetsWithoutInternetCannotReachTheInternet() throws Exception {
        VpcSimulation.Started internet = listener(VpcSimulation.INTERNET, "203.0.113.10", 8080);
        try {
            assertThat(VPC.connects("client", "203.0.113.10", 8080, Duration.ofSeconds(3)))
                    .as("the client's subnet has internet").isTrue();
            assertThat(VPC.connects("n1", "203.0.113.10", 8080, Duration.ofSeconds(3)))
                    .as("n1's subnet (az-a) has no route out").isFalse();
            assertThat(VPC.connects("n3", "203.0.113.10", 8080, Duration.ofSeconds(3)))
                    .as("n3's subnet (az-b) has no route out").isFalse();
            assertThat(internet.awaitOutput("accepted /10.20.0.30:", Duration.ofSeconds(10))).as(internet.output()).isTrue();
            assertThat(internet.output()).doesNotContain("/10.20.1.21:").doesNotContain("/10.20.2.23:");
        } finally {
            internet.kill9();
        }
        assertThat(internet.isAlive()).isFalse();
    }

    @Test
    @Order(2)
    void securityGroupsAllowOnlyTheirRules() throws Exception {
        VpcSimulation.Started node = listener("n1", "0.0.0.0", 9000, 7000);
        try {
            assertThat(VPC.waitForPort("n1", "127.0.0.1", 7000, Duration.ofSeconds(10))).as("7000 is listening").isTrue();
            assertThat(VPC.connects("gateway", "10.20.1.21", 9000, Duration.ofSeconds(3)))
                    .as("sg-0nodes allows 9000-9099 from sg-0gateway").isTrue();
            assertThat(VPC.connects("gateway", "10.20.1.21", 7000, Duration.ofSeconds(3)))
                    .as("no rule allows 7000").isFalse();
            assertThat(VPC.connects("client", "10.20.1.21", 9000, Duration.ofSeconds(3)))
                    .as("the client is not in sg-0gateway").isFalse();
            assertThat(VPC.connects("n3", "10.20.1.21", 9000, Duration.ofSeconds(3)))
                    .as("sg-0nodes allows its own members, across zones").isTrue();
        } finally {
            node.kill9();
        }
    }

    @Test
    @Order(3)
    void theGatewayAnswersTheCliThroughTheEndpointUnderItsPolicy() throws Exception {
        Path home = work().resolve("gateway-home");
        io.mlgate.gateway.TestFiles.copyTree(Path.of("policies"), home.resolve("policies"));
        VpcSimulation.Started gateway = VPC.startJava("gateway", work().resolve("gateway.log"), "io.mlgate.cli.Main",
                List.of("serve", "--host", "0.0.0.0", "--home", home.toString(),
                        "--mlgate.vpc.topology=" + DEMO.toAbsolutePath(), "--mlgate.management.port=-1"));
        try {
            assertThat(VPC.waitForPort("gateway", "10.20.1.10", 8443, Duration.ofSeconds(180)))
                    .as("gateway log: %s", gateway.output()).isTrue();
            Map<String, String> env = Map.of(
                    "AWS_SHARED_CREDENTIALS_FILE", home.resolve("keys/demo-credentials").toString(),
                    "AWS_CA_BUNDLE", home.resolve("keys/dev-ca.pem").toString(),
                    "AWS_CONFIG_FILE", work().resolve("no-aws-config").toString(),
                    "AWS_EC2_METADATA_DISABLED", "true");

            VpcSimulation.Capture capture = VPC.capture("client", work().resolve("client.pcap"));
            Path prediction = work().resolve("prediction.json");
            VpcSimulation.Result analyst = VPC.run("client", Duration.ofSeconds(90), env,
                    invoke("https://10.20.1.100:8443", "demo-analyst", prediction));
            capture.stop();
            assertThat(analyst.ok()).as("aws cli: %s", analyst.output()).isTrue();
            assertThat(Files.readString(prediction, StandardCharsets.UTF_8)).contains("\"predicted_label\":\"setosa\"");
            assertThat(capture.fields("tcp.dstport == 8443 && tcp.flags.syn == 1 && tcp.flags.ack == 0",
                    "ip.src", "ip.dst")).as("the CLI connected to the endpoint address").isNotEmpty()
                    .allMatch(l -> l.equals("10.20.0.30\t10.20.1.100"));

            VpcSimulation.Result admin = VPC.run("client", Duration.ofSeconds(90), env,
                    invoke("https://10.20.1.100:8443", "demo-admin", work().resolve("denied.json")));
            assertThat(admin.ok()).isFalse();
            assertThat(admin.output()).contains("AccessDeniedException")
                    .contains("user/demo-admin is not authorized to perform: sagemaker:InvokeEndpoint")
                    .contains("because no VPC endpoint policy allows the sagemaker:InvokeEndpoint action");

            VpcSimulation.Result adminDirect = VPC.run("client", Duration.ofSeconds(90), env,
                    invoke("https://10.20.1.10:8443", "demo-admin", work().resolve("direct.json")));
            assertThat(adminDirect.ok()).as("not through the endpoint, IAM alone decides: %s", adminDirect.output())
                    .isTrue();

            String audit = auditText(home.resolve("audit"));
            assertThat(audit).contains("\"vpcEndpointId\":\"vpce-0demo\"").contains("\"sourceIPAddress\":\"10.20.0.30\"");
        } finally {
            gateway.kill9();
        }
    }

    @Test
    @Order(4)
    void downLeavesNoNamespace() throws Exception {
        assertThat(NetnsRunner.leftovers()).contains("mlgvpc-rt", "mlgvpc-inet", "mlgvpc-gateway");
        VPC.teardown();
        assertThat(NetnsRunner.leftovers()).isEmpty();
    }

    private static List<String> invoke(String url, String profile, Path out) {
        return List.of("/usr/bin/aws", "sagemaker-runtime", "invoke-endpoint", "--endpoint-url", url,
                "--region", "us-east-1", "--profile", profile, "--endpoint-name", "iris", "--content-type", "text/csv",
                "--cli-binary-format", "raw-in-base64-out", "--body", "5.1,3.5,1.4,0.2", out.toString());
    }

    private static String auditText(Path dir) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".gz")).toList()) {
                text.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)).append('\n');
            }
        }
        return text.toString();
    }
}
