package io.mlgate.autoscaling;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import io.mlgate.sagemaker.EndpointCapacity;

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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Application Auto Scaling ({@code AnyScaleFrontendService.<Operation>}, JSON 1.1) for SageMaker endpoint variants:
 * RegisterScalableTarget, DescribeScalableTargets, DeregisterScalableTarget, PutScalingPolicy (target tracking on
 * {@code SageMakerVariantInvocationsPerInstance}), DescribeScalingPolicies, DeleteScalingPolicy and
 * DescribeScalingActivities, over an {@link AutoscalingState}; the {@link Autoscaler} does the scaling.
 * <p>
 * Authorization follows the Service Authorization Reference: the writes act on the scalable target
 * ({@code arn:aws:application-autoscaling:<region>:<account>:scalable-target/<id>}, with the condition keys
 * {@code application-autoscaling:service-namespace} and {@code application-autoscaling:scalable-dimension}), the
 * Describe* reads on {@code *}. As AWS validates the caller's permissions on the target resource, RegisterScalableTarget
 * and PutScalingPolicy also require the caller to be allowed {@code sagemaker:DescribeEndpoint} and
 * {@code sagemaker:UpdateEndpointWeightsAndCapacities} on the endpoint, else a ValidationException names what is
 * missing: scaling must not give a caller more control over an endpoint than SageMaker itself would.
 */
public final class AutoscalingService implements JsonService {

    static final String SAGEMAKER = "sagemaker";
    static final String DIMENSION = "sagemaker:variant:DesiredInstanceCount";
    static final String RESOURCE_TYPE = "AWS::ApplicationAutoScaling::ScalableTarget";

    /** The service model's enums (SDK v2 2.40), so that a valid value mlgate does not serve gets a clear message. */
    static final List<String> NAMESPACES = List.of("ecs", "elasticmapreduce", "ec2", "appstream", "dynamodb", "rds",
            "sagemaker", "custom-resource", "comprehend", "lambda", "cassandra", "kafka", "elasticache", "neptune",
            "workspaces");
    static final List<String> DIMENSIONS = List.of("ecs:service:DesiredCount",
            "ec2:spot-fleet-request:TargetCapacity", "elasticmapreduce:instancegroup:InstanceCount",
            "appstream:fleet:DesiredCapacity", "dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits",
            "dynamodb:index:ReadCapacityUnits", "dynamodb:index:WriteCapacityUnits", "rds:cluster:ReadReplicaCount",
            "sagemaker:variant:DesiredInstanceCount", "custom-resource:ResourceType:Property",
            "comprehend:document-classifier-endpoint:DesiredInferenceUnits",
            "comprehend:entity-recognizer-endpoint:DesiredInferenceUnits", "lambda:function:ProvisionedConcurrency",
            "cassandra:table:ReadCapacityUnits", "cassandra:table:WriteCapacityUnits",
            "kafka:broker-storage:VolumeSize", "elasticache:cache-cluster:Nodes",
            "elasticache:replication-group:NodeGroups", "elasticache:replication-group:Replicas",
            "neptune:cluster:ReadReplicaCount", "sagemaker:variant:DesiredProvisionedConcurrency",
            "sagemaker:inference-component:DesiredCopyCount", "workspaces:workspacespool:DesiredUserSessions");
    static final List<String> METRIC_TYPES = List.of("DynamoDBReadCapacityUtilization",
            "DynamoDBWriteCapacityUtilization", "ALBRequestCountPerTarget", "RDSReaderAverageCPUUtilization",
            "RDSReaderAverageDatabaseConnections", "EC2SpotFleetRequestAverageCPUUtilization",
            "EC2SpotFleetRequestAverageNetworkIn", "EC2SpotFleetRequestAverageNetworkOut",
            "SageMakerVariantInvocationsPerInstance", "ECSServiceAverageCPUUtilization",
            "ECSServiceAverageMemoryUtilization", "AppStreamAverageCapacityUtilization",
            "ComprehendInferenceUtilization", "LambdaProvisionedConcurrencyUtilization",
            "CassandraReadCapacityUtilization", "CassandraWriteCapacityUtilization", "KafkaBrokerStorageUtilization",
            "ElastiCacheEngineCPUUtilization", "ElastiCacheDatabaseMemoryUsagePercentage",
            "ElastiCachePrimaryEngineCPUUtilization", "ElastiCacheReplicaEngineCPUUtilization",
            "ElastiCacheDatabaseMemoryUsageCountedForEvictPercentage", "NeptuneReaderAverageCPUUtilization",
            "SageMakerVariantProvisionedConcurrencyUtilization",
            "ElastiCacheDatabaseCapacityUsageCountedForEvictPercentage",
            "SageMakerInferenceComponentInvocationsPerCopy", "WorkSpacesAverageUserSessionsCapacityUtilization",
            "SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution",
            "SageMakerVariantConcurrentRequestsPerModelHighResolution");
    static final List<String> POLICY_TYPES = List.of("StepScaling", "TargetTrackingScaling", "PredictiveScaling");

