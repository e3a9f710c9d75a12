package io.mlgate.sagemaker;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import io.mlgate.sagemaker.SageMakerArns.Kind;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import io.mlgate.pii.PiiPolicy;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SageMaker control plane for hosting ({@code SageMaker.<Operation>}, JSON 1.1): models, endpoint
 * configurations, endpoints, the model registry ({@link ModelRegistry}: model package groups and versioned model
 * packages with their approval) and their tags, kept in a {@link SageMakerState} and served through an
 * {@link EndpointRuntime}. The gateway authorizes each call from {@link #target} (plus {@link #requestTags} and
 * {@link #resourceTags} for the tag condition keys) before {@link #invoke}; the {@link RegistryGuardrail} adds the
 * registry's own rules (deploy approved packages only, approver differs from registrant).
 */
public final class SageMakerService implements JsonService {

    private static final Set<String> HOSTING_OPERATIONS = Set.of("CreateModel", "DescribeModel", "ListModels",
            "DeleteModel", "CreateEndpointConfig", "DescribeEndpointConfig", "ListEndpointConfigs",
            "DeleteEndpointConfig", "CreateEndpoint", "DescribeEndpoint", "ListEndpoints", "UpdateEndpoint",
            "UpdateEndpointWeightsAndCapacities", "DeleteEndpoint", "AddTags", "DeleteTags", "ListTags");
    static final Set<String> OPERATIONS = Set.copyOf(union(HOSTING_OPERATIONS, ModelRegistry.OPERATIONS));
    private static final Set<String> READ_ONLY = Set.copyOf(union(Set.of("DescribeModel", "ListModels",
            "DescribeEndpointConfig", "ListEndpointConfigs", "DescribeEndpoint", "ListEndpoints", "ListTags"),
            ModelRegistry.READ_ONLY));

    /** What CloudTrail shows instead of an environment variable's value. */
    static final String HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS";

    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    static final String NAME_TEXT = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";
    static final Pattern IMAGE = Pattern.compile("\\S+");
    /** ModelDataUrl: SageMaker's s3/https, plus mlgate's model store ({@code mlgate://}) and local files. */
    static final Pattern MODEL_DATA_URL = Pattern.compile("(s3|https|file|mlgate)://\\S+");
    static final String MODEL_DATA_URL_TEXT = "^(s3|https|file|mlgate)://\\S+";
    private static final Pattern DESTINATION = Pattern.compile("(s3|https|file|mlgate)://[^/\\s]+/?\\S*");
    private static final Pattern ENV_KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    private static final String ROLE_ARN_TEXT = "^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$";
    private static final Pattern KMS_KEY_ID = Pattern.compile("[a-zA-Z0-9:/_-]*");
    static final Pattern INSTANCE_TYPE = Pattern.compile("ml\\.[a-z0-9-]+\\.[a-z0-9]+");
    static final String INSTANCE_TYPE_TEXT = "^ml\\.[a-z0-9-]+\\.[a-z0-9]+$";
    private static final Pattern CONTENT_TYPE = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9])*/[a-zA-Z0-9](-*[a-zA-Z0-9.])*");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final String TAG_TEXT = "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$";
    private static final Pattern RESOURCE_ARN = Pattern.compile("arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+");
    private static final Pattern NAME_CONTAINS = Pattern.compile("[a-zA-Z0-9-]+");
    static final int MAX_TAGS = 50;
    private static final int MAX_PIPELINE = 5;

    private static final Set<String> CONTAINER_MEMBERS = Set.of("ContainerHostname", "Image", "Mode",
            "ModelDataUrl", "Environment", "ModelPackageName");
    private static final Set<String> VARIANT_MEMBERS = Set.of("VariantName", "ModelName", "InitialInstanceCount",
            "InstanceType", "InitialVariantWeight");
    private static final Set<String> CAPTURE_MEMBERS = Set.of("EnableCapture", "InitialSamplingPercentage",
            "DestinationS3Uri", "KmsKeyId", "CaptureOptions", "CaptureContentTypeHeader");
    private static final Set<String> LIST_MEMBERS = Set.of("SortBy", "SortOrder", "NextToken", "MaxResults",
            "NameContains", "CreationTimeBefore", "CreationTimeAfter");
    private static final Set<String> LIST_ENDPOINT_MEMBERS = Set.of("SortBy", "SortOrder", "NextToken",
            "MaxResults", "NameContains", "CreationTimeBefore", "CreationTimeAfter", "LastModifiedTimeBefore",
            "LastModifiedTimeAfter", "StatusEquals");
    private static final Set<String> STATUS_NAMES;

    static {
        Set<String> s = new LinkedHashSet<>();
        for (EndpointStatus status : EndpointStatus.values()) {
            s.add(status.wireName());
        }
        STATUS_NAMES = Set.copyOf(s);
    }

    private final SageMakerState state;
    private final EndpointRuntime runtime;
    private final Clock clock;
    private final String region;
    private final SageMakerLimits limits;
    private final RolePassing rolePassing;
    private final ModelRegistry registry;
    /** The deployment each endpoint is waiting for (by ARN); a completion for another token is stale. */
    private final Map<String, Object> deployments = new ConcurrentHashMap<>();
    /** Orders runtime calls; never taken while the state's write lock is held. */
    private final Object runtimeLock = new Object();

    private SageMakerService(SageMakerState state, EndpointRuntime runtime, Clock clock, String region,
                             SageMakerLimits limits, RegistryGuardrail guardrail, RolePassing rolePassing) {
        this.rolePassing = Objects.requireNonNull(rolePassing, "rolePassing");
        this.state = Objects.requireNonNull(state, "state");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.clock = Objects.requireNonNull(clock, "clock");
        SageMakerArns.requireRegion(region);
        this.region = region;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.registry = new ModelRegistry(state, clock, region, limits, guardrail);
    }

    /**
     * Creates the service and re-deploys, through {@code runtime}, every endpoint of {@code state} that was
     * InService, Creating or Updating (an update interrupted by the restart is abandoned: the endpoint goes back to
     * its previous configuration with a FailureReason saying so). Endpoints that were serving are re-deployed as
     * they were even if the guardrail would refuse their models now: a restart is not a new deployment.
     *
     * @param region    the region this service answers for (ARNs)
     * @param guardrail the model registry's deployment and approval rules
     */
    public static SageMakerService start(SageMakerState state, EndpointRuntime runtime, Clock clock, String region,
                                         SageMakerLimits limits, RegistryGuardrail guardrail) {
        return start(state, runtime, clock, region, limits, guardrail, RolePassing.UNCHECKED);
    }

    /**
     * The service as the gateway runs it: CreateModel's ExecutionRoleArn must pass {@code rolePassing}
     * ({@code iam:PassRole}).
     */
    public static SageMakerService start(SageMakerState state, EndpointRuntime runtime, Clock clock, String region,
                                         SageMakerLimits limits, RegistryGuardrail guardrail,
                                         RolePassing rolePassing) {
        SageMakerService service = new SageMakerService(state, runtime, clock, region, limits, guardrail,
                rolePassing);
        service.resume();
        return service;
    }

    /** {@link #start(SageMakerState, EndpointRuntime, Clock, String, SageMakerLimits, RegistryGuardrail)} with
     * {@link RegistryGuardrail#defaults()}. */
    public static SageMakerService start(SageMakerState state, EndpointRuntime runtime, Clock clock, String region,
                                         SageMakerLimits limits) {
        return start(state, runtime, clock, region, limits, RegistryGuardrail.defaults());
    }

    /** {@link #start(SageMakerState, EndpointRuntime, Clock, String, SageMakerLimits)} with default limits. */
    public static SageMakerService start(SageMakerState state, EndpointRuntime runtime, Clock clock,
                                         String region) {
        return start(state, runtime, clock, region, SageMakerLimits.defaults());
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
        if (ModelRegistry.OPERATIONS.contains(operation)) {
            ModelRegistry.Target t = registry.target(operation, body, accountId);
            return new JsonTarget("sagemaker:" + operation, t.resourceArn(), t.resourceType(),
                    READ_ONLY.contains(operation), auditParameters(body));
        }
        String resource;
        String type;
        switch (operation) {
            case "CreateModel" -> {
                resource = parseCreateModel(body, accountId).arn();
                type = Kind.MODEL.resourceType();
            }
            case "DescribeModel", "DeleteModel" -> {
                resource = arnOf(Kind.MODEL, nameMember(body, "ModelName"), accountId);
                type = Kind.MODEL.resourceType();
            }
            case "CreateEndpointConfig" -> {
                resource = parseCreateEndpointConfig(body, accountId).arn();
                type = Kind.ENDPOINT_CONFIG.resourceType();
            }
            case "DescribeEndpointConfig", "DeleteEndpointConfig" -> {
                resource = arnOf(Kind.ENDPOINT_CONFIG, nameMember(body, "EndpointConfigName"), accountId);
                type = Kind.ENDPOINT_CONFIG.resourceType();
            }
            case "CreateEndpoint" -> {
                resource = parseCreateEndpoint(body, accountId).arn;
                type = Kind.ENDPOINT.resourceType();
            }
            case "UpdateEndpoint" -> {
                resource = parseUpdateEndpoint(body, accountId).arn;
                type = Kind.ENDPOINT.resourceType();
            }
            case "UpdateEndpointWeightsAndCapacities" -> {
                resource = parseWeights(body, accountId).arn;
                type = Kind.ENDPOINT.resourceType();
            }
            case "DescribeEndpoint", "DeleteEndpoint" -> {
                resource = arnOf(Kind.ENDPOINT, nameMember(body, "EndpointName"), accountId);
                type = Kind.ENDPOINT.resourceType();
            }
            case "ListModels", "ListEndpointConfigs", "ListEndpoints" -> {
                parseListing(operation, body, accountId);
                resource = "*";
                type = null;
            }
            case "AddTags", "DeleteTags", "ListTags" -> {
                SageMakerArns.Parsed parsed = parseTagRequest(operation, body);
                resource = SageMakerArns.of(parsed.kind(), parsed.region(), parsed.accountId(), parsed.name());
                type = parsed.kind().resourceType();
            }
            default -> throw new IllegalStateException("unrouted operation " + operation);
        }
        return new JsonTarget("sagemaker:" + operation, resource, type, READ_ONLY.contains(operation),
                auditParameters(body));
    }

    /**
     * The tags a call asks to put on a resource (CreateModel, CreateEndpointConfig, CreateEndpoint,
     * CreateModelPackageGroup, CreateModelPackage, AddTags), for {@code aws:RequestTag/*} and {@code aws:TagKeys};
     * empty for other operations.
     */
    public Map<String, String> requestTags(String operation, JsonNode body) throws JsonServiceException {
        requireOperation(operation);
        return switch (operation) {
            case "CreateModel", "CreateEndpointConfig", "CreateEndpoint", "CreateModelPackageGroup",
                 "CreateModelPackage" -> tags(body, false);
            case "AddTags" -> tags(body, true);
            default -> Map.of();
        };
    }

    /**
     * The tags a model, endpoint configuration, endpoint, model package group or model package version has now,
     * for {@code aws:ResourceTag/*} and {@code sagemaker:ResourceTag/*}; empty when the ARN names nothing held.
     * A version has its own tags (those given at registration and by AddTags), not its group's.
     */
    public Map<String, String> resourceTags(String resourceArn) {
        return SageMakerArns.parse(resourceArn).map(p -> {
            Map<String, String> tags = state.snapshot().tagsOf(p.kind(),
                    SageMakerArns.of(p.kind(), p.region(), p.accountId(), p.name()));
            return tags == null ? Map.<String, String>of() : tags;
        }).orElse(Map.of());
    }

    /** Request members as CloudTrail shows them (camelCase); environment values are replaced by {@link #HIDDEN}. */
    static Map<String, Object> auditParameters(JsonNode body) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!e.getValue().isNull()) {
                params.put(SageMakerRequest.camel(e.getKey()), plain(e.getKey(), e.getValue()));
            }
        }
        return params;
    }

    private static Object plain(String member, JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            boolean environment = member.equals("Environment");
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (environment) {
                    m.put(e.getKey(), HIDDEN);
                } else {
                    m.put(SageMakerRequest.camel(e.getKey()), plain(e.getKey(), e.getValue()));
                }
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
        if (ModelRegistry.OPERATIONS.contains(operation)) {
            return registry.invoke(operation, body, account, RegistryIdentity.of(caller, context));
        }
        return switch (operation) {
            case "CreateModel" -> createModel(body, account, caller, context);
            case "DescribeModel" -> describeModel(body, account);
            case "ListModels" -> listModels(body, account);
            case "DeleteModel" -> deleteModel(body, account);
            case "CreateEndpointConfig" -> createEndpointConfig(body, account);
            case "DescribeEndpointConfig" -> describeEndpointConfig(body, account);
            case "ListEndpointConfigs" -> listEndpointConfigs(body, account);
            case "DeleteEndpointConfig" -> deleteEndpointConfig(body, account);
            case "CreateEndpoint" -> createEndpoint(body, account);
            case "DescribeEndpoint" -> describeEndpoint(body, account);
            case "ListEndpoints" -> listEndpoints(body, account);
            case "UpdateEndpoint" -> updateEndpoint(body, account);
            case "UpdateEndpointWeightsAndCapacities" -> updateWeights(body, account);
            case "DeleteEndpoint" -> deleteEndpoint(body, account);
            case "AddTags" -> addTags(body, account);
            case "DeleteTags" -> deleteTags(body, account);
            case "ListTags" -> listTags(body, account);
            default -> throw new IllegalStateException("unrouted operation " + operation);
        };
    }

    private static void requireOperation(String operation) throws JsonServiceException {
        if (!OPERATIONS.contains(operation)) {
            throw new JsonServiceException("UnknownOperationException", 400, "Unknown operation " + operation);
        }
    }

    private String arnOf(Kind kind, String name, String accountId) {
        return SageMakerArns.of(kind, region, accountId, name);
    }

    private String prefix(String accountId) {
        return "arn:aws:sagemaker:" + region + ":" + accountId + ":";
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static String nameMember(JsonNode body, String member) throws JsonServiceException {
        return SageMakerRequest.body(body, Set.of(member)).string(member, true, 0, 63, NAME, NAME_TEXT);
    }

    // ------------------------------------------------------------------ models

    /**
     * One container as CreateModel gave it: either complete ({@code direct}) or naming a model package version
     * ({@code packageArn}, with the hostname and environment given next to it), resolved under the write lock.
     *
     * @param path where the container is in the request ({@code primaryContainer}, {@code containers.2.member})
     */
    private record GivenContainer(ContainerDefinition direct, String packageArn, String hostname,
                                  Map<String, String> environment, String path) {}

    private record ModelRequest(String name, String arn, List<GivenContainer> containers, boolean pipeline,
                                String role, boolean isolation, Map<String, String> tags) {}

    private ModelRequest parseCreateModel(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("ModelName", "PrimaryContainer", "Containers",
                "ExecutionRoleArn", "Tags", "EnableNetworkIsolation"));
        String name = r.string("ModelName", true, 0, 63, NAME, NAME_TEXT);
        List<GivenContainer> containers = new ArrayList<>();
        boolean pipeline;
        if (r.has("PrimaryContainer") && r.has("Containers")) {
            throw SageMakerErrors.validation("Specify either PrimaryContainer or Containers, not both.");
        }
        if (r.has("PrimaryContainer")) {
            pipeline = false;
            String path = r.pathOf("PrimaryContainer");
            containers.add(container(SageMakerRequest.structure(r.raw("PrimaryContainer"), path,
                    CONTAINER_MEMBERS), path, account));
        } else if (r.has("Containers")) {
            pipeline = true;
            List<JsonNode> list = r.list("Containers", true, 1, MAX_PIPELINE);
            for (int i = 0; i < list.size(); i++) {
                String path = r.elementPath("Containers", i);
                containers.add(container(SageMakerRequest.structure(list.get(i), path, CONTAINER_MEMBERS), path,
                        account));
            }
        } else {
            throw SageMakerErrors.validation("Either PrimaryContainer or Containers must be specified.");
        }
        if (containers.stream().allMatch(c -> c.direct() != null)) {
            checkPipeline(containers.stream().map(GivenContainer::direct).toList());
        }
        String role = r.string("ExecutionRoleArn", false, 20, 2048, ROLE_ARN, ROLE_ARN_TEXT);
        boolean isolation = r.bool("EnableNetworkIsolation");
        Map<String, String> tags = piiTagsOnlyOn(Kind.ENDPOINT_CONFIG, Kind.MODEL, tags(body, false));
        return new ModelRequest(name, arnOf(Kind.MODEL, name, account), containers, pipeline, role, isolation, tags);
    }

    /** The rules for more than one container (an inference pipeline). */
    private static void checkPipeline(List<ContainerDefinition> containers) throws JsonServiceException {
        if (containers.size() <= 1) {
            return;
        }
        Set<String> hostnames = new HashSet<>();
        for (ContainerDefinition c : containers) {
            if (c.mode() == ContainerDefinition.Mode.MULTI_MODEL) {
                throw SageMakerErrors.validation(
                        "MultiModel mode is not supported for inference pipelines (more than one container).");
            }
            if (c.hostname() != null && !hostnames.add(c.hostname().toLowerCase(Locale.ROOT))) {
                throw SageMakerErrors.validation("Container hostname " + c.hostname()
                        + " is used by more than one container.");
            }
        }
    }

    private GivenContainer container(SageMakerRequest c, String path, String account) throws JsonServiceException {
        String hostname = c.string("ContainerHostname", false, 0, 63, NAME, NAME_TEXT);
        String image = c.string("Image", false, 0, 255, IMAGE, "[\\S]+");
        String mode = c.enumValue("Mode", false, Set.of("SingleModel", "MultiModel"));
        String url = c.string("ModelDataUrl", false, 0, 1024, MODEL_DATA_URL, MODEL_DATA_URL_TEXT);
        if (c.has("ModelPackageName")) {
            if (image != null || url != null) {
                throw SageMakerErrors.validation("ModelPackageName at '" + c.pathOf("ModelPackageName")
                        + "' cannot be combined with Image or ModelDataUrl: the model package names them.");
            }
            if ("MultiModel".equals(mode)) {
                throw SageMakerErrors.validation("MultiModel mode cannot be used with a model package at '"
                        + path + "'.");
            }
            String packageArn = registry.packageArn(c, "ModelPackageName", account);
            return new GivenContainer(null, packageArn, hostname, environment(c), path);
        }
        if (url == null) {
            throw SageMakerErrors.validation("ModelDataUrl is required at '" + c.pathOf("ModelDataUrl")
                    + "': mlgate serves the model artifact it names.");
        }
        return new GivenContainer(new ContainerDefinition(hostname, image, mode == null
                ? ContainerDefinition.Mode.SINGLE_MODEL : ContainerDefinition.Mode.fromWire(mode).orElseThrow(), url,
                environment(c)), null, null, null, path);
    }

    /** A container's Environment member (keys and sizes checked; values, which may be secrets, never shown). */
    static Map<String, String> environment(SageMakerRequest c) throws JsonServiceException {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode envNode = c.raw("Environment");
        if (envNode != null && !envNode.isNull()) {
            String at = c.pathOf("Environment");
            if (!envNode.isObject()) {
                throw SageMakerErrors.serialization("Member " + at + " must be a map.");
            }
            if (envNode.size() > 100) {
                throw SageMakerErrors.validation("1 validation error detected: Value at '" + at
                        + "' failed to satisfy constraint: Member must have length less than or equal to 100");
            }
            for (Map.Entry<String, JsonNode> e : envNode.properties()) {
                SageMakerRequest.checkString(e.getKey(), at, 0, 1024, ENV_KEY, "[a-zA-Z_][a-zA-Z0-9_]*", true);
                if (!e.getValue().isString()) {
                    throw SageMakerErrors.serialization("Environment values at " + at + " must be strings.");
                }
                // The value may be a secret: never shown in an error.
                SageMakerRequest.checkString(e.getValue().stringValue(), at + "." + e.getKey(), 0, 1024, null,
                        null, false);
                env.put(e.getKey(), e.getValue().stringValue());
            }
        }
        return env;
    }

    /** The model a CreateModel request makes, its model package containers resolved from {@code packages}. */
    private SageMakerModel resolveModel(Map<String, ModelPackage> packages, ModelRequest req, String account)
            throws JsonServiceException {
        List<ContainerDefinition> resolved = new ArrayList<>();
        Set<String> named = new HashSet<>();
        for (GivenContainer g : req.containers()) {
            if (g.direct() != null) {
                resolved.add(g.direct());
                continue;
            }
            if (!named.add(g.packageArn())) {
                throw SageMakerErrors.validation("Model package " + g.packageArn()
                        + " is named by more than one container.");
            }
            resolved.addAll(registry.resolve(packages, g.packageArn(), account, g.hostname(), g.environment(),
                    g.path()));
        }
        if (resolved.size() > ModelRegistry.MAX_RESOLVED_CONTAINERS) {
            throw SageMakerErrors.validation("The model's containers resolve to " + resolved.size()
                    + " containers; a model has at most " + ModelRegistry.MAX_RESOLVED_CONTAINERS + ".");
        }
        checkPipeline(resolved);
        return new SageMakerModel(req.name(), req.arn(), account, resolved, req.pipeline(), req.role(),
                req.isolation(), now(), req.tags());
    }

    private JsonNode createModel(JsonNode body, String account, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        ModelRequest req = parseCreateModel(body, account);
        if (req.role() != null && !rolePassing.mayPass(caller, context, req.role())) {
            throw new JsonServiceException("AccessDeniedException", 403, "User: " + caller.arn()
                    + " is not authorized to perform: iam:PassRole on resource: " + req.role());
        }
        state.write(ch -> {
            if (ch.models.containsKey(req.arn())) {
                throw SageMakerErrors.alreadyExists(Kind.MODEL, req.arn());
            }
            SageMakerModel model = resolveModel(ch.packages, req, account);
            registry.requireApproved(model, ch.packages, "created");
            if (countIn(ch.models.keySet(), account) >= limits.models()) {
                throw SageMakerErrors.limitExceeded("The account-level service limit 'Number of models' is "
                        + limits.models() + " Models.");
            }
            ch.put(model);
            return null;
        });
        ObjectNode out = JsonBodies.object();
        out.put("ModelArn", req.arn());
        return out;
    }

    private long countIn(Set<String> arns, String account) {
        String p = prefix(account);
        return arns.stream().filter(a -> a.startsWith(p)).count();
    }

    private SageMakerModel requireModel(String name, String account) throws JsonServiceException {
        String arn = arnOf(Kind.MODEL, name, account);
        SageMakerModel m = state.snapshot().models().get(arn);
        if (m == null) {
            throw SageMakerErrors.notFound(Kind.MODEL, arn);
        }
        return m;
    }

    private JsonNode describeModel(JsonNode body, String account) throws JsonServiceException {
        SageMakerModel m = requireModel(nameMember(body, "ModelName"), account);
        ObjectNode out = JsonBodies.object();
        out.put("ModelName", m.name());
        List<ObjectNode> shown = containersJson(m.containers());
        if (m.pipeline()) {
            ArrayNode list = out.putArray("Containers");
            shown.forEach(list::add);
        } else {
            out.set("PrimaryContainer", shown.get(0));
        }
        if (m.executionRoleArn() != null) {
            out.put("ExecutionRoleArn", m.executionRoleArn());
        }
        out.put("CreationTime", epoch(m.creationTime()));
        out.put("ModelArn", m.arn());
        out.put("EnableNetworkIsolation", m.networkIsolation());
        return out;
    }

    /**
     * The containers as CreateModel was given them: the containers resolved from one model package show as one
     * container naming the version ({@code ModelPackageName}, its ARN), with the hostname and effective
     * environment when the package has a single container.
     */
    private static List<ObjectNode> containersJson(List<ContainerDefinition> containers) {
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            ContainerDefinition c = containers.get(i);
            if (c.modelPackage() == null) {
                out.add(containerJson(c));
                continue;
            }
            int j = i;
            while (j + 1 < containers.size() && containers.get(j + 1).modelPackage() != null
                    && containers.get(j + 1).modelPackage().equals(c.modelPackage())) {
                j++;
            }
            ObjectNode n = JsonBodies.object();
            if (i == j && c.hostname() != null) {
                n.put("ContainerHostname", c.hostname());
            }
            n.put("Mode", c.mode().wireName());
            n.put("ModelPackageName", c.modelPackage().modelPackageArn());
            if (i == j && !c.environment().isEmpty()) {
                ObjectNode env = n.putObject("Environment");
                c.environment().forEach(env::put);
            }
            out.add(n);
            i = j;
        }
        return out;
    }

    private static ObjectNode containerJson(ContainerDefinition c) {
        ObjectNode n = JsonBodies.object();
        if (c.hostname() != null) {
            n.put("ContainerHostname", c.hostname());
        }
        if (c.image() != null) {
            n.put("Image", c.image());
        }
        n.put("Mode", c.mode().wireName());
        n.put("ModelDataUrl", c.modelDataUrl());
        if (!c.environment().isEmpty()) {
            ObjectNode env = n.putObject("Environment");
            c.environment().forEach(env::put);
        }
        return n;
    }

    private JsonNode deleteModel(JsonNode body, String account) throws JsonServiceException {
        String arn = arnOf(Kind.MODEL, nameMember(body, "ModelName"), account);
        state.write(ch -> {
            if (!ch.models.containsKey(arn)) {
                throw SageMakerErrors.notFound(Kind.MODEL, arn);
            }
            // As in SageMaker, configurations and endpoints that use the model keep what they resolved.
            ch.removeModel(arn);
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode listModels(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListing("ListModels", body, account);
        List<SageMakerModel> all = state.snapshot().models().values().stream()
                .filter(m -> m.arn().startsWith(prefix(account)))
                .filter(l.matches(SageMakerModel::name, SageMakerModel::creationTime, m -> null, m -> null))
                .sorted(l.order(SageMakerModel::name, SageMakerModel::creationTime, m -> ""))
                .toList();
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("Models");
        for (SageMakerModel m : l.page(all, out)) {
            array.addObject().put("ModelName", m.name()).put("ModelArn", m.arn())
                    .put("CreationTime", epoch(m.creationTime()));
        }
        return out;
    }

    // ------------------------------------------------------------------ endpoint configurations

    private EndpointConfig parseCreateEndpointConfig(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("EndpointConfigName", "ProductionVariants",
                "DataCaptureConfig", "Tags", "KmsKeyId"));
        String name = r.string("EndpointConfigName", true, 0, 63, NAME, NAME_TEXT);
        List<JsonNode> list = r.list("ProductionVariants", true, 1, 10);
        List<VariantConfig> variants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            SageMakerRequest v = SageMakerRequest.structure(list.get(i), r.elementPath("ProductionVariants", i),
                    VARIANT_MEMBERS);
            String variantName = v.string("VariantName", true, 0, 63, NAME, NAME_TEXT);
            if (!names.add(variantName.toLowerCase(Locale.ROOT))) {
                throw SageMakerErrors.validation("The variant name " + variantName
                        + " is used by more than one production variant.");
            }
            String modelName = v.string("ModelName", false, 0, 63, NAME, NAME_TEXT);
            if (modelName == null) {
                throw v.missing("ModelName");
            }
            Integer count = v.integer("InitialInstanceCount", false, 1, Integer.MAX_VALUE);
            if (count == null) {
                throw SageMakerErrors.validation("InitialInstanceCount is required for the production variant "
                        + variantName + ".");
            }
            if (count > limits.instancesPerVariant()) {
                throw SageMakerErrors.limitExceeded("The production variant " + variantName + " asks for "
                        + count + " instances; the limit is " + limits.instancesPerVariant() + ".");
            }
            String instanceType = v.string("InstanceType", false, 0, 64, INSTANCE_TYPE, "^ml\\.[a-z0-9-]+\\.[a-z0-9]+$");
            Double weight = v.number("InitialVariantWeight", 0);
            variants.add(new VariantConfig(variantName, modelName, count, instanceType,
                    weight == null ? 1.0 : weight));
        }
        String kms = r.string("KmsKeyId", false, 0, 2048, KMS_KEY_ID, "^[a-zA-Z0-9:/_-]*$");
        DataCaptureConfig capture = r.has("DataCaptureConfig") ? dataCapture(SageMakerRequest.structure(
                r.raw("DataCaptureConfig"), r.pathOf("DataCaptureConfig"), CAPTURE_MEMBERS)) : null;
        Map<String, String> tags = piiTagsOnlyOn(Kind.ENDPOINT_CONFIG, Kind.ENDPOINT_CONFIG, tags(body, false));
        return new EndpointConfig(name, arnOf(Kind.ENDPOINT_CONFIG, name, account), account, variants, kms, capture,
                now(), tags);
    }

    private static DataCaptureConfig dataCapture(SageMakerRequest d) throws JsonServiceException {
        boolean enable = !d.has("EnableCapture") || d.bool("EnableCapture");
        int sampling = d.integer("InitialSamplingPercentage", true, 0, 100);
        String destination = d.string("DestinationS3Uri", true, 0, 512, DESTINATION,
                "^(s3|https|file|mlgate)://[^/\\s]+/?\\S*");
        String kms = d.string("KmsKeyId", false, 0, 2048, KMS_KEY_ID, "^[a-zA-Z0-9:/_-]*$");
        List<JsonNode> options = d.list("CaptureOptions", true, 1, 32);
        List<String> modes = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            SageMakerRequest o = SageMakerRequest.structure(options.get(i), d.elementPath("CaptureOptions", i),
                    Set.of("CaptureMode"));
            modes.add(o.enumValue("CaptureMode", true, Set.of("Input", "Output", "InputAndOutput")));
        }
        List<String> csv = null;
        List<String> json = null;
        if (d.has("CaptureContentTypeHeader")) {
            SageMakerRequest h = SageMakerRequest.structure(d.raw("CaptureContentTypeHeader"),
                    d.pathOf("CaptureContentTypeHeader"), Set.of("CsvContentTypes", "JsonContentTypes"));
            csv = contentTypes(h, "CsvContentTypes");
            json = contentTypes(h, "JsonContentTypes");
        }
        return new DataCaptureConfig(enable, sampling, destination, kms, modes, csv, json);
    }

    private static List<String> contentTypes(SageMakerRequest h, String member) throws JsonServiceException {
        List<JsonNode> list = h.list(member, false, 1, 10);
        if (list == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            if (!n.isString()) {
                throw SageMakerErrors.serialization("Member " + h.pathOf(member) + " must hold strings.");
            }
            SageMakerRequest.checkString(n.stringValue(), h.elementPath(member, i), 1, 256, CONTENT_TYPE,
                    "^[a-zA-Z0-9](-*[a-zA-Z0-9])*\\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*", true);
            out.add(n.stringValue());
        }
        return out;
    }

    private JsonNode createEndpointConfig(JsonNode body, String account) throws JsonServiceException {
        EndpointConfig draft = parseCreateEndpointConfig(body, account);
        state.write(ch -> {
            if (ch.configs.containsKey(draft.arn())) {
                throw SageMakerErrors.alreadyExists(Kind.ENDPOINT_CONFIG, draft.arn());
            }
            for (VariantConfig v : draft.variants()) {
                String modelArn = arnOf(Kind.MODEL, v.modelName(), account);
                if (!ch.models.containsKey(modelArn)) {
                    throw SageMakerErrors.notFound(Kind.MODEL, modelArn);
                }
            }
            if (countIn(ch.configs.keySet(), account) >= limits.endpointConfigs()) {
                throw SageMakerErrors.limitExceeded("The account-level service limit 'Number of endpoint "
                        + "configurations' is " + limits.endpointConfigs() + " EndpointConfigs.");
            }
            ch.put(draft);
            return null;
        });
        ObjectNode out = JsonBodies.object();
        out.put("EndpointConfigArn", draft.arn());
        return out;
    }

    private EndpointConfig requireConfig(String name, String account) throws JsonServiceException {
        String arn = arnOf(Kind.ENDPOINT_CONFIG, name, account);
        EndpointConfig c = state.snapshot().configs().get(arn);
        if (c == null) {
            throw SageMakerErrors.notFound(Kind.ENDPOINT_CONFIG, arn);
        }
        return c;
    }

    private JsonNode describeEndpointConfig(JsonNode body, String account) throws JsonServiceException {
        EndpointConfig c = requireConfig(nameMember(body, "EndpointConfigName"), account);
        ObjectNode out = JsonBodies.object();
        out.put("EndpointConfigName", c.name());
        out.put("EndpointConfigArn", c.arn());
        ArrayNode variants = out.putArray("ProductionVariants");
        for (VariantConfig v : c.variants()) {
            ObjectNode n = variants.addObject();
            n.put("VariantName", v.variantName());
            n.put("ModelName", v.modelName());
            n.put("InitialInstanceCount", v.initialInstanceCount());
            if (v.instanceType() != null) {
                n.put("InstanceType", v.instanceType());
            }
            n.put("InitialVariantWeight", (float) v.initialVariantWeight());
        }
        if (c.dataCapture() != null) {
            out.set("DataCaptureConfig", dataCaptureJson(c.dataCapture()));
        }
        if (c.kmsKeyId() != null) {
            out.put("KmsKeyId", c.kmsKeyId());
        }
        out.put("CreationTime", epoch(c.creationTime()));
        return out;
    }

    private static ObjectNode dataCaptureJson(DataCaptureConfig d) {
        ObjectNode n = JsonBodies.object();
        n.put("EnableCapture", d.enableCapture());
        n.put("InitialSamplingPercentage", d.initialSamplingPercentage());
        n.put("DestinationS3Uri", d.destinationS3Uri());
        if (d.kmsKeyId() != null) {
            n.put("KmsKeyId", d.kmsKeyId());
        }
        ArrayNode options = n.putArray("CaptureOptions");
        d.captureModes().forEach(m -> options.addObject().put("CaptureMode", m));
        if (d.csvContentTypes() != null || d.jsonContentTypes() != null) {
            ObjectNode h = n.putObject("CaptureContentTypeHeader");
            if (d.csvContentTypes() != null) {
                d.csvContentTypes().forEach(h.putArray("CsvContentTypes")::add);
            }
            if (d.jsonContentTypes() != null) {
                d.jsonContentTypes().forEach(h.putArray("JsonContentTypes")::add);
            }
        }
        return n;
    }

    private JsonNode deleteEndpointConfig(JsonNode body, String account) throws JsonServiceException {
        String arn = arnOf(Kind.ENDPOINT_CONFIG, nameMember(body, "EndpointConfigName"), account);
        state.write(ch -> {
            if (!ch.configs.containsKey(arn)) {
                throw SageMakerErrors.notFound(Kind.ENDPOINT_CONFIG, arn);
            }
            // SageMaker allows it even while an endpoint uses the configuration; the endpoint keeps its deployment.
            ch.removeConfig(arn);
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode listEndpointConfigs(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListing("ListEndpointConfigs", body, account);
        List<EndpointConfig> all = state.snapshot().configs().values().stream()
                .filter(c -> c.arn().startsWith(prefix(account)))
                .filter(l.matches(EndpointConfig::name, EndpointConfig::creationTime, c -> null, c -> null))
                .sorted(l.order(EndpointConfig::name, EndpointConfig::creationTime, c -> ""))
                .toList();
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("EndpointConfigs");
        for (EndpointConfig c : l.page(all, out)) {
            array.addObject().put("EndpointConfigName", c.name()).put("EndpointConfigArn", c.arn())
                    .put("CreationTime", epoch(c.creationTime()));
        }
        return out;
    }

    // ------------------------------------------------------------------ endpoints

    private record EndpointRequest(String name, String arn, String configName, boolean retainAll,
                                   Set<String> excluded, Map<String, String> tags) {}

    private EndpointRequest parseCreateEndpoint(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("EndpointName", "EndpointConfigName", "Tags"));
        String name = r.string("EndpointName", true, 0, 63, NAME, NAME_TEXT);
        String config = r.string("EndpointConfigName", true, 0, 63, NAME, NAME_TEXT);
        return new EndpointRequest(name, arnOf(Kind.ENDPOINT, name, account), config, false, Set.of(),
                piiTagsOnlyOn(Kind.ENDPOINT_CONFIG, Kind.ENDPOINT, tags(body, false)));
    }

    private EndpointRequest parseUpdateEndpoint(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("EndpointName", "EndpointConfigName",
                "RetainAllVariantProperties", "ExcludeRetainedVariantProperties"));
        String name = r.string("EndpointName", true, 0, 63, NAME, NAME_TEXT);
        String config = r.string("EndpointConfigName", true, 0, 63, NAME, NAME_TEXT);
        boolean retain = r.bool("RetainAllVariantProperties");
        Set<String> excluded = new HashSet<>();
        List<JsonNode> list = r.list("ExcludeRetainedVariantProperties", false, 0, 3);
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                SageMakerRequest p = SageMakerRequest.structure(list.get(i),
                        r.elementPath("ExcludeRetainedVariantProperties", i), Set.of("VariantPropertyType"));
                excluded.add(p.enumValue("VariantPropertyType", true,
                        Set.of("DesiredInstanceCount", "DesiredWeight", "DataCaptureConfig")));
            }
        }
        return new EndpointRequest(name, arnOf(Kind.ENDPOINT, name, account), config, retain, excluded, Map.of());
    }

    /** Resolves a configuration and its models into what the runtime needs. */
    private DeploymentPlan plan(SageMakerState.Changes ch, String endpointName, String endpointArn,
                                String configName, String account) throws JsonServiceException {
        String configArn = arnOf(Kind.ENDPOINT_CONFIG, configName, account);
        EndpointConfig config = ch.configs.get(configArn);
        if (config == null) {
            throw SageMakerErrors.notFound(Kind.ENDPOINT_CONFIG, configArn);
        }
        List<DeploymentPlan.Variant> variants = new ArrayList<>();
        for (VariantConfig v : config.variants()) {
            String modelArn = arnOf(Kind.MODEL, v.modelName(), account);
            SageMakerModel model = ch.models.get(modelArn);
            if (model == null) {
                throw SageMakerErrors.notFound(Kind.MODEL, modelArn);
            }
            registry.requireApproved(model, ch.packages, "deployed");
            variants.add(new DeploymentPlan.Variant(v.variantName(), v.initialVariantWeight(),
                    v.initialInstanceCount(), v.instanceType(), model.name(), model.arn(), model.containers(),
                    model.pipeline(), model.executionRoleArn(), model.networkIsolation()));
        }
        return new DeploymentPlan(endpointName, endpointArn, account, config.name(), config.kmsKeyId(),
                config.dataCapture(), variants, config.tags());
    }

    private JsonNode createEndpoint(JsonNode body, String account) throws JsonServiceException {
        EndpointRequest req = parseCreateEndpoint(body, account);
        Object token = new Object();
        DeploymentPlan plan = writeDeployment(req.arn(), token, ch -> {
            if (ch.endpoints.containsKey(req.arn())) {
                throw SageMakerErrors.alreadyExists(Kind.ENDPOINT, req.arn());
            }
            DeploymentPlan p = plan(ch, req.name(), req.arn(), req.configName(), account);
            if (countIn(ch.endpoints.keySet(), account) >= limits.endpoints()) {
                throw SageMakerErrors.limitExceeded("The account-level service limit 'Number of endpoints' is "
                        + limits.endpoints() + " Endpoints.");
            }
            Instant now = now();
            ch.put(new SageMakerEndpoint(req.name(), req.arn(), account, EndpointStatus.CREATING, null, p, null,
                    null, now, now, req.tags()));
            deployments.put(req.arn(), token);
            return p;
        });
        synchronized (runtimeLock) {
            if (deployments.get(req.arn()) == token) {
                runtime.deploy(plan, completion(req.arn(), token));
            }
        }
        ObjectNode out = JsonBodies.object();
        out.put("EndpointArn", req.arn());
        return out;
    }

    /** A state write that registers {@code token} as the endpoint's awaited deployment; forgotten if it fails. */
    private DeploymentPlan writeDeployment(String arn, Object token, SageMakerState.Work<DeploymentPlan> work)
            throws JsonServiceException {
        try {
            return state.write(work);
        } catch (JsonServiceException | RuntimeException e) {
            deployments.remove(arn, token);
            throw e;
        }
    }

    private SageMakerEndpoint requireEndpoint(SageMakerState.Changes ch, String arn) throws JsonServiceException {
        SageMakerEndpoint e = ch == null ? state.snapshot().endpoints().get(arn) : ch.endpoints.get(arn);
        if (e == null) {
            throw SageMakerErrors.notFound(Kind.ENDPOINT, arn);
        }
        return e;
    }

    private JsonNode describeEndpoint(JsonNode body, String account) throws JsonServiceException {
        SageMakerEndpoint e = requireEndpoint(null, arnOf(Kind.ENDPOINT, nameMember(body, "EndpointName"), account));
        ObjectNode out = JsonBodies.object();
        out.put("EndpointName", e.name());
        out.put("EndpointArn", e.arn());
        out.put("EndpointConfigName", e.endpointConfigName());
        boolean serving = e.status() == EndpointStatus.IN_SERVICE || e.status() == EndpointStatus.UPDATING;
        ArrayNode variants = out.putArray("ProductionVariants");
        for (DeploymentPlan.Variant v : e.current().variants()) {
            ObjectNode n = variants.addObject();
            n.put("VariantName", v.variantName());
            ArrayNode images = n.putArray("DeployedImages");
            for (ContainerDefinition c : v.containers()) {
                if (c.image() != null) {
                    images.addObject().put("SpecifiedImage", c.image());
                }
            }
            if (images.isEmpty()) {
                n.remove("DeployedImages");
            }
            if (serving) {
                n.put("CurrentWeight", (float) v.weight());
            }
            n.put("DesiredWeight", (float) v.weight());
            if (serving) {
                n.put("CurrentInstanceCount", v.instanceCount());
            }
            n.put("DesiredInstanceCount", v.instanceCount());
        }
        DataCaptureConfig capture = e.current().dataCapture();
        if (capture != null) {
            ObjectNode d = out.putObject("DataCaptureConfig");
            d.put("EnableCapture", capture.enableCapture());
            d.put("CaptureStatus", capture.enableCapture() ? "Started" : "Stopped");
            d.put("CurrentSamplingPercentage", capture.initialSamplingPercentage());
            d.put("DestinationS3Uri", capture.destinationS3Uri());
            d.put("KmsKeyId", capture.kmsKeyId() == null ? "" : capture.kmsKeyId());
        }
        out.put("EndpointStatus", e.status().wireName());
        if (e.failureReason() != null) {
            out.put("FailureReason", e.failureReason());
        }
        out.put("CreationTime", epoch(e.creationTime()));
        out.put("LastModifiedTime", epoch(e.lastModifiedTime()));
        if (e.pending() != null) {
            ObjectNode p = out.putObject("PendingDeploymentSummary");
            p.put("EndpointConfigName", e.pending().endpointConfigName());
            ArrayNode pv = p.putArray("ProductionVariants");
            for (DeploymentPlan.Variant v : e.pending().variants()) {
                pv.addObject().put("VariantName", v.variantName()).put("DesiredWeight", (float) v.weight())
                        .put("DesiredInstanceCount", v.instanceCount());
            }
            p.put("StartTime", epoch(e.pendingSince()));
        }
        return out;
    }

    private JsonNode listEndpoints(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListing("ListEndpoints", body, account);
        List<SageMakerEndpoint> all = state.snapshot().endpoints().values().stream()
                .filter(e -> e.arn().startsWith(prefix(account)))
                .filter(l.matches(SageMakerEndpoint::name, SageMakerEndpoint::creationTime,
                        SageMakerEndpoint::lastModifiedTime, e -> e.status().wireName()))
                .sorted(l.order(SageMakerEndpoint::name, SageMakerEndpoint::creationTime,
                        e -> e.status().wireName()))
                .toList();
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("Endpoints");
        for (SageMakerEndpoint e : l.page(all, out)) {
            array.addObject().put("EndpointName", e.name()).put("EndpointArn", e.arn())
                    .put("CreationTime", epoch(e.creationTime())).put("LastModifiedTime", epoch(e.lastModifiedTime()))
                    .put("EndpointStatus", e.status().wireName());
        }
        return out;
    }

    private JsonNode updateEndpoint(JsonNode body, String account) throws JsonServiceException {
        EndpointRequest req = parseUpdateEndpoint(body, account);
        Object token = new Object();
        DeploymentPlan plan = writeDeployment(req.arn(), token, ch -> {
            SageMakerEndpoint e = requireEndpoint(ch, req.arn());
            if (e.status() != EndpointStatus.IN_SERVICE || deployments.containsKey(e.arn())) {
                if (e.status() == EndpointStatus.FAILED) {
                    throw SageMakerErrors.validation("Cannot update endpoint \"" + e.arn()
                            + "\" in status Failed; delete it and create it again.");
                }
                throw SageMakerErrors.inProgress(e.arn());
            }
            DeploymentPlan next = plan(ch, e.name(), e.arn(), req.configName(), account);
            if (req.retainAll()) {
                Map<String, Double> weights = new HashMap<>();
                Map<String, Integer> counts = new HashMap<>();
                for (DeploymentPlan.Variant v : e.current().variants()) {
                    if (next.variant(v.variantName()) != null) {
                        if (!req.excluded().contains("DesiredWeight")) {
                            weights.put(v.variantName(), v.weight());
                        }
                        if (!req.excluded().contains("DesiredInstanceCount")) {
                            counts.put(v.variantName(), v.instanceCount());
                        }
                    }
                }
                next = next.withWeightsAndCounts(weights, counts);
            }
            Instant now = now();
            ch.put(e.withStatus(EndpointStatus.UPDATING, null, e.current(), next, now, now));
            deployments.put(e.arn(), token);
            return next;
        });
        synchronized (runtimeLock) {
            if (deployments.get(req.arn()) == token) {
                runtime.update(plan, completion(req.arn(), token));
            }
        }
        ObjectNode out = JsonBodies.object();
        out.put("EndpointArn", req.arn());
        return out;
    }

    private record WeightsRequest(String arn, Map<String, Double> weights, Map<String, Integer> counts) {}

    private WeightsRequest parseWeights(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("EndpointName", "DesiredWeightsAndCapacities"));
        String name = r.string("EndpointName", true, 0, 63, NAME, NAME_TEXT);
        List<JsonNode> list = r.list("DesiredWeightsAndCapacities", true, 1, 10);
        Map<String, Double> weights = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            SageMakerRequest d = SageMakerRequest.structure(list.get(i),
                    r.elementPath("DesiredWeightsAndCapacities", i),
                    Set.of("VariantName", "DesiredWeight", "DesiredInstanceCount"));
            String variant = d.string("VariantName", true, 0, 63, NAME, NAME_TEXT);
            if (!seen.add(variant)) {
                throw SageMakerErrors.validation("The variant name " + variant + " appears more than once.");
            }
            Double weight = d.number("DesiredWeight", 0);
            Integer count = d.integer("DesiredInstanceCount", false, 0, Integer.MAX_VALUE);
            if (weight == null && count == null) {
                throw SageMakerErrors.validation("Specify DesiredWeight or DesiredInstanceCount for the variant "
                        + variant + ".");
            }
            if (count != null && count < 1) {
                throw SageMakerErrors.validation("DesiredInstanceCount of the variant " + variant
                        + " must be at least 1.");
            }
            if (count != null && count > limits.instancesPerVariant()) {
                throw SageMakerErrors.limitExceeded("The production variant " + variant + " asks for " + count
                        + " instances; the limit is " + limits.instancesPerVariant() + ".");
            }
            if (weight != null) {
                weights.put(variant, weight);
            }
            if (count != null) {
                counts.put(variant, count);
            }
        }
        return new WeightsRequest(arnOf(Kind.ENDPOINT, name, account), weights, counts);
    }

    private JsonNode updateWeights(JsonNode body, String account) throws JsonServiceException {
        WeightsRequest req = parseWeights(body, account);
        synchronized (runtimeLock) {
            state.write(ch -> {
                SageMakerEndpoint e = requireEndpoint(ch, req.arn());
                if (e.status() != EndpointStatus.IN_SERVICE || deployments.containsKey(e.arn())) {
                    throw SageMakerErrors.inProgress(e.arn());
                }
                List<String> unknown = new ArrayList<>();
                for (String v : union(req.weights().keySet(), req.counts().keySet())) {
                    if (e.current().variant(v) == null) {
                        unknown.add(v);
                    }
                }
                if (!unknown.isEmpty()) {
                    throw SageMakerErrors.validation("The variant(s) " + unknown + " are not present in endpoint \""
                            + e.arn() + "\".");
                }
                DeploymentPlan next = e.current().withWeightsAndCounts(req.weights(), req.counts());
                ch.put(e.withStatus(EndpointStatus.IN_SERVICE, e.failureReason(), next, null, null, now()));
                return null;
            });
            // Persisted first; the runtime call cannot fail the request. Held under runtimeLock so that a delete
            // cannot undeploy between the two.
            if (state.snapshot().endpoints().containsKey(req.arn())) {
                runtime.setWeights(req.arn(), req.weights(), req.counts());
            }
        }
        ObjectNode out = JsonBodies.object();
        out.put("EndpointArn", req.arn());
        return out;
    }

    // ------------------------------------------------------------------ autoscaling (io.mlgate.autoscaling)

    /**
     * The endpoint of that name in the account, as Application Auto Scaling sees it; empty when there is none (or
     * the name is not a valid endpoint name).
     */
    public java.util.Optional<EndpointCapacity> capacity(String accountId, String endpointName) {
        if (endpointName == null || !NAME.matcher(endpointName).matches()) {
            return java.util.Optional.empty();
        }
        SageMakerEndpoint e = state.snapshot().endpoints().get(arnOf(Kind.ENDPOINT, endpointName, accountId));
        if (e == null) {
            return java.util.Optional.empty();
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (DeploymentPlan.Variant v : e.current().variants()) {
            counts.put(v.variantName(), v.instanceCount());
        }
        return java.util.Optional.of(new EndpointCapacity(e.name(), e.arn(),
                e.status() == EndpointStatus.IN_SERVICE && !deployments.containsKey(e.arn()), counts));
    }

    /**
     * Sets one variant's DesiredInstanceCount exactly as UpdateEndpointWeightsAndCapacities does (same checks, same
     * errors: the endpoint must be InService and not updating, the count within the instance limit), persisted and
     * applied to the runtime; DescribeEndpoint shows it at once. Used by Application Auto Scaling.
     */
    public void setDesiredInstanceCount(String accountId, String endpointName, String variantName, int count)
            throws JsonServiceException {
        ObjectNode body = JsonBodies.object();
        body.put("EndpointName", endpointName);
        body.putArray("DesiredWeightsAndCapacities").addObject().put("VariantName", variantName)
                .put("DesiredInstanceCount", count);
        updateWeights(body, accountId);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return s;
    }

    private JsonNode deleteEndpoint(JsonNode body, String account) throws JsonServiceException {
        String arn = arnOf(Kind.ENDPOINT, nameMember(body, "EndpointName"), account);
        state.write(ch -> {
            SageMakerEndpoint e = requireEndpoint(ch, arn);
            if (e.status() == EndpointStatus.CREATING || e.status() == EndpointStatus.UPDATING) {
                throw SageMakerErrors.inProgress(arn);
            }
            ch.removeEndpoint(arn);
            deployments.remove(arn);
            return null;
        });
        synchronized (runtimeLock) {
            if (!state.snapshot().endpoints().containsKey(arn)) {
                runtime.undeploy(arn);
            }
        }
        return JsonBodies.object();
    }

    /** What a deployment's completion does to the endpoint; a stale or duplicate completion changes nothing. */
    private Consumer<DeploymentOutcome> completion(String arn, Object token) {
        return outcome -> {
            Objects.requireNonNull(outcome, "outcome");
            try {
                state.write(ch -> {
                    if (!deployments.remove(arn, token)) {
                        return null;
                    }
                    SageMakerEndpoint e = ch.endpoints.get(arn);
                    if (e == null) {
                        return null;
                    }
                    Instant now = now();
                    SageMakerEndpoint next = switch (e.status()) {
                        case CREATING -> outcome.inService()
                                ? e.withStatus(EndpointStatus.IN_SERVICE, null, e.current(), null, null, now)
                                : e.withStatus(EndpointStatus.FAILED, outcome.failureReason(), e.current(), null,
                                null, now);
                        case UPDATING -> outcome.inService()
                                ? e.withStatus(EndpointStatus.IN_SERVICE, null, e.pending(), null, null, now)
                                // The old deployment keeps serving, as SageMaker rolls a failed update back.
                                : e.withStatus(EndpointStatus.IN_SERVICE, "Updating to endpoint configuration "
                                + e.pending().endpointConfigName() + " failed: " + outcome.failureReason(),
                                e.current(), null, null, now);
                        case IN_SERVICE -> outcome.inService() ? e
                                : e.withStatus(EndpointStatus.FAILED, outcome.failureReason(), e.current(), null,
                                null, now);
                        default -> e;
                    };
                    if (next != e) {
                        ch.put(next);
                    }
                    return null;
                });
            } catch (JsonServiceException impossible) {
                throw new IllegalStateException(impossible);
            }
        };
    }

    private void resume() {
        List<DeploymentPlan> plans = new ArrayList<>();
        Map<String, Object> tokens = new HashMap<>();
        try {
            state.write(ch -> {
                for (SageMakerEndpoint e : List.copyOf(ch.endpoints.values())) {
                    if (!e.arn().startsWith("arn:aws:sagemaker:" + region + ":")) {
                        continue;
                    }
                    switch (e.status()) {
                        case UPDATING -> ch.put(e.withStatus(EndpointStatus.IN_SERVICE, "The update to endpoint "
                                + "configuration " + e.pending().endpointConfigName() + " was interrupted by a "
                                + "restart; the endpoint serves its previous configuration.", e.current(), null,
                                null, now()));
                        case IN_SERVICE, CREATING -> { }
                        default -> {
                            continue;
                        }
                    }
                    Object token = new Object();
                    tokens.put(e.arn(), token);
                    deployments.put(e.arn(), token);
                    plans.add(e.current());
                }
                return null;
            });
        } catch (JsonServiceException impossible) {
            throw new IllegalStateException(impossible);
        }
        synchronized (runtimeLock) {
            for (DeploymentPlan p : plans) {
                Object token = tokens.get(p.endpointArn());
                if (deployments.get(p.endpointArn()) == token) {
                    runtime.deploy(p, completion(p.endpointArn(), token));
                }
            }
        }
    }

    // ------------------------------------------------------------------ tags

    /** The Tags member of a request body (keys unique, none reserved); empty if absent and not required. */
    static Map<String, String> tags(JsonNode body, boolean required) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of(fieldNames(body)));
        List<JsonNode> list = r.list("Tags", required, 0, MAX_TAGS);
        Map<String, String> tags = new LinkedHashMap<>();
        if (list == null) {
            return tags;
        }
        for (int i = 0; i < list.size(); i++) {
            SageMakerRequest t = SageMakerRequest.structure(list.get(i), r.elementPath("Tags", i),
                    Set.of("Key", "Value"));
            String key = t.string("Key", true, 1, 128, TAG, TAG_TEXT);
            String value = t.string("Value", true, 0, 256, TAG, TAG_TEXT);
            if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw SageMakerErrors.validation("Tag keys starting with 'aws:' are reserved for system use.");
            }
            if (tags.put(key, value) != null) {
                throw SageMakerErrors.validation("Duplicate tag key " + key + " in the request.");
            }
        }
        return tags;
    }

    /**
     * Checks the {@code mlgate:pii-*} tags (the endpoint's PII policy, docs/pii.md) and
     * {@code mlgate:EnableInterContainerTrafficEncryption} (true or false): they belong on an endpoint
     * configuration and must parse; anywhere else, or with a bad value, the request fails with a ValidationException.
     */
    private static Map<String, String> piiTagsOnlyOn(Kind allowed, Kind kind, Map<String, String> tags)
            throws JsonServiceException {
        if (tags.containsKey(DeploymentPlan.INTER_CONTAINER_ENCRYPTION_TAG)) {
            if (kind != allowed) {
                throw SageMakerErrors.validation("The tag " + DeploymentPlan.INTER_CONTAINER_ENCRYPTION_TAG
                        + " sets how an endpoint's traffic to runtime nodes is protected and belongs on an endpoint "
                        + "configuration.");
            }
            try {
                DeploymentPlan.interContainerEncryption(tags);
            } catch (IllegalArgumentException e) {
                throw SageMakerErrors.validation("Invalid tag value: " + e.getMessage() + ".");
            }
        }
        if (!PiiPolicy.hasPolicyTags(tags)) {
            return tags;
        }
        if (kind != allowed) {
            throw SageMakerErrors.validation("Tags with keys starting with '" + PiiPolicy.TAG_PREFIX
                    + "' set an endpoint's PII policy and belong on an endpoint configuration.");
        }
        try {
            PiiPolicy.detect().withTags(tags);
        } catch (IllegalArgumentException e) {
            throw SageMakerErrors.validation("Invalid PII policy: " + e.getMessage() + ".");
        }
        return tags;
    }

    /**
     * The tags of the endpoint configuration an endpoint serves now (its current deployment's), for the gateway's
     * PII policy; empty when the endpoint or that configuration is not held. The map returned is the held one (the
     * same object until the tags change), so callers may cache what they derive from it.
     */
    public Map<String, String> servedConfigTags(String accountId, String endpointName) {
        SageMakerState.Snapshot s = state.snapshot();
        SageMakerEndpoint e = s.endpoints().get(arnOf(Kind.ENDPOINT, endpointName, accountId));
        if (e == null || e.current() == null) {
            return Map.of();
        }
        EndpointConfig c = s.configs().get(arnOf(Kind.ENDPOINT_CONFIG, e.current().endpointConfigName(), accountId));
        return c == null ? Map.of() : c.tags();
    }

    private static String[] fieldNames(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.properties().forEach(e -> names.add(e.getKey()));
        return names.toArray(String[]::new);
    }

    private SageMakerArns.Parsed parseTagRequest(String operation, JsonNode body) throws JsonServiceException {
        Set<String> members = switch (operation) {
            case "AddTags" -> Set.of("ResourceArn", "Tags");
            case "DeleteTags" -> Set.of("ResourceArn", "TagKeys");
            default -> Set.of("ResourceArn", "NextToken", "MaxResults");
        };
        SageMakerRequest r = SageMakerRequest.body(body, members);
        String arn = r.string("ResourceArn", true, 0, 256, RESOURCE_ARN,
                "^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+");
        SageMakerArns.Parsed parsed = SageMakerArns.parse(arn).orElseThrow(() -> SageMakerErrors.validation(
                "Resource " + arn + " is not a model, endpoint configuration, endpoint, model package group or "
                        + "model package version."));
        if (!parsed.region().equals(region)) {
            throw SageMakerErrors.validation("ARN should be scoped to correct region: " + region);
        }
        switch (operation) {
            case "AddTags" -> piiTagsOnlyOn(Kind.ENDPOINT_CONFIG, parsed.kind(), tags(body, true));
            case "DeleteTags" -> tagKeys(r);
            default -> {
                r.string("NextToken", false, 0, 8192);
                r.integer("MaxResults", false, 50, Integer.MAX_VALUE);
            }
        }
        return parsed;
    }

    private static List<String> tagKeys(SageMakerRequest r) throws JsonServiceException {
        List<JsonNode> list = r.list("TagKeys", true, 1, MAX_TAGS);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            if (!n.isString()) {
                throw SageMakerErrors.serialization("Member tagKeys must hold strings.");
            }
            SageMakerRequest.checkString(n.stringValue(), r.elementPath("TagKeys", i), 1, 128, TAG, TAG_TEXT, true);
            keys.add(n.stringValue());
        }
        return keys;
    }

    /** The held resource an ARN of the caller's account names, with its tags. */
    private record Taggable(String arn, Map<String, String> tags) {}

    /**
     * The held resource an ARN of the caller's account names.
     *
     * @param tagsOf the tags of a resource of a kind and ARN, or null if not held (the write's or a snapshot's)
     */
    private static Taggable requireTaggable(SageMakerArns.Parsed p, String account,
                                            java.util.function.BiFunction<Kind, String, Map<String, String>> tagsOf)
            throws JsonServiceException {
        String arn = SageMakerArns.of(p.kind(), p.region(), p.accountId(), p.name());
        Map<String, String> tags = p.accountId().equals(account) ? tagsOf.apply(p.kind(), arn) : null;
        if (tags == null) {
            throw SageMakerErrors.notFound(p.kind(), arn);
        }
        return new Taggable(arn, tags);
    }

    private JsonNode addTags(JsonNode body, String account) throws JsonServiceException {
        SageMakerArns.Parsed p = parseTagRequest("AddTags", body);
        Map<String, String> added = tags(body, true);
        state.write(ch -> {
            Taggable t = requireTaggable(p, account, ch::tagsOf);
            Map<String, String> merged = new LinkedHashMap<>(t.tags());
            merged.putAll(added);
            if (merged.size() > MAX_TAGS) {
                throw SageMakerErrors.validation("A resource can have at most " + MAX_TAGS + " tags.");
            }
            ch.retag(p.kind(), t.arn(), merged);
            return null;
        });
        ObjectNode out = JsonBodies.object();
        tagsJson(out.putArray("Tags"), added);
        return out;
    }

    private JsonNode deleteTags(JsonNode body, String account) throws JsonServiceException {
        SageMakerArns.Parsed p = parseTagRequest("DeleteTags", body);
        List<String> keys = tagKeys(SageMakerRequest.body(body, Set.of("ResourceArn", "TagKeys")));
        state.write(ch -> {
            Taggable t = requireTaggable(p, account, ch::tagsOf);
            Map<String, String> remaining = new LinkedHashMap<>(t.tags());
            boolean changed = false;
            for (String k : keys) {
                changed |= remaining.remove(k) != null;
            }
            if (changed) {
                ch.retag(p.kind(), t.arn(), remaining);
            }
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode listTags(JsonNode body, String account) throws JsonServiceException {
        SageMakerArns.Parsed p = parseTagRequest("ListTags", body);
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("ResourceArn", "NextToken", "MaxResults"));
        Integer max = r.integer("MaxResults", false, 50, Integer.MAX_VALUE);
        String token = r.string("NextToken", false, 0, 8192);
        Taggable t = requireTaggable(p, account, state.snapshot()::tagsOf);
        String arn = t.arn();
        List<Map.Entry<String, String>> entries = new ArrayList<>(t.tags().entrySet());
        String scope = digest("ListTags|" + account + "|" + arn);
        int start = token == null ? 0 : offset(token, scope);
        int limit = max == null ? 50 : max;
        int end = (int) Math.min(entries.size(), (long) start + limit);
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("Tags");
        for (Map.Entry<String, String> e : entries.subList(Math.min(start, entries.size()), end)) {
            array.addObject().put("Key", e.getKey()).put("Value", e.getValue());
        }
        if (end < entries.size()) {
            out.put("NextToken", token(end, scope));
        }
        return out;
    }

    private static void tagsJson(ArrayNode array, Map<String, String> tags) {
        tags.forEach((k, v) -> array.addObject().put("Key", k).put("Value", v));
    }

    // ------------------------------------------------------------------ listing

    /** The filters, order and page of one List* call. */
    private final class Listing {
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

        <T> Predicate<T> matches(Function<T, String> name, Function<T, Instant> created,
                                 Function<T, Instant> modified, Function<T, String> statusOf) {
            return t -> (nameContains == null
                    || name.apply(t).toLowerCase(Locale.ROOT).contains(nameContains.toLowerCase(Locale.ROOT)))
                    && (createdBefore == null || created.apply(t).isBefore(createdBefore))
                    && (createdAfter == null || created.apply(t).isAfter(createdAfter))
                    && (modifiedBefore == null || modified.apply(t).isBefore(modifiedBefore))
                    && (modifiedAfter == null || modified.apply(t).isAfter(modifiedAfter))
                    && (status == null || status.equals(statusOf.apply(t)));
        }

        <T> Comparator<T> order(Function<T, String> name, Function<T, Instant> created,
                                Function<T, String> statusOf) {
            Comparator<T> byName = Comparator.comparing(t -> name.apply(t).toLowerCase(Locale.ROOT));
            Comparator<T> c = switch (sortBy) {
                case "Name" -> byName;
                case "Status" -> Comparator.comparing(statusOf).thenComparing(created);
                default -> Comparator.comparing(created);
            };
            c = c.thenComparing(byName);
            return ascending ? c : c.reversed();
        }

        <T> List<T> page(List<T> all, ObjectNode out) {
            int end = (int) Math.min(all.size(), (long) start + max);
            if (end < all.size()) {
                out.put("NextToken", token(end, scope));
            }
            return all.subList(Math.min(start, all.size()), end);
        }
    }

    private Listing parseListing(String operation, JsonNode body, String account) throws JsonServiceException {
        boolean endpoints = operation.equals("ListEndpoints");
        SageMakerRequest r = SageMakerRequest.body(body, endpoints ? LIST_ENDPOINT_MEMBERS : LIST_MEMBERS);
        Listing l = new Listing();
        l.sortBy = r.enumValue("SortBy", false, endpoints ? Set.of("Name", "CreationTime", "Status")
                : Set.of("Name", "CreationTime"));
        if (l.sortBy == null) {
            l.sortBy = "CreationTime";
        }
        String order = r.enumValue("SortOrder", false, Set.of("Ascending", "Descending"));
        l.ascending = "Ascending".equals(order);
        Integer max = r.integer("MaxResults", false, 1, 100);
        l.max = max == null ? 10 : max;
        l.nameContains = r.string("NameContains", false, 0, 63, NAME_CONTAINS, "[a-zA-Z0-9-]+");
        l.createdBefore = r.timestamp("CreationTimeBefore");
        l.createdAfter = r.timestamp("CreationTimeAfter");
        if (endpoints) {
            l.modifiedBefore = r.timestamp("LastModifiedTimeBefore");
            l.modifiedAfter = r.timestamp("LastModifiedTimeAfter");
            l.status = r.enumValue("StatusEquals", false, STATUS_NAMES);
        }
        l.scope = digest(operation + "|" + account + "|" + l.sortBy + "|" + l.ascending + "|" + l.nameContains
                + "|" + l.createdBefore + "|" + l.createdAfter + "|" + l.modifiedBefore + "|" + l.modifiedAfter
                + "|" + l.status);
        String token = r.string("NextToken", false, 0, 8192);
        l.start = token == null ? 0 : offset(token, l.scope);
        return l;
    }

    static String token(int offset, String scope) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("v1|" + offset + "|" + scope).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a NextToken carries; it must come from the same listing (operation, account, filters). */
    static int offset(String token, String scope) throws JsonServiceException {
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
        throw SageMakerErrors.validation("The NextToken is not valid for this request.");
    }

    static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON 1.1 timestamps: epoch seconds with milliseconds. */
    static BigDecimal epoch(Instant t) {
        return BigDecimal.valueOf(t.toEpochMilli(), 3);
    }
}
