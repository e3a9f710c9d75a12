package io.mlgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mlgate.audit.integrity.TrailValidator;
import io.mlgate.audit.integrity.ValidationOptions;
import io.mlgate.audit.integrity.ValidationReport;
import io.mlgate.auth.sigv4.SigV4Signer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mlgate pii scan} while the gateway holds the audit folder: the job's PiiDiscoveryJob event goes through the
 * gateway ({@code MlgateAudit_20261126.RecordPiiDiscoveryJob}), which authorizes and audits the call; a caller
 * without permission gets AccessDenied and the job fails without a report; a malformed body is a
 * ValidationException; the live trail validates afterwards.
 */
class PiiDiscoveryIntegrationTest extends RunningGateway {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Path data() throws Exception {
        Path data = Files.createDirectories(home.resolve("pii-it-data"));
        Files.writeString(data.resolve("leads.csv"), "name,email,phone\nJane,jane.doe@example.com,n/a\n"
                + "Ann,ann.lee@example.com,n/a\n");
        Files.writeString(data.resolve("orders.jsonl"), "{\"order\": 1, \"card\": \"4111 1111 1111 1111\"}\n");
        return data;
    }

    private List<JsonNode> events(String name) throws Exception {
        return auditEvents().stream().filter(e -> e.path("eventName").asString().equals(name)).toList();
    }

    @Test
    void theJobsEventGoesThroughTheRunningGatewayAndIsAuditedWithItsCaller() throws Exception {
        Path data = data();
        int before = events("PiiDiscoveryJob").size();
        AuditTrailIntegrationTest.Cli run = AuditTrailIntegrationTest.cli("pii", "scan", data.toString(), "--home",
                home.toString(), "--url", "https://localhost:" + port, "--no-progress");
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("recorded by the gateway at https://localhost:" + port)
                .doesNotContain("jane.doe@example.com");
        String jobId = run.output().substring("PII discovery job ".length(), run.output().indexOf(':'));

        List<JsonNode> jobs = events("PiiDiscoveryJob");
        assertThat(jobs).hasSize(before + 1);
        JsonNode job = jobs.get(jobs.size() - 1);
        assertThat(CloudTrailRecordSchema.violations(job)).isEmpty();
        assertThat(job.path("eventSource").asString()).isEqualTo("pii.mlgate");
        assertThat(job.path("responseElements").path("jobId").asString()).isEqualTo(jobId);
        assertThat(job.path("responseElements").path("countsByType").toString())
                .isEqualTo("{\"CREDIT_CARD\":1,\"EMAIL\":2}");
        assertThat(job.path("additionalEventData").path("recordedVia").asString()).isEqualTo("gateway");
        assertThat(job.path("additionalEventData").path("reportedBy").asString()).endsWith(":user/demo-admin");
        assertThat(job.path("sourceIPAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(job.path("recipientAccountId").asString()).isEqualTo("123456789012");

        JsonNode call = events("RecordPiiDiscoveryJob").stream()
                .filter(e -> jobId.equals(e.path("requestParameters").path("jobId").asString())).findFirst()
                .orElseThrow();
        assertThat(CloudTrailRecordSchema.violations(call)).isEmpty();
        assertThat(call.path("userIdentity").path("userName").asString()).isEqualTo("demo-admin");
        assertThat(call.path("eventSource").asString()).isEqualTo("cloudtrail.amazonaws.com");
        assertThat(call.has("errorCode")).isFalse();
        assertThat(call.path("additionalEventData").path("policyDecision").path("outcome").asString())
                .isEqualTo("ALLOW");
        assertThat(allAuditText()).doesNotContain("jane.doe@example.com").doesNotContain("4111 1111");
        assertThat(home.resolve("data/pii-reports").resolve(jobId).resolve("report.html")).exists();

        AuditTrailIntegrationTest.Cli digest = AuditTrailIntegrationTest.cli("audit", "digest", "--now", "--home",
                home.toString(), "--url", "https://localhost:" + port);
        assertThat(digest.exit()).as(digest.output()).isZero();
        ValidationReport report = new TrailValidator().validate(home.resolve("audit"), ValidationOptions.defaults());
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void aCallerWithoutPermissionCannotRecordAJobAndTheJobFails() throws Exception {
        Path data = data();
        int before = events("PiiDiscoveryJob").size();
        AuditTrailIntegrationTest.Cli run = AuditTrailIntegrationTest.cli("pii", "scan", data.toString(), "--home",
                home.toString(), "--url", "https://localhost:" + port, "--profile", "demo-guest", "--no-progress");
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.output()).contains("403").contains("AccessDenied").contains("no report was written");
        assertThat(events("PiiDiscoveryJob")).hasSize(before);
        assertThat(events("RecordPiiDiscoveryJob")).anySatisfy(e -> {
            assertThat(e.path("userIdentity").path("userName").asString()).isEqualTo("demo-guest");
            assertThat(e.path("errorCode").asString()).startsWith("AccessDenied");
        });
    }

    @Test
    void theDemoModelStoreIsReadWithoutKeysAndHoldsNoPii() throws Exception {
        AuditTrailIntegrationTest.Cli run = AuditTrailIntegrationTest.cli("pii", "scan", "--model-store", "--format",
                "json", "--home", home.toString(), "--url", "https://localhost:" + port, "--no-progress");
        assertThat(run.exit()).as(run.output()).isZero();
        JsonNode report = JSON.readTree(run.output());
        // iris.mlga, uploaded/iris.mlga, uploaded/iris-b.mlga: descriptors with feature names, labels, trainer
        assertThat(report.path("filesScanned").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(report.path("filesFailed").asLong()).isZero();
        assertThat(report.path("countsByType").size()).isZero();
    }

    @Test
    void aMalformedSummaryIsAValidationException() throws Exception {
        String[] k = DemoCredentialsFile.read(home.resolve("keys/demo-credentials")).get("demo-admin");
        String body = "{\"JobId\": \"3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8\", \"Sample\": \"jane.doe@example.com\"}";
        URI endpoint = URI.create("https://localhost:" + port + "/");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of("application/x-amz-json-1.1"));
        headers.put("x-amz-target", List.of("MlgateAudit_20261126.RecordPiiDiscoveryJob"));
        Map<String, String> signed = SigV4Signer.builder().credentials(k[0], k[1].toCharArray()).region("us-east-1")
                .service("cloudtrail").build().sign("POST", endpoint, headers, body.getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach((name, v) -> request.header(name, v.get(0)));
        signed.forEach(request::header);
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(clientContext("TLS")).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("__type").asString()).isEqualTo("ValidationException");
        assertThat(answer.path("message").asString()).contains("unknown member Sample")
                .doesNotContain("jane.doe@example.com");
    }
}
