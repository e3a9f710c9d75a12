package io.mlgate.gateway.console;

import io.mlgate.audit.export.EventFilter;
import io.mlgate.audit.export.ExportFormat;
import io.mlgate.audit.export.ExportQuery;
import io.mlgate.audit.integrity.TrailProblem;
import io.mlgate.audit.integrity.TrailValidator;
import io.mlgate.audit.integrity.ValidationOptions;
import io.mlgate.audit.integrity.ValidationReport;
import io.mlgate.gateway.EndpointMetrics;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.guardrail.GuardrailSet;
import io.mlgate.iam.testing.CaseResult;
import io.mlgate.iam.testing.PolicyTestCase;
import io.mlgate.iam.testing.PolicyTestRunner;
import io.mlgate.iam.testing.PolicyTestSuite;
import io.mlgate.iam.testing.PolicyTestSuiteException;
import io.mlgate.iam.testing.PolicyTestSuiteReader;
import io.mlgate.iam.validate.Finding;
import io.mlgate.iam.validate.PolicyValidator;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The web console's API over JSON 1.1 ({@link JsonApi#MLGATE_CONSOLE}, {@code MlgateConsole_20261127.<Operation>},
 * signing name {@code mlgate}), each operation authorized as {@code mlgate:<Operation>} and audited like every call
 * (docs/console.md):
 * <ul>
 *   <li>{@code ValidatePolicy}: the policy validator's findings ({@link PolicyValidator}, as
 *       {@code ./mlgate policy validate});</li>
 *   <li>{@code ListPolicyTestSuites}, {@code RunPolicyTests}: the suites of the gateway's {@code policies/tests/},
 *       run with {@link PolicyTestRunner} against the configuration in force;</li>
 *   <li>{@code ValidateTrail}: {@link TrailValidator} over the gateway's audit folder (as
 *       {@code ./mlgate audit validate}); log files no digest covers yet, the open one included, are
 *       {@code NOT_COVERED}, not failures;</li>
 *   <li>{@code StartExport}, {@code DescribeExport}: background compliance exports ({@link ConsoleExports});</li>
 *   <li>{@code GetEndpointMetrics}: an endpoint's {@link EndpointMetrics} (resource: the endpoint's ARN).</li>
 *   <li>{@code GetPolicyTestSuite}: one suite's cases as written (principal, action, resource, context,
 *       expectation), which the simulator offers as ready-made requests.</li>
 *   <li>{@code ListServedEndpoints}: the names of every endpoint the gateway serves, those of its own configuration
 *       (the demo's {@code iris}) as well as the SageMaker control plane's, which ListEndpoints alone lists.</li>
 * </ul>
 * Inputs are checked strictly in {@link #target} (unknown members, wrong types, out-of-range values are
 * {@code ValidationException}) without I/O; the work happens in {@link #invoke}, which the gateway runs off the
 * event loop.
 */
public final class ConsoleService implements JsonService {

    static final String VALIDATE_POLICY = "ValidatePolicy";
    static final String LIST_SUITES = "ListPolicyTestSuites";
    static final String RUN_TESTS = "RunPolicyTests";
    static final String VALIDATE_TRAIL = "ValidateTrail";
    static final String START_EXPORT = "StartExport";
    static final String DESCRIBE_EXPORT = "DescribeExport";
    static final String ENDPOINT_METRICS = "GetEndpointMetrics";
    static final String LIST_SERVED = "ListServedEndpoints";
    static final String GET_SUITE = "GetPolicyTestSuite";

    /** The largest policy document ValidatePolicy takes, in UTF-8 bytes. */
    public static final int MAX_POLICY_BYTES = 128 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> OPERATIONS = Set.of(VALIDATE_POLICY, LIST_SUITES, RUN_TESTS, VALIDATE_TRAIL,
            START_EXPORT, DESCRIBE_EXPORT, ENDPOINT_METRICS, LIST_SERVED, GET_SUITE);
    private static final Set<String> READ_ONLY = Set.of(VALIDATE_POLICY, LIST_SUITES, RUN_TESTS, VALIDATE_TRAIL,
            DESCRIBE_EXPORT, ENDPOINT_METRICS, LIST_SERVED, GET_SUITE);
    private static final Map<String, PolicyKind> POLICY_TYPES = Map.of(
            "IDENTITY_POLICY", PolicyKind.IDENTITY,
            "RESOURCE_POLICY", PolicyKind.RESOURCE,
            "SERVICE_CONTROL_POLICY", PolicyKind.IDENTITY);
    private static final Pattern SUITE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*");
    private static final Pattern EXPORT_ID = Pattern.compile("exp-[0-9a-f]{16}");
    private static final Pattern ENDPOINT_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    /** 9999-12-31T23:59:59Z: later times are refused. */
    private static final long MAX_EPOCH_SECONDS = 253_402_300_799L;

    private final Supplier<IamConfiguration> configuration;
    private final GuardrailSet guardrails;
    private final Path testsDir;
    private final Path auditDir;
    private final ConsoleExports exports;
    private final EndpointMetrics metrics;
    private final String region;
    private final String accountId;
    private final Clock clock;
    /** Trail validations hash every log file: at most {@value #MAX_VALIDATIONS} at once. */
    final java.util.concurrent.Semaphore validations = new java.util.concurrent.Semaphore(MAX_VALIDATIONS);

    /** Trail validations that may run at once; more are {@code ThrottlingException}. */
    public static final int MAX_VALIDATIONS = 2;

    /**
     * @param configuration the IAM configuration in force (the policy tests run against it)
     * @param testsDir      the gateway's {@code policies/tests/}
     * @param auditDir      the gateway's audit folder
     * @param accountId     the hosting account (of endpoint ARNs)
     */
    public ConsoleService(Supplier<IamConfiguration> configuration, Path testsDir, Path auditDir,
                          ConsoleExports exports, EndpointMetrics metrics, String region, String accountId,
                          Clock clock) {
        this(configuration, GuardrailSet.disabled(), testsDir, auditDir, exports, metrics, region, accountId, clock);
    }

    /**
     * @param guardrails the gateway's OPA guardrails in force: RunPolicyTests asks them when IAM allows, as the
     *                   gateway does
     */
    public ConsoleService(Supplier<IamConfiguration> configuration, GuardrailSet guardrails, Path testsDir,
                          Path auditDir, ConsoleExports exports, EndpointMetrics metrics, String region,
                          String accountId, Clock clock) {
        this.guardrails = guardrails;
        this.configuration = configuration;
        this.testsDir = testsDir;
        this.auditDir = auditDir;
        this.exports = exports;
        this.metrics = metrics;
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    @Override
    public JsonApi api() {
        return JsonApi.MLGATE_CONSOLE;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    /** A 128 KiB policy document, JSON-escaped, fits. */
    @Override
    public int maxBodyBytes() {
        return 6 * MAX_POLICY_BYTES;
    }

    @Override
    public JsonTarget target(String operation, JsonNode body, String callerAccountId, PrincipalContext caller)
            throws JsonServiceException {
        Map<String, Object> parameters = new LinkedHashMap<>();
        String resource = "*";
        String resourceType = null;
        switch (operation) {
            case VALIDATE_POLICY -> {
                only(body, "PolicyDocument", "PolicyType");
                String document = string(body, "PolicyDocument", true);
                int size = document.getBytes(StandardCharsets.UTF_8).length;
                if (size > MAX_POLICY_BYTES) {
                    throw JsonServiceException.validation("PolicyDocument is " + size + " bytes; at most "
                            + MAX_POLICY_BYTES + " are accepted");
                }
                policyKind(body);
                parameters.put("policyType", string(body, "PolicyType", true));
                parameters.put("policyDocumentSize", size);
            }
            case LIST_SUITES -> only(body);
            case RUN_TESTS -> {
                only(body, "Suite");
                String suite = suiteName(body);
                if (suite != null) {
                    parameters.put("suite", suite);
                }
            }
            case VALIDATE_TRAIL -> {
                only(body, "StartTime", "EndTime");
                Instant start = time(body, "StartTime", false);
                Instant end = time(body, "EndTime", false);
                ordered(start, end);
                putTime(parameters, "startTime", start);
                putTime(parameters, "endTime", end);
            }
            case START_EXPORT -> {
                ExportQuery query = exportQuery(body);
                putTime(parameters, "startTime", query.from());
                putTime(parameters, "endTime", query.to());
                parameters.put("format", query.format().wireName());
            }
            case DESCRIBE_EXPORT -> parameters.put("exportId", exportId(body));
            case LIST_SERVED -> only(body);
            case GET_SUITE -> {
                String suite = suiteName(body);
                if (suite == null) {
                    throw JsonServiceException.validation("Suite is required");
                }
                parameters.put("suite", suite);
            }
            case ENDPOINT_METRICS -> {
                String name = endpointName(body);
                parameters.put("endpointName", name);
                resource = "arn:aws:sagemaker:" + region + ":" + accountId + ":endpoint/"
                        + name.toLowerCase(Locale.ROOT);
                resourceType = "AWS::SageMaker::Endpoint";
            }
            default -> throw new JsonServiceException("UnknownOperationException", 404,
                    "Unknown operation " + operation);
        }
        return new JsonTarget("mlgate:" + operation, resource, resourceType, READ_ONLY.contains(operation),
                parameters);
    }

    @Override
    public JsonNode invoke(String operation, JsonNode body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        return switch (operation) {
            case VALIDATE_POLICY -> validatePolicy(string(body, "PolicyDocument", true), policyKind(body));
            case LIST_SUITES -> listSuites();
            case RUN_TESTS -> runTests(suiteName(body));
            case VALIDATE_TRAIL -> validateTrail(time(body, "StartTime", false), time(body, "EndTime", false));
            case START_EXPORT -> startExport(exportQuery(body));
            case DESCRIBE_EXPORT -> describeExport(exportId(body));
            case ENDPOINT_METRICS -> endpointMetrics(endpointName(body));
            case LIST_SERVED -> listServed();
            case GET_SUITE -> getSuite(suiteName(body));
            default -> throw new JsonServiceException("UnknownOperationException", 404,
                    "Unknown operation " + operation);
        };
    }

    // ---- operations ----

    private static JsonNode validatePolicy(String document, PolicyKind kind) {
        List<Finding> findings = PolicyValidator.validate(document, "policy", kind);
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("Findings");
        for (Finding f : findings) {
            ObjectNode n = list.addObject();
            n.put("Severity", f.severity().name());
            n.put("Code", f.code());
            n.put("Message", f.message());
            if (f.position().line() > 0) {
                n.put("Line", f.position().line());
                n.put("Column", f.position().column());
            }
            n.put("Path", f.path());
        }
        return out;
    }

    /** The suite files under policies/tests/ by name (relative path with {@code /}), sorted. */
    private Map<String, Path> suiteFiles() throws JsonServiceException {
        Map<String, Path> files = new TreeMap<>();
        if (!Files.isDirectory(testsDir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(testsDir)) {
            walk.filter(Files::isRegularFile).filter(PolicyTestSuiteReader::isSuiteFile).forEach(p ->
                    files.put(testsDir.relativize(p).toString().replace('\\', '/'), p));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new JsonServiceException("ServiceUnavailableException", 503,
                    "The policy test suites cannot be listed; see the gateway log.");
        }
        return files;
    }

    private JsonNode listSuites() throws JsonServiceException {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("Suites");
        for (Map.Entry<String, Path> e : suiteFiles().entrySet()) {
            ObjectNode n = list.addObject();
            n.put("Name", e.getKey());
            try {
                n.put("Cases", PolicyTestSuiteReader.read(e.getValue()).cases().size());
            } catch (PolicyTestSuiteException ex) {
                n.put("Cases", 0);
                n.put("Error", String.join("; ", ex.problems()));
            }
        }
        return out;
    }

    /** One suite's cases as written (for the simulator: "simulate this case"). */
    private JsonNode getSuite(String name) throws JsonServiceException {
        Path file = suiteFiles().get(name);
        if (file == null) {
            throw new JsonServiceException("ResourceNotFoundException", 404,
                    "No policy test suite named " + name + " in policies/tests/.");
        }
        PolicyTestSuite suite;
        try {
            suite = PolicyTestSuiteReader.read(file);
        } catch (PolicyTestSuiteException ex) {
            throw JsonServiceException.validation("Invalid policy test suite: " + String.join("; ", ex.problems()));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("Name", name);
        ArrayNode cases = out.putArray("Cases");
        for (PolicyTestCase c : suite.cases()) {
            ObjectNode n = cases.addObject();
            n.put("Name", c.name());
            n.put("Principal", c.principal());
            n.put("Action", c.action());
            n.put("Resource", c.resource());
            ObjectNode context = n.putObject("Context");
            c.context().forEach((key, values) -> {
                ArrayNode list = context.putArray(key);
                values.forEach(list::add);
            });
            n.put("Expect", c.expect().text());
        }
        return out;
    }

    private JsonNode runTests(String only) throws JsonServiceException {
        Map<String, Path> files = suiteFiles();
        if (only != null) {
            Path file = files.get(only);
            if (file == null) {
                throw new JsonServiceException("ResourceNotFoundException", 404,
                        "No policy test suite named " + only + " in policies/tests/.");
            }
            files = Map.of(only, file);
        }
        List<String> problems = new ArrayList<>();
        Map<String, PolicyTestSuite> suites = new TreeMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            try {
                suites.put(e.getKey(), PolicyTestSuiteReader.read(e.getValue()));
            } catch (PolicyTestSuiteException ex) {
                ex.problems().forEach(p -> problems.add(e.getKey() + ": " + p));
            }
        }
        PolicyTestRunner runner = new PolicyTestRunner(configuration.get(), guardrails);
        record Row(String suite, CaseResult result) {
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, PolicyTestSuite> e : suites.entrySet()) {
            for (PolicyTestCase c : e.getValue().cases()) {
                try {
                    rows.add(new Row(e.getKey(), runner.run(e.getValue().file(), c)));
                } catch (IllegalArgumentException ex) {
                    problems.add(e.getKey() + ": case '" + c.name() + "': " + ex.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw JsonServiceException.validation("Invalid policy test suites: " + String.join("; ", problems));
        }
        ObjectNode out = JSON.createObjectNode();
        long passed = rows.stream().filter(r -> r.result().passed()).count();
        out.put("Passed", passed);
        out.put("Failed", rows.size() - passed);
        ArrayNode list = out.putArray("Results");
        for (Row r : rows) {
            ObjectNode n = list.addObject();
            n.put("Suite", r.suite());
            n.put("Case", r.result().testCase().name());
            n.put("Expected", r.result().testCase().expect().text());
            n.put("Actual", r.result().actualText());
            n.put("Passed", r.result().passed());
            n.put("Explanation", r.result().fullExplanation());
        }
        return out;
    }

    private JsonNode validateTrail(Instant start, Instant end) throws JsonServiceException {
        if (!validations.tryAcquire()) {
            throw new JsonServiceException("ThrottlingException", 400, "At most " + MAX_VALIDATIONS
                    + " trail validations run at once; try again when one has finished.");
        }
        ValidationReport report;
        try {
            report = new TrailValidator(clock).validate(auditDir, ValidationOptions.defaults().withRange(start, end)
                    .withParallelism(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
        } catch (IOException e) {
            throw new JsonServiceException("ServiceUnavailableException", 503,
                    "The audit folder cannot be validated; see the gateway log.");
        } finally {
            validations.release();
        }
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (TrailProblem p : report.problems()) {
            problems.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p.type() + ": " + p.detail());
        }
        Set<String> logs = new LinkedHashSet<>(report.checkedLogFiles());
        Set<String> digests = new LinkedHashSet<>(report.checkedDigests());
        for (String file : problems.keySet()) {
            (file.startsWith("digests/") || file.equals("public-keys.json") ? digests : logs).add(file);
        }
        logs.addAll(report.notYetDigested());
        Set<String> notCovered = Set.copyOf(report.notYetDigested());

        ObjectNode out = JSON.createObjectNode();
        out.put("Valid", report.valid());
        out.put("Summary", (report.valid() ? "VALID" : "INVALID: " + report.problems().size()
                + (report.problems().size() == 1 ? " problem" : " problems")) + "; checked "
                + report.digestsChecked() + " digests, " + report.logFilesChecked() + " log files, "
                + report.bytesHashed() + " bytes hashed" + (notCovered.isEmpty() ? ""
                : "; " + notCovered.size() + " log files not yet covered by a digest"));
        ArrayNode files = out.putArray("Files");
        for (String name : sorted(logs)) {
            List<String> p = problems.getOrDefault(name, List.of());
            entry(files, name, !p.isEmpty() ? "INVALID" : notCovered.contains(name) ? "NOT_COVERED" : "VALID", p);
        }
        ArrayNode digestList = out.putArray("Digests");
        for (String name : sorted(digests)) {
            List<String> p = problems.getOrDefault(name, List.of());
            entry(digestList, name, p.isEmpty() ? "VALID" : "INVALID", p);
        }
        ArrayNode notes = out.putArray("Information");
        report.information().forEach(notes::add);
        return out;
    }

    private JsonNode startExport(ExportQuery query) throws JsonServiceException {
        try {
            ObjectNode out = JSON.createObjectNode();
            out.put("ExportId", exports.start(query));
            return out;
        } catch (ConsoleExports.Busy e) {
            throw new JsonServiceException("LimitExceededException", 400, e.getMessage());
        }
    }

    private JsonNode describeExport(String id) throws JsonServiceException {
        ConsoleExports.Snapshot s = exports.describe(id).orElseThrow(() -> new JsonServiceException(
                "ResourceNotFoundException", 404, "No export " + id + " was started since the gateway started."));
        ObjectNode out = JSON.createObjectNode();
        out.put("ExportId", s.exportId());
        out.put("Status", s.status().name());
        out.put("Progress", s.progress());
        out.put("EventCount", s.eventCount());
        out.put("Location", s.location());
        out.put("NotYetDigested", s.notYetDigested());
        if (s.failureReason() != null) {
            out.put("FailureReason", s.failureReason());
        }
        return out;
    }

    private JsonNode listServed() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("Endpoints");
        for (String name : metrics.servedEndpoints()) {
            list.addObject().put("EndpointName", name);
        }
        return out;
    }

    private JsonNode endpointMetrics(String name) throws JsonServiceException {
        EndpointMetrics.EndpointReading r = metrics.reading(name).orElseThrow(() -> new JsonServiceException(
                "ResourceNotFoundException", 404, "Could not find endpoint \"" + name + "\"."));
        ObjectNode out = JSON.createObjectNode();
        out.put("EndpointName", r.endpoint());
        out.put("LoadedModels", r.loadedModels());
        ArrayNode variants = out.putArray("Variants");
        for (EndpointMetrics.VariantReading v : r.variants()) {
            ObjectNode n = variants.addObject();
            n.put("VariantName", v.variant());
            counts(n, v);
            n.put("ModelLatencyP50", Math.round(v.modelLatencyP50()));
            n.put("ModelLatencyP90", Math.round(v.modelLatencyP90()));
            n.put("ModelLatencyP99", Math.round(v.modelLatencyP99()));
            n.put("LoadedModels", r.loadedModels());
            ArrayNode history = n.putArray("History");
            for (EndpointMetrics.HistorySample h : v.history()) {
                ObjectNode s = history.addObject();
                s.put("Timestamp", h.epochSecond());
                s.put("Invocations", h.invocations());
                s.put("Errors", h.errors());
                s.put("ModelLatencyP50", Math.round(h.modelLatencyP50()));
            }
        }
        if (r.unrouted() != null) {
            counts(out.putObject("Unrouted"), r.unrouted());
        }
        return out;
    }

    private static void counts(ObjectNode n, EndpointMetrics.VariantReading v) {
        n.put("Invocations", v.invocations());
        n.put("Invocation4XXErrors", v.errors4xx());
        n.put("Invocation5XXErrors", v.errors5xx());
    }

    private static void entry(ArrayNode list, String name, String status, List<String> problems) {
        ObjectNode n = list.addObject();
        n.put("Name", name);
        n.put("Status", status);
        ArrayNode p = n.putArray("Problems");
        problems.forEach(p::add);
    }

    private static List<String> sorted(Set<String> names) {
        List<String> out = new ArrayList<>(names);
        out.sort(null);
        return out;
    }

    // ---- input checks (no I/O: target runs before authorization, possibly on the event loop) ----

    private static void only(JsonNode body, String... allowed) throws JsonServiceException {
        Set<String> names = Set.of(allowed);
        for (String name : body.propertyNames()) {
            if (!names.contains(name)) {
                throw JsonServiceException.validation("Unknown member " + printable(name)
                        + (allowed.length == 0 ? "; this operation takes no parameters"
                        : "; expected " + String.join(", ", allowed)));
            }
        }
    }

    private static String string(JsonNode body, String name, boolean required) throws JsonServiceException {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw JsonServiceException.validation(name + " is required");
            }
            return null;
        }
        if (!n.isString()) {
            throw JsonServiceException.validation(name + " must be a string");
        }
        String s = n.stringValue();
        if (s.isEmpty()) {
            throw JsonServiceException.validation(name + " must not be empty");
        }
        return s;
    }

    private static PolicyKind policyKind(JsonNode body) throws JsonServiceException {
        String type = string(body, "PolicyType", true);
        PolicyKind kind = POLICY_TYPES.get(type);
        if (kind == null) {
            throw JsonServiceException.validation("PolicyType must be IDENTITY_POLICY, RESOURCE_POLICY or "
                    + "SERVICE_CONTROL_POLICY");
        }
        return kind;
    }

    private static String suiteName(JsonNode body) throws JsonServiceException {
        String suite = string(body, "Suite", false);
        if (suite != null && (suite.length() > 255 || !SUITE_NAME.matcher(suite).matches()
                || suite.contains(".."))) {
            throw JsonServiceException.validation("Suite must be the name of a suite as ListPolicyTestSuites "
                    + "returns it");
        }
        return suite;
    }

    private static Instant time(JsonNode body, String name, boolean required) throws JsonServiceException {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw JsonServiceException.validation(name + " is required");
            }
            return null;
        }
        if (!n.isNumber()) {
            throw JsonServiceException.validation(name + " must be a number of seconds since the epoch");
        }
        double seconds = n.doubleValue();
        if (!Double.isFinite(seconds) || seconds < 0 || seconds > MAX_EPOCH_SECONDS) {
            throw JsonServiceException.validation(name + " is out of range");
        }
        long whole = (long) Math.floor(seconds);
        return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1_000_000_000L) % 1_000_000_000L);
    }

    private static void ordered(Instant start, Instant end) throws JsonServiceException {
        if (start != null && end != null && end.isBefore(start)) {
            throw JsonServiceException.validation("EndTime is before StartTime");
        }
    }

    private static ExportQuery exportQuery(JsonNode body) throws JsonServiceException {
        only(body, "StartTime", "EndTime", "Format");
        Instant start = time(body, "StartTime", true);
        Instant end = time(body, "EndTime", true);
        ordered(start, end);
        String format = string(body, "Format", false);
        try {
            return new ExportQuery(start, end, List.<EventFilter>of(),
                    ExportFormat.fromWireName(format == null ? "jsonl" : format));
        } catch (IllegalArgumentException e) {
            throw JsonServiceException.validation("Format must be jsonl, csv or ocsf");
        }
    }

    private static String exportId(JsonNode body) throws JsonServiceException {
        only(body, "ExportId");
        String id = string(body, "ExportId", true);
        if (!EXPORT_ID.matcher(id).matches()) {
            throw JsonServiceException.validation("ExportId must be an id StartExport returned (exp-...)");
        }
        return id;
    }

    private static String endpointName(JsonNode body) throws JsonServiceException {
        only(body, "EndpointName");
        String name = string(body, "EndpointName", true);
        if (!ENDPOINT_NAME.matcher(name).matches()) {
            throw JsonServiceException.validation("EndpointName must satisfy the pattern "
                    + "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
        }
        return name;
    }

    private static void putTime(Map<String, Object> parameters, String name, Instant t) {
        if (t != null) {
            parameters.put(name, t.toString());
        }
    }

    /** A member name as it may appear in a message: at most 64 printable ASCII characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return "'" + b + "'";
    }
}
