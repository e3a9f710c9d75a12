package io.mlgate.gateway;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.gateway.console.ConsoleWebFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console through the running gateway: the static files under {@code /console} (headers, gzip, redirects,
 * 404 for anything not an exact file name, 405, no cookie, no audit event) with the fixture files of
 * {@code src/test/resources/console-fixture/}, and the {@code MlgateConsole_20261127} API with SigV4-signed calls:
 * each operation allowed for demo-admin, denied for demo-analyst, audited, its input validated strictly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TARGET = "MlgateConsole_20261127.";

    @TempDir
    static Path home;

    private static ConfigurableApplicationContext app;
    private static int port;
    private static HttpClient http;
    private static String[] admin;
    private static String[] analyst;

    @BeforeAll
    static void start() throws Exception {
        Path policies = home.resolve("policies");
        TestFiles.copyTree(Path.of("policies").toAbsolutePath(), policies);
        app = new SpringApplicationBuilder(GatewayApplication.class)
                .run("--server.port=0", "--mlgate.home=" + home, "--mlgate.policies-dir=" + policies,
                        "--mlgate.policies-reload-interval=0", "--mlgate.management.port=0",
                        "--mlgate.console.assets=console-fixture");
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        Map<String, String[]> keys = DemoCredentialsFile.read(home.resolve("keys/demo-credentials"));
        admin = keys.get("demo-admin");
        analyst = keys.get("demo-analyst");
        http = HttpClient.newBuilder().sslContext(TestFiles.sslContextTrusting(home.resolve("keys/dev-ca.pem")))
                .build();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    // ---- static files ----

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        return send("GET", path, headers);
    }

    private static HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertSecurityHeaders(HttpResponse<?> r) {
        ConsoleWebFilter.SECURITY_HEADERS.forEach((name, value) ->
                assertThat(r.headers().allValues(name)).as(name + " on " + r.uri()).containsExactly(value));
        assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; "
                + "script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
                + "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Set-Cookie"));
    }

    @Test
    @Order(1)
    void theConsoleIsServedWithItsHeadersAndNeverReachesTheApiPath() throws Exception {
        int auditBefore = TestFiles.auditLines(home.resolve("audit")).size();

        HttpResponse<byte[]> redirect = get("/console");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/console/");
        assertSecurityHeaders(redirect);

        HttpResponse<byte[]> index = get("/console/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(index.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(index.body(), StandardCharsets.UTF_8)).contains("mlgate console (test fixture)");
        assertSecurityHeaders(index);

        HttpResponse<byte[]> gz = get("/console/", "Accept-Encoding", "br;q=1, gzip;q=0.8");
        assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gz.headers().firstValue("Vary")).hasValue("Accept-Encoding");
        assertThat(gunzip(gz.body())).isEqualTo(index.body());
        assertThat(gz.body().length).isLessThan(index.body().length);
        assertThat(get("/console/", "Accept-Encoding", "gzip;q=0").headers().firstValue("Content-Encoding"))
                .as("q=0 refuses gzip").isEmpty();

        HttpResponse<byte[]> js = get("/console/assets/app-abc123.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertSecurityHeaders(js);

        HttpResponse<byte[]> config = get("/console/config.json");
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(config.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode c = JSON.readTree(config.body());
        assertThat(c.path("region").asString()).isEqualTo("us-east-1");
        assertThat(c.path("accountId").asString()).isEqualTo("123456789012");
        assertThat(c.get("oidc").isNull()).isTrue();

        HttpResponse<byte[]> head = send("HEAD", "/console/assets/app-abc123.js");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertSecurityHeaders(head);

        for (String path : List.of("/console/../pom.xml", "/console/%2e%2e/", "/console/assets/../../x",
                "/console/assets/", "/console/nothing.js", "/console/assets/app-abc123.js/",
                "/console/%61ssets/app-abc123.js", "/console//index.html")) {
            HttpResponse<byte[]> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).as(path).hasValue("text/plain; charset=utf-8");
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("<project");
            assertSecurityHeaders(r);
        }
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            HttpResponse<byte[]> r = send(method, "/console");
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertSecurityHeaders(r);
        }
        assertThat(send("POST", "/console/index.html").statusCode()).isEqualTo(405);

        // none of the above reached the API path: no audit event, no AWS error shape
        List<String> after = TestFiles.auditLines(home.resolve("audit"));
        assertThat(after.subList(auditBefore, after.size())).noneMatch(l -> l.contains("/console"));
        // while a path that only looks like the console is an unknown API route, answered and audited as before
        HttpResponse<byte[]> other = get("/consolex");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(new String(other.body(), StandardCharsets.UTF_8)).contains("UnknownOperation");
        assertThat(other.headers().firstValue("Content-Security-Policy")).isEmpty();
        assertThat(TestFiles.auditLines(home.resolve("audit"))).anyMatch(l -> l.contains("/consolex"));
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    // ---- the API ----

    private static HttpResponse<String> call(String[] keys, String target, String service, String body)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create("https://localhost:" + port + "/");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of("localhost:" + port));
        headers.put("content-type", List.of("application/x-amz-json-1.1"));
        headers.put("x-amz-target", List.of(target));
        Map<String, String> signed = SigV4Signer.builder().credentials(keys[0], keys[1].toCharArray())
                .region("us-east-1").service(service).build().sign("POST", uri, headers, bytes);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", target).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> console(String[] keys, String operation, String body) throws Exception {
        return call(keys, TARGET + operation, "mlgate", body);
    }

    private static JsonNode ok(String[] keys, String operation, String body) throws Exception {
        HttpResponse<String> r = console(keys, operation, body);
        assertThat(r.statusCode()).as(operation + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
        assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Set-Cookie"));
        return JSON.readTree(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String type) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(JSON.readTree(r.body()).path("__type").asString()).isEqualTo(type);
    }

    /** The audit event of a response, by its request id. */
    private static JsonNode audited(HttpResponse<?> r) throws Exception {
        String id = r.headers().firstValue("x-amzn-RequestId").orElseThrow();
        for (String line : TestFiles.auditLines(home.resolve("audit"))) {
            if (line.contains("\"requestID\":\"" + id + "\"")) {
                return JSON.readTree(line);
            }
        }
        throw new AssertionError("no audit event for request " + id);
    }

    @Test
    @Order(2)
    void everyOperationIsAuthorizedAsItsMlgateActionAndAudited() throws Exception {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("ValidatePolicy", "{\"PolicyDocument\":\"{}\",\"PolicyType\":\"IDENTITY_POLICY\"}");
        bodies.put("ListPolicyTestSuites", "{}");
        bodies.put("RunPolicyTests", "{\"Suite\":\"demo.yaml\"}");
        bodies.put("ValidateTrail", "{}");
        bodies.put("StartExport", "{\"StartTime\":0,\"EndTime\":1}");
        bodies.put("DescribeExport", "{\"ExportId\":\"exp-0000000000000000\"}");
        bodies.put("GetEndpointMetrics", "{\"EndpointName\":\"iris\"}");
        bodies.put("ListServedEndpoints", "{}");
        bodies.put("GetPolicyTestSuite", "{\"Suite\":\"demo.yaml\"}");
        for (Map.Entry<String, String> e : bodies.entrySet()) {
            String op = e.getKey();
            HttpResponse<String> denied = console(analyst, op, e.getValue());
            assertError(denied, 403, "AccessDeniedException");
            assertThat(JSON.readTree(denied.body()).path("message").asString()).contains("mlgate:" + op);
            JsonNode event = audited(denied);
            assertThat(event.path("eventName").asString()).isEqualTo(op);
            assertThat(event.path("eventSource").asString()).isEqualTo("mlgate.amazonaws.com");
            assertThat(event.path("errorCode").asString()).isEqualTo("AccessDeniedException");
            assertThat(event.path("userIdentity").path("userName").asString()).isEqualTo("demo-analyst");
            assertThat(CloudTrailRecordSchema.violations(event)).as(op).isEmpty();

            HttpResponse<String> allowed = console(admin, op, e.getValue());
            // DescribeExport of an id never started is a 404, after authorization
            assertThat(allowed.statusCode()).as(op + ": " + allowed.body())
                    .isEqualTo(op.equals("DescribeExport") ? 404 : 200);
            JsonNode ev = audited(allowed);
            assertThat(ev.path("eventName").asString()).isEqualTo(op);
            assertThat(ev.path("userIdentity").path("userName").asString()).isEqualTo("demo-admin");
            assertThat(CloudTrailRecordSchema.violations(ev)).as(op).isEmpty();
            assertThat(ev.path("errorCode").isMissingNode() || ev.path("errorCode").isNull())
                    .as(op).isEqualTo(!op.equals("DescribeExport"));
        }
        // the endpoint's ARN is the resource of GetEndpointMetrics: a policy scoped to another endpoint does not allow it
        HttpResponse<String> r = console(admin, "GetEndpointMetrics", "{\"EndpointName\":\"iris\"}");
        assertThat(audited(r).path("resources").toString())
                .contains("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris");
    }

    @Test
    @Order(3)
    void badInputIsAValidationException() throws Exception {
        List<String[]> cases = List.of(
                new String[]{"ValidatePolicy", "{\"PolicyDocument\":\"{}\"}"},
                new String[]{"ValidatePolicy", "{\"PolicyDocument\":\"{}\",\"PolicyType\":\"TRUST\"}"},
                new String[]{"ValidatePolicy", "{\"PolicyDocument\":{},\"PolicyType\":\"IDENTITY_POLICY\"}"},
                new String[]{"ValidatePolicy", "{\"PolicyDocument\":\"" + "x".repeat(128 * 1024 + 1)
                        + "\",\"PolicyType\":\"IDENTITY_POLICY\"}"},
                new String[]{"ValidatePolicy", "{\"PolicyDocument\":\"{}\",\"PolicyType\":\"IDENTITY_POLICY\","
                        + "\"Extra\":1}"},
                new String[]{"ListPolicyTestSuites", "{\"Suite\":\"demo.yaml\"}"},
                new String[]{"RunPolicyTests", "{\"Suite\":\"../users/demo-admin.json\"}"},
                new String[]{"RunPolicyTests", "{\"Suite\":7}"},
                new String[]{"ValidateTrail", "{\"StartTime\":\"yesterday\"}"},
                new String[]{"ValidateTrail", "{\"StartTime\":100,\"EndTime\":50}"},
                new String[]{"ValidateTrail", "{\"StartTime\":-1}"},
                new String[]{"StartExport", "{\"StartTime\":0}"},
                new String[]{"StartExport", "{\"StartTime\":0,\"EndTime\":1,\"Format\":\"xml\"}"},
                new String[]{"DescribeExport", "{\"ExportId\":\"../../etc\"}"},
                new String[]{"DescribeExport", "{}"},
                new String[]{"GetEndpointMetrics", "{\"EndpointName\":\"no_such name\"}"},
                new String[]{"GetEndpointMetrics", "{}"},
                new String[]{"ListServedEndpoints", "{\"EndpointName\":\"iris\"}"},
                new String[]{"GetPolicyTestSuite", "{}"},
                new String[]{"GetPolicyTestSuite", "{\"Suite\":\"../users/demo-admin.json\"}"});
        for (String[] c : cases) {
            HttpResponse<String> r = console(admin, c[0], c[1]);
            assertError(r, 400, "ValidationException");
            assertThat(audited(r).path("errorCode").asString()).isEqualTo("ValidationException");
        }
        // and the same operations with valid input succeed (the checks above are not blanket refusals)
        ok(admin, "ValidatePolicy", "{\"PolicyDocument\":\"{}\",\"PolicyType\":\"SERVICE_CONTROL_POLICY\"}");
        ok(admin, "ValidateTrail", "{\"StartTime\":0,\"EndTime\":" + Instant.now().getEpochSecond() + "}");
        assertError(console(admin, "RunPolicyTests", "{\"Suite\":\"missing.yaml\"}"), 404,
                "ResourceNotFoundException");
        assertError(console(admin, "GetEndpointMetrics", "{\"EndpointName\":\"fraud\"}"), 404,
                "ResourceNotFoundException");
        assertError(console(admin, "NoSuchOperation", "{}"), 404, "UnknownOperationException");
    }

    @Test
    @Order(4)
    void validatePolicyReportsFindingsWithTheirPlace() throws Exception {
        String document = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n"
                + "    \"Action\": \"sagemaker:InvokeEndpont\",\n    \"Resource\": \"*\"\n  }]\n}";
        JsonNode out = ok(admin, "ValidatePolicy", JSON.writeValueAsString(Map.of("PolicyDocument", document,
                "PolicyType", "IDENTITY_POLICY")));
        JsonNode unknown = null;
        for (JsonNode f : out.path("Findings")) {
            if (f.path("Code").asString().equals("UNKNOWN_ACTION")) {
                unknown = f;
            }
        }
        assertThat(unknown).as(out.toString()).isNotNull();
        assertThat(unknown.path("Severity").asString()).isEqualTo("ERROR");
        assertThat(unknown.path("Line").asInt()).isEqualTo(5);
        assertThat(unknown.path("Column").asInt()).isEqualTo(15);
        assertThat(unknown.path("Path").asString()).isEqualTo("Statement[0].Action");
        assertThat(unknown.path("Message").asString()).contains("InvokeEndpont");

        JsonNode fixed = ok(admin, "ValidatePolicy", JSON.writeValueAsString(Map.of("PolicyDocument",
                document.replace("InvokeEndpont", "InvokeEndpoint"), "PolicyType", "IDENTITY_POLICY")));
        assertThat(fixed.path("Findings").toString()).doesNotContain("UNKNOWN_ACTION").doesNotContain("\"ERROR\"");
        JsonNode resource = ok(admin, "ValidatePolicy", JSON.writeValueAsString(Map.of("PolicyDocument",
                document.replace("InvokeEndpont", "InvokeEndpoint"), "PolicyType", "RESOURCE_POLICY")));
        assertThat(resource.path("Findings").toString()).as("a resource policy needs a Principal")
                .contains("\"ERROR\"");

        // the console's own actions are in the validator's catalogue
        JsonNode own = ok(admin, "ValidatePolicy", JSON.writeValueAsString(Map.of("PolicyDocument",
                document.replace("sagemaker:InvokeEndpont", "mlgate:RunPolicyTests"), "PolicyType",
                "IDENTITY_POLICY")));
        assertThat(own.path("Findings").toString()).doesNotContain("UNKNOWN_ACTION");
        JsonNode typo = ok(admin, "ValidatePolicy", JSON.writeValueAsString(Map.of("PolicyDocument",
                document.replace("sagemaker:InvokeEndpont", "mlgate:RunPolicyTest"), "PolicyType",
                "IDENTITY_POLICY")));
        assertThat(typo.path("Findings").toString()).contains("UNKNOWN_ACTION");
    }

    @Test
    @Order(5)
    void theDemoPolicyTestSuitesAreListedAndPass() throws Exception {
        JsonNode demoSuite = ok(admin, "GetPolicyTestSuite", "{\"Suite\":\"demo.yaml\"}");
        assertThat(demoSuite.path("Cases").toString()).contains("\"Name\":\"analyst may invoke iris over TLS\"")
                .contains("\"Principal\":\"demo-analyst\"").contains("\"aws:SecureTransport\":[\"true\"]");
        assertError(console(admin, "GetPolicyTestSuite", "{\"Suite\":\"nope.yaml\"}"), 404,
                "ResourceNotFoundException");
        JsonNode list = ok(admin, "ListPolicyTestSuites", "{}");
        List<String> names = new ArrayList<>();
        list.path("Suites").forEach(s -> names.add(s.path("Name").asString()));
        assertThat(names).contains("demo.yaml", "guest.json");
        list.path("Suites").forEach(s -> assertThat(s.path("Cases").asInt()).isPositive());

        JsonNode all = ok(admin, "RunPolicyTests", "{}");
        assertThat(all.path("Failed").asInt()).as(all.toString()).isZero();
        assertThat(all.path("Passed").asInt()).isEqualTo(all.path("Results").size()).isPositive();
        JsonNode demo = ok(admin, "RunPolicyTests", "{\"Suite\":\"demo.yaml\"}");
        demo.path("Results").forEach(r -> {
            assertThat(r.path("Suite").asString()).isEqualTo("demo.yaml");
            assertThat(r.path("Passed").asBoolean()).isTrue();
            assertThat(r.path("Explanation").asString()).isNotBlank();
        });

        // a case that no longer holds fails with its explanation
        Path suite = home.resolve("policies/tests/console-check.yaml");
        Files.writeString(suite, """
                cases:
                  - name: guest may invoke iris
                    principal: demo-guest
                    action: sagemaker:InvokeEndpoint
                    resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris
                    expect: Allow
                """);
        try {
            JsonNode failing = ok(admin, "RunPolicyTests", "{\"Suite\":\"console-check.yaml\"}");
            assertThat(failing.path("Failed").asInt()).isEqualTo(1);
            JsonNode r = failing.path("Results").get(0);
            assertThat(r.path("Passed").asBoolean()).isFalse();
            assertThat(r.path("Expected").asString()).isEqualTo("Allow");
            assertThat(r.path("Actual").asString()).isEqualTo("ImplicitDeny");
            assertThat(r.path("Explanation").asString()).contains("implicitly denied");
        } finally {
            Files.delete(suite);
        }
    }

    @Test
    @Order(6)
    void getEndpointMetricsShowsTheInvocations() throws Exception {
        long before = ok(admin, "GetEndpointMetrics", "{\"EndpointName\":\"iris\"}").path("Variants").get(0)
                .path("Invocations").asLong();
        for (int i = 0; i < 3; i++) {
            assertThat(invokeIris(analyst)).isEqualTo(200);
        }
        JsonNode out = ok(admin, "GetEndpointMetrics", "{\"EndpointName\":\"iris\"}");
        assertThat(out.path("EndpointName").asString()).isEqualTo("iris");
        JsonNode v = out.path("Variants").get(0);
        assertThat(v.path("VariantName").asString()).isNotBlank();
        assertThat(v.path("Invocations").asLong()).isEqualTo(before + 3);
        assertThat(v.path("ModelLatencyP50").asLong()).isPositive();
        assertThat(v.path("ModelLatencyP99").asLong()).isGreaterThanOrEqualTo(v.path("ModelLatencyP50").asLong());
        assertThat(v.path("LoadedModels").asInt()).isEqualTo(1);
        assertThat(v.path("History").isArray()).isTrue();
        assertThat(v.path("History").size()).as("sampled at start").isGreaterThanOrEqualTo(1);
        assertThat(v.path("Invocation4XXErrors").asLong()).isZero();

        // the demo's iris is served from the gateway's configuration: ListServedEndpoints has it
        assertThat(ok(admin, "ListServedEndpoints", "{}").path("Endpoints").toString())
                .contains("{\"EndpointName\":\"iris\"}");
    }

    private static int invokeIris(String[] keys) throws Exception {
        byte[] body = "5.1,3.5,1.4,0.2".getBytes(StandardCharsets.UTF_8);
        URI target = URI.create("https://localhost:" + port + "/endpoints/iris/invocations");
        Map<String, String> signed = SigV4Signer.builder().credentials(keys[0], keys[1].toCharArray())
                .region("us-east-1").service("sagemaker").build()
                .sign("POST", target, Map.of("host", List.of("localhost:" + port), "content-type",
                        List.of("text/csv")), body);
        HttpRequest.Builder request = HttpRequest.newBuilder(target).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Order(7)
    void anExportRunsInTheBackgroundUntilItSucceeds() throws Exception {
        invokeIris(analyst);
        HttpResponse<String> digest = call(admin, "MlgateAudit_20261126.CreateDigest", "cloudtrail", "{}");
        assertThat(digest.statusCode()).as(digest.body()).isEqualTo(200);
        long now = Instant.now().getEpochSecond();
        String id = ok(admin, "StartExport", "{\"StartTime\":" + (now - 3600) + ",\"EndTime\":" + (now + 5)
                + ",\"Format\":\"csv\"}").path("ExportId").asString();
        assertThat(id).matches("exp-[0-9a-f]{16}");
        JsonNode d = null;
        for (int i = 0; i < 200; i++) {
            d = ok(admin, "DescribeExport", "{\"ExportId\":\"" + id + "\"}");
            if (!d.path("Status").asString().equals("RUNNING")) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(d.path("Status").asString()).as(d.toString()).isEqualTo("SUCCEEDED");
        assertThat(d.path("Progress").asInt()).isEqualTo(100);
        assertThat(d.path("EventCount").asLong()).isPositive();
        assertThat(d.path("Location").asString()).isEqualTo("exports/" + id + "/");
        Path bundle = home.resolve("exports").resolve(id).resolve("audit-export.zip");
        assertThat(bundle).isRegularFile();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(bundle.toFile())) {
            assertThat(zip.getEntry("events.csv")).isNotNull();
            assertThat(zip.getEntry("manifest.sig")).isNotNull();
        }
    }

    @Test
    @Order(8)
    void validateTrailIsValidOnTheLiveTrailAndInvalidOnceAClosedLogFileIsTampered() throws Exception {
        invokeIris(analyst);
        HttpResponse<String> digest = call(admin, "MlgateAudit_20261126.CreateDigest", "cloudtrail", "{}");
        assertThat(digest.statusCode()).as(digest.body()).isEqualTo(200);

        JsonNode valid = ok(admin, "ValidateTrail", "{}");
        assertThat(valid.path("Valid").asBoolean()).as(valid.toString()).isTrue();
        assertThat(valid.path("Summary").asString()).startsWith("VALID");
        assertThat(valid.path("Digests").size()).isPositive();
        valid.path("Digests").forEach(x -> assertThat(x.path("Status").asString()).isEqualTo("VALID"));
        List<String> statuses = new ArrayList<>();
        valid.path("Files").forEach(x -> statuses.add(x.path("Status").asString()));
        assertThat(statuses).contains("VALID").doesNotContain("INVALID");
        // the log file open now (holding this very call's predecessors) is not covered by a digest yet
        assertThat(statuses).contains("NOT_COVERED");

        Path closed;
        try (Stream<Path> files = Files.list(home.resolve("audit"))) {
            closed = files.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz")).sorted().findFirst()
                    .orElseThrow();
        }
        byte[] content = gunzip(Files.readAllBytes(closed));
        String text = new String(content, StandardCharsets.UTF_8).replaceFirst("demo-", "demX-");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Files.write(closed, out.toByteArray());

        JsonNode invalid = ok(admin, "ValidateTrail", "{}");
        assertThat(invalid.path("Valid").asBoolean()).isFalse();
        assertThat(invalid.path("Summary").asString()).startsWith("INVALID");
        JsonNode tampered = null;
        for (JsonNode f : invalid.path("Files")) {
            if (f.path("Name").asString().equals(closed.getFileName().toString())) {
                tampered = f;
            }
        }
        assertThat(tampered).as(invalid.toString()).isNotNull();
        assertThat(tampered.path("Status").asString()).isEqualTo("INVALID");
        assertThat(tampered.path("Problems").get(0).asString()).startsWith("MODIFIED_LOG_FILE");
    }
}