    static final Set<String> OPERATIONS = Set.of("RegisterScalableTarget", "DescribeScalableTargets",
            "DeregisterScalableTarget", "PutScalingPolicy", "DescribeScalingPolicies", "DeleteScalingPolicy",
            "DescribeScalingActivities");
    private static final Set<String> READ_ONLY = Set.of("DescribeScalableTargets", "DescribeScalingPolicies",
            "DescribeScalingActivities");

    /** The permissions AWS checks on the SageMaker endpoint before it lets a caller scale it. */
    static final List<String> ENDPOINT_ACTIONS = List.of("sagemaker:DescribeEndpoint",
            "sagemaker:UpdateEndpointWeightsAndCapacities");

    static final int MAX_TARGETS_PER_ACCOUNT = 1000;
    static final int MAX_POLICIES_PER_TARGET = 50;
    /** AWS's bounds on a target-tracking TargetValue. */
    static final double MIN_TARGET_VALUE = 8.515920e-109;
    static final double MAX_TARGET_VALUE = 1.174271e+108;

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern PRINTABLE = Pattern.compile("\\p{Print}+");

    private final AutoscalingState state;
    private final Autoscaler scaler;
    private final ScalableVariants variants;
    private final PolicyEvaluator evaluator;
    private final Function<String, List<IdentityPolicy>> resourceControlPolicies;
    private final Clock clock;
    private final String region;

    /**
     * @param resourceControlPolicies the organization's RCPs for a resource account (for the endpoint permission
     *                                check), or none
     */
    public AutoscalingService(Autoscaler scaler, ScalableVariants variants, PolicyEvaluator evaluator,
                              Function<String, List<IdentityPolicy>> resourceControlPolicies, Clock clock,
                              String region) {
        this.scaler = Objects.requireNonNull(scaler, "scaler");
        this.state = scaler.state();
        this.variants = Objects.requireNonNull(variants, "variants");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.resourceControlPolicies = Objects.requireNonNull(resourceControlPolicies, "resourceControlPolicies");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
        this.region = region;
    }

