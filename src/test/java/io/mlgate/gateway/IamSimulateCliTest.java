package io.mlgate.gateway;

import io.mlgate.iam.sim.PolicySimulator;
import io.mlgate.iam.sim.SimulationResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code aws iam simulate-custom-policy} and {@code aws iam simulate-principal-policy} (AWS CLI v2) against the
 * running gateway give the same decisions as the CLI simulator ({@code ./mlgate policy simulate}, i.e.
 * {@link PolicySimulator}) for the same policies, request and context.
 */
class IamSimulateCliTest extends RunningGateway {

    private static final Map<String, String> WIRE = Map.of("Allow", "allowed", "ImplicitDeny", "implicitDeny",
            "ExplicitDeny", "explicitDeny");
    private static final String IRIS = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris";
    private static final String FRAUD = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud";
    private static final String POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Sid\":\"InvokeOverTls\",\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\","
            + "\"Resource\":\"arn:aws:sagemaker:*:123456789012:endpoint/*\","
            + "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}},"
            + "{\"Sid\":\"NoFraud\",\"Effect\":\"Deny\",\"Action\":\"sagemaker:*\",\"Resource\":\"" + FRAUD + "\"},"
            + "{\"Sid\":\"OfficeHours\",\"Effect\":\"Allow\",\"Action\":\"sagemaker:DescribeEndpoint\","
            + "\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}]}";

    private final ObjectMapper json = new ObjectMapper();
    private final PolicySimulator simulator = new PolicySimulator();

    @BeforeEach
    void cliInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/aws")), "AWS CLI v2 (/usr/bin/aws) not installed");
    }

    record Case(String action, String resource, String contextKey, String contextType, String contextValue,
                String expected) {}

    @Test
    void simulateCustomPolicyGivesTheSimulatorsDecisions() throws Exception {
        Path policyFile = home.resolve("simulate-policy.json");
        // a list parameter from a file must be a JSON list (the CLI would split a bare document into characters)
        Files.writeString(policyFile, json.writeValueAsString(List.of(POLICY)));
        List<Case> cases = List.of(
                new Case("sagemaker:InvokeEndpoint", IRIS, "aws:SecureTransport", "boolean", "true", "Allow"),
                new Case("sagemaker:InvokeEndpoint", IRIS, "aws:SecureTransport", "boolean", "false", "ImplicitDeny"),
                new Case("sagemaker:InvokeEndpoint", IRIS, null, null, null, "ImplicitDeny"),
                new Case("sagemaker:InvokeEndpoint", FRAUD, "aws:SecureTransport", "boolean", "true", "ExplicitDeny"),
                new Case("sagemaker:DescribeEndpoint", IRIS, "aws:SourceIp", "ip", "10.1.2.3", "Allow"),
                new Case("sagemaker:DescribeEndpoint", IRIS, "aws:SourceIp", "ip", "192.0.2.1", "ImplicitDeny"),
                new Case("sagemaker:CreateEndpoint", IRIS, null, null, null, "ImplicitDeny"));
        for (Case c : cases) {
            String cli = "iam simulate-custom-policy --policy-input-list file://" + policyFile
                    + " --action-names " + c.action() + " --resource-arns " + c.resource()
                    + " --caller-arn arn:aws:iam::123456789012:user/demo-analyst"
                    + (c.contextKey() == null ? "" : " --context-entries ContextKeyName=" + c.contextKey()
                    + ",ContextKeyValues=" + c.contextValue() + ",ContextKeyType=" + c.contextType());
            JsonNode result = run(cli).path("EvaluationResults").get(0);

            String context = c.contextKey() == null ? "{}"
                    : "{\"" + c.contextKey() + "\":\"" + c.contextValue() + "\"}";
            SimulationResult local = simulator.simulate("{\"policies\":{\"identity\":[" + POLICY + "]},"
                    + "\"request\":{\"principal\":{\"type\":\"User\",\"arn\":\"arn:aws:iam::123456789012:user/demo-analyst\","
                    + "\"account\":\"123456789012\"},\"action\":\"" + c.action() + "\",\"resource\":\"" + c.resource()
                    + "\",\"context\":" + context + "}}", "case").get(0);

            assertThat(local.decision()).as(cli).isEqualTo(c.expected());
            assertThat(result.path("EvalDecision").asString()).as(cli).isEqualTo(WIRE.get(local.decision()));
            if (c.expected().equals("ExplicitDeny")) {
                assertThat(result.path("MatchedStatements").get(0).path("SourcePolicyId").asString())
                        .isEqualTo("PolicyInputList.1");
            }
            if (c.contextKey() == null && c.action().equals("sagemaker:InvokeEndpoint")) {
                assertThat(result.path("MissingContextValues").toString()).contains("aws:SecureTransport");
            }
        }
    }

    @Test
    void simulatePrincipalPolicyUsesTheLiveConfiguration() throws Exception {
        String analyst = "arn:aws:iam::123456789012:user/demo-analyst";
        String guest = "arn:aws:iam::123456789012:user/demo-guest";
        assertThat(decision(analyst, IRIS, "true")).isEqualTo("allowed");
        assertThat(decision(analyst, IRIS, "false")).isEqualTo("implicitDeny");
        assertThat(decision(analyst, FRAUD, "true")).isEqualTo("implicitDeny");
        assertThat(decision(guest, IRIS, "true")).isEqualTo("implicitDeny");
        // the same answers as the policy test runner gives for the demo configuration (policies/tests/demo.yaml)
        GatewayIntegrationTest.CliRun missing = cli("iam simulate-principal-policy --policy-source-arn "
                + "arn:aws:iam::123456789012:user/nobody --action-names sagemaker:InvokeEndpoint");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.output()).contains("(NoSuchEntity)");
    }

    private String decision(String source, String resource, String secure) throws Exception {
        return run("iam simulate-principal-policy --policy-source-arn " + source
                + " --action-names sagemaker:InvokeEndpoint --resource-arns " + resource
                + " --context-entries ContextKeyName=aws:SecureTransport,ContextKeyValues=" + secure
                + ",ContextKeyType=boolean").path("EvaluationResults").get(0).path("EvalDecision").asString();
    }

    private JsonNode run(String args) throws Exception {
        GatewayIntegrationTest.CliRun run = cli(args + " --output json");
        assertThat(run.exit()).as(run.output()).isZero();
        return json.readTree(run.output());
    }

    private GatewayIntegrationTest.CliRun cli(String args) throws Exception {
        String[] keys = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-admin");
        return GatewayIntegrationTest.runCli("AWS_ACCESS_KEY_ID=" + keys[0] + " AWS_SECRET_ACCESS_KEY=" + keys[1]
                + " AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE=" + home.resolve("keys/dev-ca.pem")
                + " /usr/bin/aws --endpoint-url https://localhost:" + port + " " + args);
    }
}
