package io.mlgate.gateway;

import io.mlgate.audit.integrity.TrailValidator;
import io.mlgate.audit.integrity.ValidationOptions;
import io.mlgate.audit.integrity.ValidationReport;
import io.mlgate.audit.integrity.Witness;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.CloudTrailException;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.InvalidLookupAttributesException;
import software.amazon.awssdk.services.cloudtrail.model.InvalidTimeRangeException;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.PublicKey;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The audit trail through the running gateway: LookupEvents with the AWS SDK's CloudTrailClient and the AWS CLI v2,
 * ListPublicKeys, {@code audit digest --now} against a running gateway (a signed CreateDigest call), and validation of
 * the live folder.
 */
class AuditTrailIntegrationTest extends RunningGateway {

    private CloudTrailClient cloudTrail(String profile) throws Exception {
        String[] k = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get(profile);
        return CloudTrailClient.builder().endpointOverride(URI.create("https://localhost:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k[0], k[1])))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    private String invokeIris() throws Exception {
        String[] k = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-analyst");
        try (SageMakerRuntimeClient runtime = SageMakerRuntimeClient.builder()
                .endpointOverride(URI.create("https://localhost:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(k[0], k[1])))
                .httpClient(ApacheHttpClient.builder().tlsTrustManagersProvider(trustDevCa()::getTrustManagers).build())
                .build()) {
            return runtime.invokeEndpoint(r -> r.endpointName("iris").contentType("text/csv")
                    .body(SdkBytes.fromUtf8String("6.3,3.3,6.0,2.5"))).responseMetadata().requestId();
        }
    }

    @Test
    void lookupEventsFindsTheCallJustMadeWithTheSdk() throws Exception {
        String requestId = invokeIris();
        try (CloudTrailClient ct = cloudTrail("demo-admin")) {
            List<Event> events = ct.lookupEvents(r -> r.lookupAttributes(a -> a
                    .attributeKey(LookupAttributeKey.EVENT_NAME).attributeValue("InvokeEndpoint"))
                    .maxResults(50)).events();
            Event found = events.stream()
                    .filter(e -> e.cloudTrailEvent().contains("\"requestID\":\"" + requestId + "\"")).findFirst()
                    .orElseThrow(() -> new AssertionError("InvokeEndpoint " + requestId + " not returned"));
            assertThat(found.eventSource()).isEqualTo("sagemaker.amazonaws.com");
            assertThat(found.username()).isEqualTo("demo-analyst");
            assertThat(found.readOnly()).isEqualTo("false");
            assertThat(found.resources()).anySatisfy(r -> assertThat(r.resourceName()).isEqualTo("iris"));
            JsonNode record = JsonMapper.builder().build().readTree(found.cloudTrailEvent());
            assertThat(CloudTrailRecordSchema.violations(record)).isEmpty();
            // newest first
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i - 1).eventTime()).isAfterOrEqualTo(events.get(i).eventTime());
            }

            // paging: pages of 2 cover the same events as one page, in the same order
            List<String> paged = new ArrayList<>();
            ct.lookupEventsPaginator(r -> r.maxResults(2).lookupAttributes(a -> a
                            .attributeKey(LookupAttributeKey.USERNAME).attributeValue("demo-analyst")))
                    .events().forEach(e -> paged.add(e.eventId()));
            List<String> whole = ct.lookupEvents(r -> r.maxResults(50).lookupAttributes(a -> a
                            .attributeKey(LookupAttributeKey.USERNAME).attributeValue("demo-analyst")))
                    .events().stream().map(Event::eventId).toList();
            assertThat(paged.subList(0, Math.min(paged.size(), whole.size()))).isEqualTo(whole);

            assertThatThrownBy(() -> ct.lookupEvents(r -> r.lookupAttributes(
                    a -> a.attributeKey(LookupAttributeKey.EVENT_NAME).attributeValue("A"),
                    a -> a.attributeKey(LookupAttributeKey.USERNAME).attributeValue("B"))))
                    .isInstanceOf(InvalidLookupAttributesException.class);
            assertThatThrownBy(() -> ct.lookupEvents(r -> r.startTime(Instant.now())
                    .endTime(Instant.now().minusSeconds(3600))))
                    .isInstanceOf(InvalidTimeRangeException.class);
        }
        try (CloudTrailClient guest = cloudTrail("demo-guest")) {
            assertThatThrownBy(() -> guest.lookupEvents(r -> r.maxResults(1)))
                    .isInstanceOf(CloudTrailException.class)
                    .satisfies(e -> assertThat(((CloudTrailException) e).statusCode()).isEqualTo(403));
        }
    }

    @Test
    void awsCliLookupEventsReturnsTheDemosEvents() throws Exception {
        String requestId = invokeIris();
        String[] keys = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-admin");
        GatewayIntegrationTest.CliRun run = GatewayIntegrationTest.runCli("AWS_ACCESS_KEY_ID=" + keys[0]
                + " AWS_SECRET_ACCESS_KEY=" + keys[1] + " AWS_DEFAULT_REGION=us-east-1 AWS_CA_BUNDLE="
                + home.resolve("keys/dev-ca.pem") + " /usr/bin/aws --endpoint-url https://localhost:" + port
                + " cloudtrail lookup-events --lookup-attributes AttributeKey=EventName,AttributeValue=InvokeEndpoint"
                + " --max-results 50 --output json");
        assertThat(run.exit()).as(run.output()).isZero();
        JsonNode answer = JsonMapper.builder().build().readTree(run.output());
        List<String> requestIds = new ArrayList<>();
        for (JsonNode e : answer.path("Events")) {
            requestIds.add(JsonMapper.builder().build().readTree(e.path("CloudTrailEvent").asString())
                    .path("requestID").asString());
            assertThat(e.path("EventName").asString()).isEqualTo("InvokeEndpoint");
        }
        assertThat(requestIds).contains(requestId);
    }

    @Test
    void digestNowThroughTheRunningGatewayThenTheLiveFolderValidates() throws Exception {
        invokeIris();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new io.mlgate.cli.Main()).execute("audit", "digest", "--now",
                    "--home", home.toString(), "--url", "https://localhost:" + port);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("the gateway at").contains("witness: ");
        String witness = printed.substring(printed.indexOf("witness: ") + 9).strip();
        assertThat(Witness.parse(witness)).isEqualTo(Witness.current(home.resolve("audit")));

        ValidationReport report = new TrailValidator().validate(home.resolve("audit"),
                ValidationOptions.defaults().withWitness(Witness.parse(witness)));
        assertThat(report.problems()).isEmpty();
        assertThat(report.digestsChecked()).isPositive();
        assertThat(report.logFilesChecked()).isPositive();

        // the CreateDigest call itself is audited, with its caller and decision
        List<JsonNode> digestCalls = auditEvents().stream()
                .filter(e -> e.path("eventName").asString().equals("CreateDigest")).toList();
        assertThat(digestCalls).isNotEmpty();
        assertThat(digestCalls.get(0).path("userIdentity").path("userName").asString()).isEqualTo("demo-admin");

        try (CloudTrailClient ct = cloudTrail("demo-admin")) {
            List<PublicKey> keys = ct.listPublicKeys(r -> r.startTime(Instant.now().minusSeconds(86400))
                    .endTime(Instant.now())).publicKeyList();
            assertThat(keys).isNotEmpty();
            String headKeyFingerprint = JsonMapper.builder().build().readTree(
                    home.resolve("audit/digests/head.json").toFile()).path("digestPublicKeyFingerprint").asString();
            assertThat(keys).anySatisfy(k -> assertThat(k.fingerprint()).isEqualTo(headKeyFingerprint));
        }
    }