    @Override
    public JsonApi api() {
        return JsonApi.APPLICATION_AUTOSCALING;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    // ------------------------------------------------------------------ requests

    /** A target named by ServiceNamespace, ResourceId and ScalableDimension (sagemaker variants only). */
    private record TargetRef(VariantResource variant, String accountId) {
        String key() {
            return variant.key(accountId);
        }
    }

    private record RegisterRequest(TargetRef ref, Integer min, Integer max, String roleArn, Boolean inSuspended,
                                   Boolean outSuspended, Boolean scheduledSuspended) {}

    private record PolicyRequest(TargetRef ref, String name, double targetValue, Integer scaleOutCooldown,
                                 Integer scaleInCooldown, Boolean disableScaleIn) {}

    /**
     * A Describe* filter and page.
     *
     * @param namespace null when the filter can match nothing mlgate holds (another namespace or dimension)
     * @param keys      the targets asked for (null or empty: all)
     * @param scope     what a NextToken must have been issued for
     */
    private record Listing(String namespace, List<String> keys, String scope, List<String> names, int max,
                           int start) {}

    private static void requireOperation(String operation) throws JsonServiceException {
        if (!OPERATIONS.contains(operation)) {
            throw new JsonServiceException("UnknownOperationException", 400, "Unknown operation " + operation);
        }
    }

    /** ServiceNamespace, ResourceId and ScalableDimension of a call on one target. */
    private static TargetRef targetRef(AutoscalingRequest r, String accountId) throws JsonServiceException {
        String namespace = r.enumValue("ServiceNamespace", true, NAMESPACES);
        String resourceId = r.string("ResourceId", true, 1, 1600);
        String dimension = r.enumValue("ScalableDimension", true, DIMENSIONS);
        if (!namespace.equals(SAGEMAKER) || !dimension.equals(DIMENSION)) {
            throw AutoscalingErrors.validation("Unsupported service namespace, resource type or scalable dimension: "
                    + "mlgate scales SageMaker endpoint variants only (ServiceNamespace sagemaker, ScalableDimension "
                    + DIMENSION + ").");
        }
        VariantResource v = VariantResource.parse(resourceId).orElseThrow(() -> AutoscalingErrors.validation(
                "Unsupported resource ID " + resourceId + " for service namespace sagemaker: expected "
                        + "endpoint/<endpoint-name>/variant/<variant-name>."));
        return new TargetRef(v, accountId);
    }

    private static RegisterRequest parseRegister(JsonNode body, String accountId) throws JsonServiceException {
        AutoscalingRequest r = AutoscalingRequest.body(body, Set.of("ServiceNamespace", "ResourceId",
                "ScalableDimension", "MinCapacity", "MaxCapacity", "RoleARN", "SuspendedState"));
        TargetRef ref = targetRef(r, accountId);
        Integer min = r.integer("MinCapacity");
        Integer max = r.integer("MaxCapacity");
        if (min != null && min < 1) {
            throw AutoscalingErrors.validation("MinCapacity " + min + " is not valid: a SageMaker endpoint variant "
                    + "has at least 1 instance.");
        }
        if (max != null && max < 1) {
            throw AutoscalingErrors.validation("MaxCapacity " + max + " is not valid: a SageMaker endpoint variant "
                    + "has at least 1 instance.");
        }
        if (min != null && max != null && min > max) {
            throw AutoscalingErrors.validation("Minimum capacity cannot be greater than maximum capacity");
        }
        String role = r.string("RoleARN", false, 1, 1600);
        AutoscalingRequest s = r.structure("SuspendedState", Set.of("DynamicScalingInSuspended",
                "DynamicScalingOutSuspended", "ScheduledScalingSuspended"));
        return new RegisterRequest(ref, min, max, role, s == null ? null : s.bool("DynamicScalingInSuspended"),
                s == null ? null : s.bool("DynamicScalingOutSuspended"),
                s == null ? null : s.bool("ScheduledScalingSuspended"));
    }

    private static PolicyRequest parsePolicy(JsonNode body, String accountId) throws JsonServiceException {
        AutoscalingRequest r = AutoscalingRequest.body(body, Set.of("PolicyName", "ServiceNamespace", "ResourceId",
                "ScalableDimension", "PolicyType", "StepScalingPolicyConfiguration",
                "TargetTrackingScalingPolicyConfiguration", "PredictiveScalingPolicyConfiguration"));
        String name = policyName(r);
        TargetRef ref = targetRef(r, accountId);
        String type = r.enumValue("PolicyType", false, POLICY_TYPES);
        if (type == null || !type.equals("TargetTrackingScaling")
                || r.has("StepScalingPolicyConfiguration") || r.has("PredictiveScalingPolicyConfiguration")) {
            throw AutoscalingErrors.validation("mlgate supports PolicyType TargetTrackingScaling only (with a "
                    + "TargetTrackingScalingPolicyConfiguration); " + (type == null ? "no PolicyType was given"
                    : type + " is not supported") + ".");
        }
        AutoscalingRequest c = r.structure("TargetTrackingScalingPolicyConfiguration", Set.of("TargetValue",
                "PredefinedMetricSpecification", "CustomizedMetricSpecification", "ScaleOutCooldown",
                "ScaleInCooldown", "DisableScaleIn"));
        if (c == null) {
            throw AutoscalingErrors.validation("TargetTrackingScalingPolicyConfiguration is required for a policy "
                    + "of type TargetTrackingScaling");
        }
        double target = c.number("TargetValue", true);
        if (!(target >= MIN_TARGET_VALUE) || target > MAX_TARGET_VALUE) {
            throw AutoscalingErrors.validation("The target value must be between " + MIN_TARGET_VALUE + " and "
                    + MAX_TARGET_VALUE + ".");
        }
        if (c.has("CustomizedMetricSpecification")) {
            throw AutoscalingErrors.validation("CustomizedMetricSpecification is not supported by mlgate: use the "
                    + "PredefinedMetricSpecification SageMakerVariantInvocationsPerInstance.");
        }
        AutoscalingRequest m = c.structure("PredefinedMetricSpecification", Set.of("PredefinedMetricType",
                "ResourceLabel"));
        if (m == null) {
            throw AutoscalingErrors.validation("A PredefinedMetricSpecification is required: mlgate tracks "
                    + TargetTrackingPolicy.INVOCATIONS_PER_INSTANCE + ".");
        }
        String metric = m.enumValue("PredefinedMetricType", true, METRIC_TYPES);
        if (!metric.equals(TargetTrackingPolicy.INVOCATIONS_PER_INSTANCE)) {
            throw AutoscalingErrors.validation("Predefined metric type " + metric + " is not valid for the "
                    + "scalable dimension " + DIMENSION + "; mlgate tracks "
                    + TargetTrackingPolicy.INVOCATIONS_PER_INSTANCE + ".");
        }
        if (m.has("ResourceLabel")) {
            m.string("ResourceLabel", false, 1, 1023);
            throw AutoscalingErrors.validation("ResourceLabel is only valid with the predefined metric type "
                    + "ALBRequestCountPerTarget.");
        }
        Integer out = c.integer("ScaleOutCooldown", 0, Integer.MAX_VALUE);
        Integer in = c.integer("ScaleInCooldown", 0, Integer.MAX_VALUE);
        Boolean disable = c.bool("DisableScaleIn");
        return new PolicyRequest(ref, name, target, out, in, disable);
    }

    private static String policyName(AutoscalingRequest r) throws JsonServiceException {
        String name = r.string("PolicyName", true, 1, 256);
        if (!PRINTABLE.matcher(name).matches()) {
            throw AutoscalingErrors.constraint("'" + name + "'", "policyName",
                    "Member must satisfy regular expression pattern: \\p{Print}+");
        }
        return name;
    }

    /** The filters and page of a Describe* call. */
    private Listing parseListing(String operation, JsonNode body, String accountId) throws JsonServiceException {
        Set<String> members = switch (operation) {
            case "DescribeScalableTargets" -> Set.of("ServiceNamespace", "ResourceIds", "ScalableDimension",
                    "MaxResults", "NextToken");
            case "DescribeScalingPolicies" -> Set.of("PolicyNames", "ServiceNamespace", "ResourceId",
                    "ScalableDimension", "MaxResults", "NextToken");
            default -> Set.of("ServiceNamespace", "ResourceId", "ScalableDimension", "MaxResults", "NextToken",
                    "IncludeNotScaledActivities");
        };
        AutoscalingRequest r = AutoscalingRequest.body(body, members);
        String namespace = r.enumValue("ServiceNamespace", true, NAMESPACES);
        List<String> resourceIds;
        if (operation.equals("DescribeScalableTargets")) {
            resourceIds = r.strings("ResourceIds", 50, 1600);
        } else {
            String one = r.string("ResourceId", false, 1, 1600);
            resourceIds = one == null ? null : List.of(one);
        }
        String dimension = r.enumValue("ScalableDimension", false, DIMENSIONS);
        if (dimension != null && (resourceIds == null || resourceIds.isEmpty())) {
            throw AutoscalingErrors.validation("If you specify a scalable dimension, you must also specify a "
                    + "resource ID.");
        }
        List<String> names = operation.equals("DescribeScalingPolicies") ? r.strings("PolicyNames", 50, 1600) : null;
        if (operation.equals("DescribeScalingActivities")
                && Boolean.TRUE.equals(r.bool("IncludeNotScaledActivities"))) {
            throw AutoscalingErrors.validation("IncludeNotScaledActivities is not supported by mlgate: it records "
                    + "only the scaling activities it attempted.");
        }
        int limit = operation.equals("DescribeScalingPolicies") ? 10 : 50;
        Integer max = r.integer("MaxResults", 1, limit);
        String token = r.string("NextToken", false, 1, 4096);
        // Only sagemaker variants are held: other namespaces and dimensions match nothing.
        boolean none = !namespace.equals(SAGEMAKER) || (dimension != null && !dimension.equals(DIMENSION));
        List<String> keys = resourceIds == null ? null : resourceIds.stream()
                .map(id -> VariantResource.parse(id).map(v -> v.key(accountId)).orElse(""))
                .toList();
        String scope = digest(operation + "|" + accountId + "|" + namespace + "|" + resourceIds + "|" + dimension
                + "|" + names);
        int start = token == null ? 0 : offset(token, scope);
        return new Listing(none ? null : namespace, keys, scope, names, max == null ? limit : max, start);
    }

    // ------------------------------------------------------------------ target

    @Override
    public JsonTarget target(String operation, JsonNode body, String accountId, PrincipalContext caller)
            throws JsonServiceException {
        requireOperation(operation);
        String resource;
        String type;
        switch (operation) {
            case "RegisterScalableTarget" -> {
                resource = targetArn(parseRegister(body, accountId).ref());
                type = RESOURCE_TYPE;
            }
            case "PutScalingPolicy" -> {
                resource = targetArn(parsePolicy(body, accountId).ref());
                type = RESOURCE_TYPE;
            }
            case "DeregisterScalableTarget" -> {
                resource = targetArn(targetRef(AutoscalingRequest.body(body, Set.of("ServiceNamespace",
                        "ResourceId", "ScalableDimension")), accountId));
                type = RESOURCE_TYPE;
            }
            case "DeleteScalingPolicy" -> {
                AutoscalingRequest r = AutoscalingRequest.body(body, Set.of("PolicyName", "ServiceNamespace",
                        "ResourceId", "ScalableDimension"));
                r.string("PolicyName", true, 1, 1600);
                resource = targetArn(targetRef(r, accountId));
                type = RESOURCE_TYPE;
            }
            default -> {
                parseListing(operation, body, accountId);
                resource = "*";
                type = null;
            }
        }
        return new JsonTarget("application-autoscaling:" + operation, resource, type, READ_ONLY.contains(operation),
                auditParameters(body));
    }

    /**
     * {@code application-autoscaling:service-namespace} and {@code application-autoscaling:scalable-dimension}, from
     * the request's ServiceNamespace and ScalableDimension.
     */
    @Override
    public Map<String, List<String>> conditionKeys(String operation, JsonNode body) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        JsonNode ns = body.get("ServiceNamespace");
        if (ns != null && ns.isString()) {
            keys.put("application-autoscaling:service-namespace", List.of(ns.stringValue()));
        }
        JsonNode dim = body.get("ScalableDimension");
        if (dim != null && dim.isString()) {
            keys.put("application-autoscaling:scalable-dimension", List.of(dim.stringValue()));
        }
        return keys;
    }

