package io.mlgate.sagemaker.transform;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SageMaker's batch transform API ({@code SageMaker.CreateTransformJob}, {@code DescribeTransformJob},
 * {@code ListTransformJobs}, {@code StopTransformJob}; JSON 1.1), sharing the {@code SageMaker.} target prefix with
 * the hosting control plane. Jobs read {@code s3://mlgate-batch/} (the data directory's {@code batch/} folder), split
 * by line, run on a {@link TransformEngine} and are persisted with their checkpoints in a {@link TransformJobState}.
 * Every call is authorized as {@code sagemaker:<Operation>} on the job's ARN
 * ({@code arn:aws:sagemaker:REGION:ACCT:transform-job/NAME}) or {@code *} for ListTransformJobs.
 */
public final class TransformJobService implements JsonService {

    static final Set<String> OPERATIONS = Set.of("CreateTransformJob", "DescribeTransformJob", "ListTransformJobs",
            "StopTransformJob");
    private static final Set<String> READ_ONLY = Set.of("DescribeTransformJob", "ListTransformJobs");

    /** What CloudTrail shows instead of an environment variable's value. */
    static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";
    /** The most jobs of one account InProgress or Stopping at once (more are refused: ResourceLimitExceeded). */
    public static final int DEFAULT_MAX_ACTIVE_JOBS = 8;

    private static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    private static final String JOB_NAME_TEXT = "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";
    private static final Pattern MODEL_NAME = Pattern.compile("[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?");
    private static final String MODEL_NAME_TEXT = "[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?";
    private static final Pattern S3_URI = Pattern.compile("(https|s3)://([^/]+)/?(.*)", Pattern.DOTALL);
    private static final String S3_URI_TEXT = "(https|s3)://([^/]+)/?(.*)";
    private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,1023}");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("ml\\.[a-z0-9]+\\.[a-z0-9]+");
    private static final Pattern AMI_VERSION = Pattern.compile("[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final String TAG_TEXT = "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$";
    private static final Pattern NAME_CONTAINS = Pattern.compile("[a-zA-Z0-9\\-]+");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,18}");
    private static final int MAX_PAYLOAD_MB = 100;

    private static final Set<String> CREATE_MEMBERS = Set.of("TransformJobName", "ModelName",
            "MaxConcurrentTransforms", "ModelClientConfig", "MaxPayloadInMB", "BatchStrategy", "Environment",
            "TransformInput", "TransformOutput", "TransformResources", "Tags");
    private static final Set<String> LIST_MEMBERS = Set.of("CreationTimeAfter", "CreationTimeBefore",
            "LastModifiedTimeAfter", "LastModifiedTimeBefore", "NameContains", "StatusEquals", "SortBy", "SortOrder",
            "NextToken", "MaxResults");
    private static final Set<String> STATUS_NAMES = Set.of("InProgress", "Completed", "Failed", "Stopping",
            "Stopped");
    private static final Set<String> CONTENT_TYPES = Set.of("text/csv", "application/jsonlines", "application/json");
    private static final Set<String> ACCEPT_TYPES = Set.of("application/json", "application/jsonlines",
            "application/*", "*/*");

    private final TransformEngine engine;
    private final TransformJobState state;
    private final Clock clock;
    private final String region;
    private final int maxActiveJobs;

    /**
     * @param engine        runs the jobs (already {@linkplain TransformEngine#start() started})
     * @param region        the region this service answers for (ARNs)
     * @param maxActiveJobs jobs per account InProgress or Stopping at once
     */
    public TransformJobService(TransformEngine engine, Clock clock, String region, int maxActiveJobs) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.state = engine.state();
        this.clock = Objects.requireNonNull(clock, "clock");
        TransformArns.requireRegion(region);
        this.region = region;
        if (maxActiveJobs < 1) {
            throw new IllegalArgumentException("maxActiveJobs must be positive");
        }
        this.maxActiveJobs = maxActiveJobs;
    }

    @Override
    public JsonApi api() {
        return JsonApi.SAGEMAKER;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    // ------------------------------------------------------------------ target

    @Override
    public JsonTarget target(String operation, JsonNode body, String accountId, PrincipalContext caller)
            throws JsonServiceException {
        requireOperation(operation);
        String resource = switch (operation) {
            case "CreateTransformJob" -> TransformArns.job(region, accountId, parseCreate(body).name());
            case "DescribeTransformJob", "StopTransformJob" -> TransformArns.job(region, accountId, jobName(body));
            case "ListTransformJobs" -> {
                parseListing(body, accountId);
                yield "*";
            }
            default -> throw new IllegalStateException("unrouted operation " + operation);
        };
        return new JsonTarget("sagemaker:" + operation, resource,
                resource.equals("*") ? null : TransformArns.RESOURCE_TYPE, READ_ONLY.contains(operation),
                auditParameters(body));
    }

    /** Request members as CloudTrail shows them (camelCase); Environment values are replaced by {@link #HIDDEN}. */
    static Map<String, Object> auditParameters(JsonNode body) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!e.getValue().isNull()) {
                params.put(TransformRequest.camel(e.getKey()), plain(e.getKey(), e.getValue()));
            }
        }
        return params;
    }

    private static Object plain(String member, JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            boolean environment = member.equals("Environment");
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                m.put(environment ? e.getKey() : TransformRequest.camel(e.getKey()),
                        environment ? HIDDEN : plain(e.getKey(), e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(i -> l.add(plain("", i)));
            return l;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        return n.asString();
    }

    // ------------------------------------------------------------------ invoke

    @Override
    public JsonNode invoke(String operation, JsonNode body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        requireOperation(operation);
        String account = caller.accountId();
        return switch (operation) {
            case "CreateTransformJob" -> create(body, account);
            case "DescribeTransformJob" -> describe(body, account);
            case "ListTransformJobs" -> list(body, account);
            case "StopTransformJob" -> stop(body, account);
            default -> throw new IllegalStateException("unrouted operation " + operation);
        };
    }

    private static void requireOperation(String operation) throws JsonServiceException {
        if (!OPERATIONS.contains(operation)) {
            throw new JsonServiceException("UnknownOperationException", 400, "Unknown operation " + operation);
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static String jobName(JsonNode body) throws JsonServiceException {
        return TransformRequest.body(body, Set.of("TransformJobName"))
                .string("TransformJobName", true, 1, 63, JOB_NAME, JOB_NAME_TEXT);
    }

    // ------------------------------------------------------------------ create

    /** A validated CreateTransformJob request. */
    record CreateRequest(String name, TransformJobSpec spec, Map<String, String> tags) {}

    static CreateRequest parseCreate(JsonNode body) throws JsonServiceException {
        TransformRequest r = TransformRequest.body(body, CREATE_MEMBERS);
        String name = r.string("TransformJobName", true, 1, 63, JOB_NAME, JOB_NAME_TEXT);
        String model = r.string("ModelName", true, 0, 63, MODEL_NAME, MODEL_NAME_TEXT);
        Integer concurrency = r.integer("MaxConcurrentTransforms", false, 0, Integer.MAX_VALUE);
        Integer payload = r.integer("MaxPayloadInMB", false, 0, Integer.MAX_VALUE);
        String strategy = r.enumValue("BatchStrategy", false, Set.of("MultiRecord", "SingleRecord"));
        Map<String, String> environment = r.map("Environment", 16, 1024, ENV_KEY, "[a-zA-Z_][a-zA-Z0-9_]{0,1023}",
                10240);
        String maxFailed = environment.get(TransformJobSpec.MAX_FAILED_RECORDS);
        if (maxFailed != null && !COUNT.matcher(maxFailed).matches()) {
            throw TransformRequest.validation("Environment " + TransformJobSpec.MAX_FAILED_RECORDS
                    + " must be a whole number of records (0 or more, at most 18 digits).");
        }

        TransformRequest input = r.structure("TransformInput", true, Set.of("DataSource", "ContentType",
                "CompressionType", "SplitType"));
        TransformRequest source = input.structure("DataSource", true, Set.of("S3DataSource"))
                .structure("S3DataSource", true, Set.of("S3DataType", "S3Uri"));
        String dataType = source.enumValue("S3DataType", true, Set.of("ManifestFile", "S3Prefix",
                "AugmentedManifestFile", "Converse"));
        String inputUri = source.string("S3Uri", true, 0, 1024, S3_URI, S3_URI_TEXT);
        if (!dataType.equals("S3Prefix")) {
            throw TransformRequest.validation("S3DataType " + dataType + " is not supported by mlgate; use S3Prefix.");
        }
        bucketKey(inputUri, source.pathOf("S3Uri"));
        String contentType = input.string("ContentType", false, 0, 256, null, null);
        if (contentType == null) {
            throw TransformRequest.validation("mlgate needs TransformInput.ContentType to read the records: "
                    + "text/csv, application/jsonlines or application/json.");
        }
        checkContentType(contentType);
        String compression = input.enumValue("CompressionType", false, Set.of("None", "Gzip"));
        if ("Gzip".equals(compression)) {
            throw TransformRequest.validation("CompressionType Gzip is not supported by mlgate; give the input "
                    + "uncompressed.");
        }
        String split = input.enumValue("SplitType", false, Set.of("None", "Line", "RecordIO", "TFRecord"));
        if (!"Line".equals(split)) {
            throw TransformRequest.validation("mlgate splits transform input by line: set TransformInput.SplitType "
                    + "to Line (it was " + (split == null ? "not set, which means None" : split) + ").");
        }

        TransformRequest output = r.structure("TransformOutput", true, Set.of("S3OutputPath", "Accept",
                "AssembleWith"));
        String outputPath = output.string("S3OutputPath", true, 0, 1024, S3_URI, S3_URI_TEXT);
        bucketKey(outputPath, output.pathOf("S3OutputPath"));
        String accept = output.string("Accept", false, 0, 256, null, null);
        if (accept != null && !ACCEPT_TYPES.contains(essence(accept))) {
            throw TransformRequest.validation("Accept " + accept + " is not produced by mlgate: the output records "
                    + "are JSON (application/json, application/jsonlines).");
        }
        String assemble = output.enumValue("AssembleWith", false, Set.of("None", "Line"));

        TransformRequest resources = r.structure("TransformResources", true, Set.of("InstanceType", "InstanceCount",
                "TransformAmiVersion"));
        String instanceType = resources.string("InstanceType", true, 0, 64, INSTANCE_TYPE,
                "ml\\.[a-z0-9]+\\.[a-z0-9]+");
        int instanceCount = resources.integer("InstanceCount", true, 1, Integer.MAX_VALUE);
        String ami = resources.string("TransformAmiVersion", false, 1, 63, AMI_VERSION,
                "[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*");

        TransformRequest client = r.structure("ModelClientConfig", false, Set.of("InvocationsTimeoutInSeconds",
                "InvocationsMaxRetries"));
        Integer timeout = client == null ? null : client.integer("InvocationsTimeoutInSeconds", false, 1, 3600);
        Integer retries = client == null ? null : client.integer("InvocationsMaxRetries", false, 0, 3);

        if (payload != null && payload > MAX_PAYLOAD_MB) {
            throw TransformRequest.validation("The value of MaxPayloadInMB cannot be greater than " + MAX_PAYLOAD_MB
                    + " MB.");
        }
        if (payload != null && payload == 0) {
            throw TransformRequest.validation("MaxPayloadInMB 0 (HTTP chunked encoding) is not supported by mlgate; "
                    + "use 1 to " + MAX_PAYLOAD_MB + ".");
        }
        if (concurrency != null && concurrency > 0
                && (long) concurrency * (payload == null ? TransformJobSpec.DEFAULT_MAX_PAYLOAD_MB : payload)
                > MAX_PAYLOAD_MB) {
            throw TransformRequest.validation("The value of (MaxConcurrentTransforms * MaxPayloadInMB) cannot exceed "
                    + MAX_PAYLOAD_MB + " MB.");
        }
        Map<String, String> tags = tags(r);
        TransformJobSpec spec = new TransformJobSpec(model, inputUri, contentType, compression, split, strategy,
                payload, concurrency, outputPath, accept, assemble, instanceType, instanceCount, ami, environment,
                timeout, retries);
        return new CreateRequest(name, spec, tags);
    }

    private static void bucketKey(String uri, String at) throws JsonServiceException {
        try {
            BatchBucket.keyOf(uri);
        } catch (IllegalArgumentException e) {
            throw TransformRequest.validation("Invalid " + at + " " + uri + ": " + e.getMessage());
        }
    }

    private static String essence(String mediaType) {
        int semicolon = mediaType.indexOf(';');
        return (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The content types the runtime reads one record of: CSV rows or JSON values, UTF-8. */
    private static void checkContentType(String contentType) throws JsonServiceException {
        if (!CONTENT_TYPES.contains(essence(contentType))) {
            throw TransformRequest.validation("ContentType " + contentType + " is not supported by mlgate's "
                    + "runtime; use text/csv, application/jsonlines or application/json.");
        }
        String[] parts = contentType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            String value = kv.length < 2 ? "" : kv[1].trim().replace("\"", "").toLowerCase(Locale.ROOT);
            if (key.equals("charset") && !Set.of("utf-8", "utf8", "us-ascii", "ascii").contains(value)) {
                throw TransformRequest.validation("ContentType charset " + value + " is not supported; use UTF-8.");
            }
            if (key.equals("header") && value.equals("present")) {
                throw TransformRequest.validation("text/csv with a header row is not supported; every line is a "
                        + "record.");
            }
        }
    }

    private static Map<String, String> tags(TransformRequest r) throws JsonServiceException {
        Map<String, String> tags = new LinkedHashMap<>();
        Iterable<JsonNode> list = r.list("Tags", 0, 50);
        if (list == null) {
            return tags;
        }
        int i = 0;
        for (JsonNode n : list) {
            i++;
            if (!n.isObject()) {
                throw TransformRequest.serialization("Member tags." + i + ".member must be a structure.");
            }
            TransformRequest t = TransformRequest.body(n, Set.of("Key", "Value"));
            String at = "tags." + i + ".member.";
            String key = t.string("Key", true, 1, 128, TAG, TAG_TEXT);
            String value = t.string("Value", true, 0, 256, TAG, TAG_TEXT);
            if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw TransformRequest.validation("Tag keys starting with 'aws:' are reserved for system use ("
                        + at + "key).");
            }
            if (tags.put(key, value) != null) {
                throw TransformRequest.validation("Duplicate tag key " + key + " in the request.");
            }
        }
        return tags;
    }

    private JsonNode create(JsonNode body, String account) throws JsonServiceException {
        CreateRequest request = parseCreate(body);
        String arn = TransformArns.job(region, account, request.name());
        String modelArn = TransformArns.modelOf(arn, request.spec().modelName());
        if (!engine.models().exists(modelArn)) {
            throw TransformRequest.validation("Could not find model \"" + modelArn + "\".");
        }
        Instant now = now();
        state.write((current, changes) -> {
            if (current.containsKey(arn)) {
                throw TransformRequest.resourceInUse("Transform job names must be unique within an AWS account and "
                        + "region, and a transform job with this name already exists (" + arn + ")");
            }
            String prefix = "arn:aws:sagemaker:" + region + ":" + account + ":";
            long active = current.values().stream()
                    .filter(j -> j.arn().startsWith(prefix) && !j.status().terminal()).count();
            if (active >= maxActiveJobs) {
                throw TransformRequest.limitExceeded("The account-level service limit 'Number of transform jobs "
                        + "in progress' is " + maxActiveJobs + " Jobs; wait for a job to finish or stop one.");
            }
            changes.put(arn, new TransformJob(request.name(), arn, account, request.spec(),
                    TransformJobStatus.IN_PROGRESS, null, now, null, null, now, request.tags(),
                    TransformProgress.NOT_STARTED));
            return null;
        });
        engine.submit(arn);
        ObjectNode out = JsonBodies.object();
        out.put("TransformJobArn", arn);
        return out;
    }

    // ------------------------------------------------------------------ describe, stop

    private TransformJob require(String name, String account) throws JsonServiceException {
        TransformJob job = state.jobs().get(TransformArns.job(region, account, name));
        if (job == null) {
            throw TransformRequest.validation("Could not find requested job with name " + name);
        }
        return job;
    }

    private JsonNode describe(JsonNode body, String account) throws JsonServiceException {
        TransformJob j = require(jobName(body), account);
        TransformJobSpec s = j.spec();
        ObjectNode out = JsonBodies.object();
        out.put("TransformJobName", j.name());
        out.put("TransformJobArn", j.arn());
        out.put("TransformJobStatus", j.status().wireName());
        if (j.failureReason() != null) {
            out.put("FailureReason", j.failureReason());
        }
        out.put("ModelName", s.modelName());
        if (s.givenMaxConcurrentTransforms() != null) {
            out.put("MaxConcurrentTransforms", s.givenMaxConcurrentTransforms().intValue());
        }
        if (s.givenInvocationsTimeoutInSeconds() != null || s.givenInvocationsMaxRetries() != null) {
            ObjectNode client = out.putObject("ModelClientConfig");
            if (s.givenInvocationsTimeoutInSeconds() != null) {
                client.put("InvocationsTimeoutInSeconds", s.givenInvocationsTimeoutInSeconds().intValue());
            }
            if (s.givenInvocationsMaxRetries() != null) {
                client.put("InvocationsMaxRetries", s.givenInvocationsMaxRetries().intValue());
            }
        }
        if (s.givenMaxPayloadInMB() != null) {
            out.put("MaxPayloadInMB", s.givenMaxPayloadInMB().intValue());
        }
        if (s.givenBatchStrategy() != null) {
            out.put("BatchStrategy", s.givenBatchStrategy());
        }
        if (!s.environment().isEmpty()) {
            ObjectNode env = out.putObject("Environment");
            s.environment().forEach(env::put);
        }
        ObjectNode input = out.putObject("TransformInput");
        input.putObject("DataSource").putObject("S3DataSource").put("S3DataType", "S3Prefix")
                .put("S3Uri", s.inputUri());
        input.put("ContentType", s.contentType());
        if (s.givenCompressionType() != null) {
            input.put("CompressionType", s.givenCompressionType());
        }
        input.put("SplitType", s.givenSplitType());
        ObjectNode output = out.putObject("TransformOutput");
        output.put("S3OutputPath", s.outputPath());
        if (s.givenAccept() != null) {
            output.put("Accept", s.givenAccept());
        }
        if (s.givenAssembleWith() != null) {
            output.put("AssembleWith", s.givenAssembleWith());
        }
        ObjectNode resources = out.putObject("TransformResources");
        resources.put("InstanceType", s.instanceType());
        resources.put("InstanceCount", s.instanceCount());
        if (s.givenAmiVersion() != null) {
            resources.put("TransformAmiVersion", s.givenAmiVersion());
        }
        out.put("CreationTime", epoch(j.creationTime()));
        if (j.startTime() != null) {
            out.put("TransformStartTime", epoch(j.startTime()));
        }
        if (j.endTime() != null) {
            out.put("TransformEndTime", epoch(j.endTime()));
        }
        return out;
    }

    private JsonNode stop(JsonNode body, String account) throws JsonServiceException {
        String name = jobName(body);
        String arn = TransformArns.job(region, account, name);
        boolean stopping = state.write((current, changes) -> {
            TransformJob j = current.get(arn);
            if (j == null) {
                throw TransformRequest.validation("Could not find requested job with name " + name);
            }
            if (j.status().terminal()) {
                throw TransformRequest.validation("The transform job " + name + " cannot be stopped: its status is "
                        + j.status().wireName() + ".");
            }
            if (j.status() == TransformJobStatus.IN_PROGRESS) {
                changes.put(arn, j.withStatus(TransformJobStatus.STOPPING, null, now()));
            }
            return true;
        });
        if (stopping) {
            engine.stop(arn);
        }
        return JsonBodies.object();
    }

    // ------------------------------------------------------------------ list

    /** The filters, order and page of one ListTransformJobs call. */
    private static final class Listing {
        String nameContains;
        Instant createdBefore;
        Instant createdAfter;
        Instant modifiedBefore;
        Instant modifiedAfter;
        String status;
        String sortBy;
        boolean ascending;
        int max;
        int start;
        String scope;

        Predicate<TransformJob> matches() {
            return j -> (nameContains == null
                    || j.name().toLowerCase(Locale.ROOT).contains(nameContains.toLowerCase(Locale.ROOT)))
                    && (createdBefore == null || j.creationTime().isBefore(createdBefore))
                    && (createdAfter == null || j.creationTime().isAfter(createdAfter))
                    && (modifiedBefore == null || j.lastModifiedTime().isBefore(modifiedBefore))
                    && (modifiedAfter == null || j.lastModifiedTime().isAfter(modifiedAfter))
                    && (status == null || status.equals(j.status().wireName()));
        }

        Comparator<TransformJob> order() {
            Comparator<TransformJob> byName = Comparator.comparing(j -> j.name().toLowerCase(Locale.ROOT));
            Comparator<TransformJob> c = switch (sortBy) {
                case "Name" -> byName;
                case "Status" -> Comparator.comparing((TransformJob j) -> j.status().wireName())
                        .thenComparing(TransformJob::creationTime);
                default -> Comparator.comparing(TransformJob::creationTime);
            };
            c = c.thenComparing(byName);
            return ascending ? c : c.reversed();
        }
    }

    private Listing parseListing(JsonNode body, String account) throws JsonServiceException {
        TransformRequest r = TransformRequest.body(body, LIST_MEMBERS);
        Listing l = new Listing();
        l.sortBy = r.enumValue("SortBy", false, Set.of("Name", "CreationTime", "Status"));
        if (l.sortBy == null) {
            l.sortBy = "CreationTime";
        }
        String order = r.enumValue("SortOrder", false, Set.of("Ascending", "Descending"));
        l.ascending = "Ascending".equals(order);
        Integer max = r.integer("MaxResults", false, 1, 100);
        l.max = max == null ? 10 : max;
        l.nameContains = r.string("NameContains", false, 0, 63, NAME_CONTAINS, "[a-zA-Z0-9\\-]+");
        l.createdBefore = r.timestamp("CreationTimeBefore");
        l.createdAfter = r.timestamp("CreationTimeAfter");
        l.modifiedBefore = r.timestamp("LastModifiedTimeBefore");
        l.modifiedAfter = r.timestamp("LastModifiedTimeAfter");
        l.status = r.enumValue("StatusEquals", false, STATUS_NAMES);
        l.scope = digest("ListTransformJobs|" + account + "|" + l.sortBy + "|" + l.ascending + "|" + l.nameContains
                + "|" + l.createdBefore + "|" + l.createdAfter + "|" + l.modifiedBefore + "|" + l.modifiedAfter
                + "|" + l.status);
        String token = r.string("NextToken", false, 0, 8192, null, null);
        l.start = token == null ? 0 : offset(token, l.scope);
        return l;
    }

    private JsonNode list(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListing(body, account);
        String prefix = "arn:aws:sagemaker:" + region + ":" + account + ":";
        List<TransformJob> all = state.jobs().values().stream()
                .filter(j -> j.arn().startsWith(prefix))
                .filter(l.matches())
                .sorted(l.order())
                .toList();
        int end = (int) Math.min(all.size(), (long) l.start + l.max);
        ObjectNode out = JsonBodies.object();
        ArrayNode summaries = out.putArray("TransformJobSummaries");
        for (TransformJob j : all.subList(Math.min(l.start, all.size()), end)) {
            ObjectNode n = summaries.addObject();
            n.put("TransformJobName", j.name());
            n.put("TransformJobArn", j.arn());
            n.put("CreationTime", epoch(j.creationTime()));
            if (j.endTime() != null) {
                n.put("TransformEndTime", epoch(j.endTime()));
            }
            n.put("LastModifiedTime", epoch(j.lastModifiedTime()));
            n.put("TransformJobStatus", j.status().wireName());
            if (j.failureReason() != null) {
                n.put("FailureReason", j.failureReason());
            }
        }
        if (end < all.size()) {
            out.put("NextToken", token(end, l.scope));
        }
        return out;
    }

    private static String token(int offset, String scope) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("v1|" + offset + "|" + scope).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a NextToken carries; it must come from the same listing (account, filters, order). */
    private static int offset(String token, String scope) throws JsonServiceException {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
            if (parts.length == 3 && parts[0].equals("v1") && parts[2].equals(scope)) {
                int offset = Integer.parseInt(parts[1]);
                if (offset >= 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException bad) {
            // falls through to the error below
        }
        throw TransformRequest.validation("The NextToken is not valid for this request.");
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON 1.1 timestamps: epoch seconds with milliseconds. */
    private static BigDecimal epoch(Instant t) {
        return BigDecimal.valueOf(t.toEpochMilli(), 3);
    }
}