    @Test
    void exportOfTheLiveTrailVerifiesOfflineInEveryFormat() throws Exception {
        String requestId = invokeIris();
        assertThat(cli("audit", "digest", "--now", "--home", home.toString(), "--url", "https://localhost:" + port)
                .exit()).isZero();
        Instant from = Instant.now().minusSeconds(3600);
        Instant to = Instant.now().plusSeconds(5);
        for (String format : List.of("jsonl", "csv", "ocsf")) {
            java.nio.file.Path bundle = home.resolve("export-" + format + ".zip");
            Cli export = cli("audit", "export", "--home", home.toString(), "--from", from.toString(),
                    "--to", to.toString(), "--filter", "EventName=InvokeEndpoint", "--format", format,
                    "--out", bundle.toString(), "--no-progress");
            assertThat(export.exit()).as(export.output()).isZero();
            Cli verify = cli("audit", "verify-bundle", bundle.toString());
            assertThat(verify.exit()).as(verify.output()).isZero();
            assertThat(verify.output()).startsWith("VALID");
            if (format.equals("jsonl")) {
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(bundle.toFile())) {
                    String events = new String(zip.getInputStream(zip.getEntry("events.jsonl")).readAllBytes(),
                            StandardCharsets.UTF_8);
                    assertThat(events).contains("\"requestID\":\"" + requestId + "\"")
                            .doesNotContain("\"eventName\":\"LookupEvents\"");
                }
            }
        }
    }

    record Cli(int exit, String output) {
    }

    /** Runs the mlgate CLI in-process, capturing stdout and stderr. */
    static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        try {
            PrintStream both = new PrintStream(out, true, StandardCharsets.UTF_8);
            System.setOut(both);
            System.setErr(both);
            int exit = new CommandLine(new io.mlgate.cli.Main()).execute(args);
            return new Cli(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void digestNowIsRefusedToACallerWithoutPermission() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedErr = System.err;
        PrintStream savedOut = System.out;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            exit = new CommandLine(new io.mlgate.cli.Main()).execute("audit", "digest", "--now",
                    "--home", home.toString(), "--url", "https://localhost:" + port, "--profile", "demo-analyst");
        } finally {
            System.setErr(savedErr);
            System.setOut(savedOut);
        }
        assertThat(exit).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("403").contains("AccessDenied");
    }
}