    /** The scalable target's ARN: a stable id derived from the account, namespace, dimension and variant. */
    String targetArn(TargetRef ref) {
        return "arn:aws:application-autoscaling:" + region + ":" + ref.accountId() + ":scalable-target/"
                + targetId(ref.key());
    }

    /** 36 hex characters, the length of AWS's scalable target ids. */
    static String targetId(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest((SAGEMAKER + "|" + DIMENSION + "|" + key)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 36);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Request members as CloudTrail shows them (camelCase keys). */
    static Map<String, Object> auditParameters(JsonNode body) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!e.getValue().isNull()) {
                params.put(AutoscalingRequest.camel(e.getKey()), plain(e.getValue()));
            }
        }
        return params;
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(AutoscalingRequest.camel(e.getKey()), plain(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(i -> l.add(plain(i)));
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
            case "RegisterScalableTarget" -> register(body, account, caller, context);
            case "DescribeScalableTargets" -> describeTargets(body, account);
            case "DeregisterScalableTarget" -> deregister(body, account);
            case "PutScalingPolicy" -> putPolicy(body, account, caller, context);
            case "DescribeScalingPolicies" -> describePolicies(body, account);
            case "DeleteScalingPolicy" -> deletePolicy(body, account);
            case "DescribeScalingActivities" -> describeActivities(body, account);
            default -> throw new IllegalStateException("unrouted operation " + operation);
        };
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    /** The endpoint a target scales, which must exist with the variant; its name as SageMaker holds it. */
    private EndpointCapacity requireVariant(VariantResource v, String account) throws JsonServiceException {
        EndpointCapacity e = variants.endpoint(account, v.endpointName()).orElseThrow(() ->
                AutoscalingErrors.validation("The SageMaker endpoint " + v.endpointName() + " does not exist in "
                        + "account " + account + "."));
        if (!e.desiredInstanceCounts().containsKey(v.variantName())) {
            throw AutoscalingErrors.validation("The SageMaker endpoint " + e.endpointName() + " has no production "
                    + "variant " + v.variantName() + ".");
        }
        return e;
    }

    /**
     * AWS's permission validation: the caller must be allowed to describe and update the endpoint it asks to scale.
     */
    private void requireEndpointPermissions(PrincipalContext caller, RequestContext context, EndpointCapacity e,
                                            String account) throws JsonServiceException {
        RequestContext.Builder keys = RequestContext.builder();
        for (String key : context.keys()) {
            keys.put(key, context.values(key));
        }
        variants.endpointTags(e.endpointArn()).forEach((k, v) -> {
            keys.put("aws:ResourceTag/" + k, v);
            keys.put("sagemaker:ResourceTag/" + k, v);
        });
        RequestContext ctx = keys.build();
        List<IdentityPolicy> rcps = resourceControlPolicies.apply(account);
        List<String> missing = new ArrayList<>();
        for (String action : ENDPOINT_ACTIONS) {
            AuthorizationRequest.Builder b = AuthorizationRequest.builder(caller, action, e.endpointArn()).context(ctx);
            if (!rcps.isEmpty()) {
                b.resourceAccount(account);
                rcps.forEach(b::resourceControlPolicy);
            }
            boolean allowed;
            try {
                Decision d = evaluator.evaluate(b.build());
                allowed = d.isAllowed();
            } catch (RuntimeException failure) {
                allowed = false; // fail closed
            }
            if (!allowed) {
                missing.add(action);
            }
        }
        if (!missing.isEmpty()) {
            throw AutoscalingErrors.validation("User: " + caller.arn() + " is not authorized to perform: "
                    + String.join(", ", missing) + " on resource: " + e.endpointArn()
                    + " (Application Auto Scaling needs them to scale the variant).");
        }
    }

    private static String describe(TargetRef ref) {
        return "service namespace: " + SAGEMAKER + ", resource ID: " + ref.variant().resourceId()
                + ", scalable dimension: " + DIMENSION;
    }

    private JsonNode register(JsonNode body, String account, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        RegisterRequest req = parseRegister(body, account);
        EndpointCapacity endpoint = requireVariant(req.ref().variant(), account);
        requireEndpointPermissions(caller, context, endpoint, account);
        String key = req.ref().key();
        String arn = targetArn(req.ref());
        state.write(ch -> {
            ScalableTarget existing = ch.target(key);
            if (existing == null) {
                if (req.min() == null || req.max() == null) {
                    throw AutoscalingErrors.validation("MinCapacity and MaxCapacity are required to register a new "
                            + "scalable target (" + describe(req.ref()) + ").");
                }
                if (ch.targetCount(account) >= MAX_TARGETS_PER_ACCOUNT) {
                    throw AutoscalingErrors.limitExceeded("You have reached the limit of "
                            + MAX_TARGETS_PER_ACCOUNT + " scalable targets for service namespace sagemaker.");
                }
                String role = req.roleArn() != null ? req.roleArn() : "arn:aws:iam::" + account + ":role/"
                        + "aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
                        + "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint";
                ch.put(new ScalableTarget(account, new VariantResource(endpoint.endpointName(),
                        req.ref().variant().variantName()).resourceId(), req.min(), req.max(), role, now(),
                        SuspendedState.NONE.with(req.inSuspended(), req.outSuspended(), req.scheduledSuspended()),
                        arn, null, null));
                return null;
            }
            int min = req.min() == null ? existing.minCapacity() : req.min();
            int max = req.max() == null ? existing.maxCapacity() : req.max();
            if (min > max) {
                throw AutoscalingErrors.validation("Minimum capacity cannot be greater than maximum capacity");
            }
            ch.put(existing.withRange(min, max, existing.suspended().with(req.inSuspended(), req.outSuspended(),
                    req.scheduledSuspended())));
            return null;
        });
        scaler.enforceRange(key);
        ObjectNode out = JsonBodies.object();
        out.put("ScalableTargetARN", arn);
        return out;
    }

    private JsonNode deregister(JsonNode body, String account) throws JsonServiceException {
        TargetRef ref = targetRef(AutoscalingRequest.body(body, Set.of("ServiceNamespace", "ResourceId",
                "ScalableDimension")), account);
        state.write(ch -> {
            if (ch.target(ref.key()) == null) {
                throw AutoscalingErrors.notFound("No scalable target found for " + describe(ref));
            }
            ch.removeTarget(ref.key());
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode putPolicy(JsonNode body, String account, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        PolicyRequest req = parsePolicy(body, account);
        String key = req.ref().key();
        ScalableTarget registered = state.snapshot().targets().get(key);
        if (registered == null) {
            throw AutoscalingErrors.notFound("No scalable target registered for " + describe(req.ref()));
        }
        requireEndpointPermissions(caller, context, requireVariant(registered.variant(), account), account);
        TargetTrackingPolicy policy = state.write(ch -> {
            ScalableTarget t = ch.target(key);
            if (t == null) {
                throw AutoscalingErrors.notFound("No scalable target registered for " + describe(req.ref()));
            }
            List<TargetTrackingPolicy> existing = ch.policies(key);
            TargetTrackingPolicy same = existing.stream().filter(p -> p.name().equals(req.name())).findFirst()
                    .orElse(null);
            if (same == null && existing.size() >= MAX_POLICIES_PER_TARGET) {
                throw AutoscalingErrors.limitExceeded("You have reached the limit of " + MAX_POLICIES_PER_TARGET
                        + " scaling policies for the scalable target " + t.resourceId() + ".");
            }
            String arn = same != null ? same.arn() : "arn:aws:autoscaling:" + region + ":" + account
                    + ":scalingPolicy:" + UUID.randomUUID() + ":resource/" + SAGEMAKER + "/" + t.resourceId()
                    + ":policyName/" + req.name();
            TargetTrackingPolicy p = new TargetTrackingPolicy(account, t.resourceId(), req.name(), arn,
                    req.targetValue(), TargetTrackingPolicy.INVOCATIONS_PER_INSTANCE, req.scaleOutCooldown(),
                    req.scaleInCooldown(), req.disableScaleIn(), same != null ? same.creationTime() : now(),
                    same != null ? same.alarmHighId() : UUID.randomUUID().toString(),
                    same != null ? same.alarmLowId() : UUID.randomUUID().toString());
            ch.put(p);
            return p;
        });
        ObjectNode out = JsonBodies.object();
        out.put("PolicyARN", policy.arn());
        alarms(out.putArray("Alarms"), policy, account);
        return out;
    }

    private void alarms(ArrayNode array, TargetTrackingPolicy p, String account) {
        for (String name : List.of(p.alarmHighName(), p.alarmLowName())) {
            array.addObject().put("AlarmName", name)
                    .put("AlarmARN", "arn:aws:cloudwatch:" + region + ":" + account + ":alarm:" + name);
        }
    }

    private JsonNode deletePolicy(JsonNode body, String account) throws JsonServiceException {
        AutoscalingRequest r = AutoscalingRequest.body(body, Set.of("PolicyName", "ServiceNamespace", "ResourceId",
                "ScalableDimension"));
        String name = r.string("PolicyName", true, 1, 1600);
        TargetRef ref = targetRef(r, account);
        state.write(ch -> {
            if (!ch.removePolicy(ref.key(), name)) {
                throw AutoscalingErrors.notFound("No scaling policy found for " + describe(ref) + ", policy name: "
                        + name);
            }
            return null;
        });
        return JsonBodies.object();
    }

    // ------------------------------------------------------------------ describe

    private static boolean selected(Listing l, String key) {
        return l.keys() == null || l.keys().isEmpty() || l.keys().contains(key);
    }

    private static String accountOf(String key) {
        return key.substring(0, key.indexOf(':'));
    }

    private JsonNode describeTargets(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListing("DescribeScalableTargets", body, account);
        List<ScalableTarget> all = l.namespace() == null ? List.of() : state.snapshot().targets().values().stream()
                .filter(t -> t.accountId().equals(account) && selected(l, t.key()))
                .sorted(Comparator.comparing(ScalableTarget::creationTime).thenComparing(ScalableTarget::resourceId))
                .toList();
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("ScalableTargets");
        for (ScalableTarget t : page(all, l, out)) {
            ObjectNode n = array.addObject();
            n.put("ServiceNamespace", SAGEMAKER);
            n.put("ResourceId", t.resourceId());
            n.put("ScalableDimension", DIMENSION);
            n.put("MinCapacity", t.minCapacity());
            n.put("MaxCapacity", t.maxCapacity());
            n.put("RoleARN", t.roleArn());
            n.put("CreationTime", epoch(t.creationTime()));
            n.putObject("SuspendedState")
                    .put("DynamicScalingInSuspended", t.suspended().dynamicScalingInSuspended())
                    .put("DynamicScalingOutSuspended", t.suspended().dynamicScalingOutSuspended())
                    .put("ScheduledScalingSuspended", t.suspended().scheduledScalingSuspended());
            n.put("ScalableTargetARN", t.arn());
        }
        return out;
    }

    private JsonNode describePolicies(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListing("DescribeScalingPolicies", body, account);
        List<TargetTrackingPolicy> all = new ArrayList<>();
        if (l.namespace() != null) {
            state.snapshot().policies().forEach((key, list) -> {
                if (accountOf(key).equals(account) && selected(l, key)) {
                    list.stream().filter(p -> l.names() == null || l.names().isEmpty()
                            || l.names().contains(p.name())).forEach(all::add);
                }
            });
        }
        all.sort(Comparator.comparing(TargetTrackingPolicy::creationTime).thenComparing(TargetTrackingPolicy::arn));
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("ScalingPolicies");
        for (TargetTrackingPolicy p : page(all, l, out)) {
            ObjectNode n = array.addObject();
            n.put("PolicyARN", p.arn());
            n.put("PolicyName", p.name());
            n.put("ServiceNamespace", SAGEMAKER);
            n.put("ResourceId", p.resourceId());
            n.put("ScalableDimension", DIMENSION);
            n.put("PolicyType", "TargetTrackingScaling");
            ObjectNode c = n.putObject("TargetTrackingScalingPolicyConfiguration");
            c.put("TargetValue", p.targetValue());
            c.putObject("PredefinedMetricSpecification").put("PredefinedMetricType", p.metricType());
            if (p.scaleOutCooldown() != null) {
                c.put("ScaleOutCooldown", p.scaleOutCooldown());
            }
            if (p.scaleInCooldown() != null) {
                c.put("ScaleInCooldown", p.scaleInCooldown());
            }
            if (p.disableScaleIn() != null) {
                c.put("DisableScaleIn", p.disableScaleIn());
            }
            alarms(n.putArray("Alarms"), p, account);
            n.put("CreationTime", epoch(p.creationTime()));
        }
        return out;
    }

    private JsonNode describeActivities(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListing("DescribeScalingActivities", body, account);
        List<ScalingActivity> all = new ArrayList<>();
        if (l.namespace() != null) {
            state.snapshot().activities().forEach((key, list) -> {
                if (accountOf(key).equals(account) && selected(l, key)) {
                    all.addAll(list);
                }
            });
        }
        // newest first; activities of one start time in the order they were recorded, newest first too
        all.sort(Comparator.comparing(ScalingActivity::startTime));
        java.util.Collections.reverse(all);
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("ScalingActivities");
        for (ScalingActivity a : page(all, l, out)) {
            ObjectNode n = array.addObject();
            n.put("ActivityId", a.activityId());
            n.put("ServiceNamespace", SAGEMAKER);
            n.put("ResourceId", a.resourceId());
            n.put("ScalableDimension", DIMENSION);
            n.put("Description", a.description());
            n.put("Cause", a.cause());
            n.put("StartTime", epoch(a.startTime()));
            if (a.endTime() != null) {
                n.put("EndTime", epoch(a.endTime()));
            }
            n.put("StatusCode", a.statusCode());
            if (a.statusMessage() != null) {
                n.put("StatusMessage", a.statusMessage());
            }
        }
        return out;
    }

    private static <T> List<T> page(List<T> all, Listing l, ObjectNode out) {
        int end = (int) Math.min(all.size(), (long) l.start() + l.max());
        if (end < all.size()) {
            out.put("NextToken", token(end, l.scope()));
        }
        return all.subList(Math.min(l.start(), all.size()), end);
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
            // falls through
        }
        throw AutoscalingErrors.invalidNextToken();
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
