package io.mlgate.sagemaker;

import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.sagemaker.SageMakerArns.Kind;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SageMaker model registry: model package groups and the versioned model packages registered into them
 * (versions 1, 2, 3... per group), their approval status, and the {@link RegistryGuardrail} that ties approval to
 * deployment and keeps the registrant from approving. Kept in the same {@link SageMakerState} as the hosting
 * resources, so a deployment's approval check and an approval change never interleave. Unversioned model packages
 * (AWS Marketplace) are not supported.
 */
final class ModelRegistry {

    static final Set<String> OPERATIONS = Set.of("CreateModelPackageGroup", "DescribeModelPackageGroup",
            "ListModelPackageGroups", "DeleteModelPackageGroup", "CreateModelPackage", "DescribeModelPackage",
            "ListModelPackages", "UpdateModelPackage", "DeleteModelPackage");
    static final Set<String> READ_ONLY = Set.of("DescribeModelPackageGroup", "ListModelPackageGroups",
            "DescribeModelPackage", "ListModelPackages");

    /** ArnOrName (group names): an optional ARN prefix, then the name. */
    private static final Pattern ARN_OR_NAME = Pattern.compile(
            "(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)");
    private static final String ARN_OR_NAME_TEXT =
            "(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)";
    /** VersionedArnOrName (package names): ArnOrName plus an optional {@code /<version>}. */
    private static final Pattern VERSIONED_ARN_OR_NAME = Pattern.compile(ARN_OR_NAME_TEXT + "(\\/[0-9]{1,9})?");
    private static final String VERSIONED_ARN_OR_NAME_TEXT = ARN_OR_NAME_TEXT + "(\\/[0-9]{1,9})?";
    /** The same shape as VERSIONED_ARN_OR_NAME, with the parts captured. */
    private static final Pattern REFERENCE = Pattern.compile(
            "(?:(arn:aws[a-z\\-]*):sagemaker:([a-z0-9\\-]*):([0-9]{12}):([a-z\\-]*)/)?([a-zA-Z0-9-]{1,63})(?:/([0-9]{1,9}))?");
    private static final Pattern PACKAGE_ARN = Pattern.compile(
            "arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]{9,16}:[0-9]{12}:model-package/[\\S]{1,2048}");
    private static final String PACKAGE_ARN_TEXT =
            "arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]{9,16}:[0-9]{12}:model-package/[\\S]{1,2048}";
    private static final Pattern DESCRIPTION = Pattern.compile("[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*");
    private static final String DESCRIPTION_TEXT = "[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*";
    private static final Pattern APPROVAL_DESCRIPTION = Pattern.compile(".*");
    private static final Pattern METADATA = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*");
    private static final String METADATA_KEY_TEXT = "([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,128}";
    private static final String METADATA_VALUE_TEXT = "([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,256}";
    private static final Pattern CLIENT_TOKEN = Pattern.compile("[a-zA-Z0-9-]+");
    private static final Pattern CONTENT_TYPE = Pattern.compile(".*");
    private static final Pattern MIME_TYPE = Pattern.compile("[-\\w]+\\/.+");
    private static final Set<String> STATUSES = Set.of("Approved", "Rejected", "PendingManualApproval");
    private static final int MAX_METADATA = 50;
    private static final int MAX_PACKAGE_CONTAINERS = 15;
    /** The most containers a model may resolve to (CreateModel's ContainerDefinitionList allows 15). */
    static final int MAX_RESOLVED_CONTAINERS = 15;
    /** Lists the model leaves unbounded (content and instance types), bounded so one package stays small. */
    private static final int MAX_TYPES = 100;

    private static final Set<String> PACKAGE_CONTAINER_MEMBERS = Set.of("ContainerHostname", "Image",
            "ModelDataUrl", "Environment");
    private static final Set<String> INFERENCE_MEMBERS = Set.of("Containers", "SupportedContentTypes",
            "SupportedResponseMIMETypes", "SupportedRealtimeInferenceInstanceTypes",
            "SupportedTransformInstanceTypes");

    private final SageMakerState state;
    private final Clock clock;
    private final String region;
    private final SageMakerLimits limits;
    private final RegistryGuardrail guardrail;

    ModelRegistry(SageMakerState state, Clock clock, String region, SageMakerLimits limits,
                  RegistryGuardrail guardrail) {
        this.state = Objects.requireNonNull(state, "state");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.region = Objects.requireNonNull(region, "region");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.guardrail = Objects.requireNonNull(guardrail, "guardrail");
    }

    RegistryGuardrail guardrail() {
        return guardrail;
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private String prefix(String account) {
        return "arn:aws:sagemaker:" + region + ":" + account + ":";
    }

    // ------------------------------------------------------------------ target

    /** What a registry call acts on: the resource ARN ({@code *} for listings) and its CloudTrail type. */
    record Target(String resourceArn, String resourceType) {}

    /**
     * Validates a registry call and names its resource. CreateModelPackage names the version it would create now
     * (the group's next version number): the same ARN IAM policies written for AWS ({@code model-package/<group>/*})
     * match and the approval calls later name, so the audit trail links registrant and approver. Two registrations
     * into one group at the same moment may be numbered the other way round than their targets said.
     */
    Target target(String operation, JsonNode body, String account) throws JsonServiceException {
        return switch (operation) {
            case "CreateModelPackageGroup" -> new Target(parseCreateGroup(body, account).arn(),
                    Kind.MODEL_PACKAGE_GROUP.resourceType());
            case "DescribeModelPackageGroup", "DeleteModelPackageGroup" -> new Target(
                    groupArn(SageMakerRequest.body(body, Set.of("ModelPackageGroupName")), "ModelPackageGroupName",
                            true, account), Kind.MODEL_PACKAGE_GROUP.resourceType());
            case "CreateModelPackage" -> {
                PackageRequest req = parseCreatePackage(body, account);
                ModelPackageGroup g = state.snapshot().groups().get(req.groupArn());
                int next = g == null || !g.accountId().equals(account) ? 1 : g.lastVersion() + 1;
                yield new Target(versionArn(req.groupArn(), next), Kind.MODEL_PACKAGE.resourceType());
            }
            case "DescribeModelPackage" -> new Target(packageArn(SageMakerRequest.body(body,
                    Set.of("ModelPackageName", "IncludedData")), "ModelPackageName", account),
                    Kind.MODEL_PACKAGE.resourceType());
            case "DeleteModelPackage" -> new Target(packageArn(SageMakerRequest.body(body,
                    Set.of("ModelPackageName")), "ModelPackageName", account), Kind.MODEL_PACKAGE.resourceType());
            case "UpdateModelPackage" -> new Target(parseUpdate(body).arn(), Kind.MODEL_PACKAGE.resourceType());
            case "ListModelPackageGroups" -> {
                parseListGroups(body, account);
                yield new Target("*", null);
            }
            case "ListModelPackages" -> {
                parseListPackages(body, account);
                yield new Target("*", null);
            }
            default -> throw new IllegalStateException("unrouted operation " + operation);
        };
    }

    // ------------------------------------------------------------------ invoke

    JsonNode invoke(String operation, JsonNode body, String account, RegistryIdentity caller)
            throws JsonServiceException {
        return switch (operation) {
            case "CreateModelPackageGroup" -> createGroup(body, account, caller);
            case "DescribeModelPackageGroup" -> describeGroup(body, account);
            case "ListModelPackageGroups" -> listGroups(body, account);
            case "DeleteModelPackageGroup" -> deleteGroup(body, account);
            case "CreateModelPackage" -> createPackage(body, account, caller);
            case "DescribeModelPackage" -> describePackage(body, account);
            case "ListModelPackages" -> listPackages(body, account);
            case "UpdateModelPackage" -> updatePackage(body, account, caller);
            case "DeleteModelPackage" -> deletePackage(body, account);
            default -> throw new IllegalStateException("unrouted operation " + operation);
        };
    }

    // ------------------------------------------------------------------ names and ARNs

    /**
     * The group ARN a {@code ArnOrName} member names: a name in the caller's account, or an ARN (which must be a
     * model-package-group ARN of this region; another account's ARN is kept, and found nowhere).
     */
    private String groupArn(SageMakerRequest r, String member, boolean required, String account)
            throws JsonServiceException {
        String v = r.string(member, required, 1, 170, ARN_OR_NAME, ARN_OR_NAME_TEXT);
        if (v == null) {
            return null;
        }
        Matcher m = reference(v);
        if (m.group(6) != null) {
            throw SageMakerErrors.validation("The model package group name " + v + " must not carry a version.");
        }
        return referencedArn(m, v, Kind.MODEL_PACKAGE_GROUP, account, m.group(5));
    }

    /**
     * The version ARN a {@code VersionedArnOrName} member names ({@code <group>/<version>} or a model-package ARN);
     * a name without a version names an unversioned package, which mlgate never holds.
     */
    String packageArn(SageMakerRequest r, String member, String account) throws JsonServiceException {
        String v = r.string(member, true, 1, 176, VERSIONED_ARN_OR_NAME, VERSIONED_ARN_OR_NAME_TEXT);
        Matcher m = reference(v);
        String name = m.group(6) == null ? m.group(5) : m.group(5) + "/" + Integer.parseInt(m.group(6));
        return referencedArn(m, v, Kind.MODEL_PACKAGE, account, name);
    }

    private static Matcher reference(String v) {
        Matcher m = REFERENCE.matcher(v);
        if (!m.matches()) {
            // the model's pattern matched, so the capturing one does too
            throw new IllegalStateException("unparsed reference " + v);
        }
        return m;
    }

    private String referencedArn(Matcher m, String given, Kind kind, String account, String name)
            throws JsonServiceException {
        if (m.group(1) == null) {
            return prefix(account) + kind.segment() + "/" + name;
        }
        if (!m.group(1).equals("arn:aws")) {
            throw SageMakerErrors.validation("ARN " + given + " is not in the aws partition.");
        }
        if (!m.group(2).equals(region)) {
            throw SageMakerErrors.validation("ARN should be scoped to correct region: " + region);
        }
        if (!m.group(4).equals(kind.segment())) {
            throw SageMakerErrors.validation("ARN " + given + " is not a " + kind.noun() + " ARN.");
        }
        return "arn:aws:sagemaker:" + region + ":" + m.group(3) + ":" + kind.segment() + "/" + name;
    }

    private static String versionArn(String groupArn, int version) {
        return groupArn.replace(":" + Kind.MODEL_PACKAGE_GROUP.segment() + "/", ":" + Kind.MODEL_PACKAGE.segment()
                + "/") + "/" + version;
    }

    private static JsonServiceException packageNotFound(String arn) {
        String name = arn.substring(arn.indexOf(":model-package/") + ":model-package/".length());
        if (name.indexOf('/') < 0) {
            return SageMakerErrors.validation("Could not find model package \"" + arn + "\": mlgate holds "
                    + "versioned model packages only; name one as <group>/<version> or by its ARN.");
        }
        return SageMakerErrors.notFound(Kind.MODEL_PACKAGE, arn);
    }

    private ModelPackageGroup requireGroup(Map<String, ModelPackageGroup> groups, String arn, String account)
            throws JsonServiceException {
        ModelPackageGroup g = groups.get(arn);
        if (g == null || !g.accountId().equals(account)) {
            throw SageMakerErrors.notFound(Kind.MODEL_PACKAGE_GROUP, arn);
        }
        return g;
    }

    private ModelPackage requirePackage(Map<String, ModelPackage> packages, String arn, String account)
            throws JsonServiceException {
        ModelPackage p = packages.get(arn);
        if (p == null || !p.accountId().equals(account)) {
            throw packageNotFound(arn);
        }
        return p;
    }

    // ------------------------------------------------------------------ groups

    private record GroupRequest(String name, String arn, String description, Map<String, String> tags) {}

    private GroupRequest parseCreateGroup(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("ModelPackageGroupName",
                "ModelPackageGroupDescription", "Tags"));
        String name = r.string("ModelPackageGroupName", true, 1, 63, SageMakerService.NAME,
                SageMakerService.NAME_TEXT);
        String description = r.string("ModelPackageGroupDescription", false, 0, 1024, DESCRIPTION,
                DESCRIPTION_TEXT);
        return new GroupRequest(name, SageMakerArns.of(Kind.MODEL_PACKAGE_GROUP, region, account, name),
                description, SageMakerService.tags(body, false));
    }

    private JsonNode createGroup(JsonNode body, String account, RegistryIdentity caller)
            throws JsonServiceException {
        GroupRequest req = parseCreateGroup(body, account);
        state.write(ch -> {
            for (ModelPackageGroup g : ch.groups.values()) {
                if (g.accountId().equals(account) && g.name().equalsIgnoreCase(req.name())) {
                    throw SageMakerErrors.alreadyExists(Kind.MODEL_PACKAGE_GROUP, g.arn());
                }
            }
            if (countIn(ch.groups.keySet(), account) >= limits.modelPackageGroups()) {
                throw SageMakerErrors.limitExceeded("The account-level service limit 'Number of model package "
                        + "groups' is " + limits.modelPackageGroups() + " ModelPackageGroups.");
            }
            ch.put(new ModelPackageGroup(req.name(), req.arn(), account, req.description(), now(), caller, 0,
                    req.tags()));
            return null;
        });
        ObjectNode out = JsonBodies.object();
        out.put("ModelPackageGroupArn", req.arn());
        return out;
    }

    private long countIn(Set<String> arns, String account) {
        String p = prefix(account);
        return arns.stream().filter(a -> a.startsWith(p)).count();
    }

    private JsonNode describeGroup(JsonNode body, String account) throws JsonServiceException {
        String arn = groupArn(SageMakerRequest.body(body, Set.of("ModelPackageGroupName")), "ModelPackageGroupName",
                true, account);
        ModelPackageGroup g = requireGroup(state.snapshot().groups(), arn, account);
        ObjectNode out = JsonBodies.object();
        out.put("ModelPackageGroupName", g.name());
        out.put("ModelPackageGroupArn", g.arn());
        if (g.description() != null) {
            out.put("ModelPackageGroupDescription", g.description());
        }
        out.put("CreationTime", SageMakerService.epoch(g.creationTime()));
        out.set("CreatedBy", userContext(g.createdBy()));
        out.put("ModelPackageGroupStatus", "Completed");
        return out;
    }

    private JsonNode deleteGroup(JsonNode body, String account) throws JsonServiceException {
        String arn = groupArn(SageMakerRequest.body(body, Set.of("ModelPackageGroupName")), "ModelPackageGroupName",
                true, account);
        state.write(ch -> {
            ModelPackageGroup g = requireGroup(ch.groups, arn, account);
            long versions = ch.packages.values().stream()
                    .filter(p -> p.accountId().equals(account) && p.groupName().equals(g.name())).count();
            if (versions > 0) {
                throw new JsonServiceException("ConflictException", 400, "Model package group " + g.name()
                        + " still has " + versions + " model package version(s); delete them before the group.");
            }
            ch.removeGroup(arn);
            return null;
        });
        return JsonBodies.object();
    }

    // ------------------------------------------------------------------ listings

    /** Filters, order and page of ListModelPackageGroups / ListModelPackages. */
    private static final class Listing {
        String nameContains;
        Instant createdBefore;
        Instant createdAfter;
        boolean byName;
        boolean ascending;
        int max;
        int start;
        String scope;
        // ListModelPackageGroups
        boolean crossAccount;
        // ListModelPackages
        String groupArn;
        String approvalStatus;
        String type;

        boolean matches(String name, Instant created) {
            return (nameContains == null
                    || name.toLowerCase(Locale.ROOT).contains(nameContains.toLowerCase(Locale.ROOT)))
                    && (createdBefore == null || created.isBefore(createdBefore))
                    && (createdAfter == null || created.isAfter(createdAfter));
        }

        /** By name or creation time; ties by name, then by {@code tie} (the version). */
        <T> Comparator<T> order(Function<T, String> name, Function<T, Instant> created,
                                Comparator<T> tie) {
            Comparator<T> byLowerName = Comparator.comparing(t -> name.apply(t).toLowerCase(Locale.ROOT));
            Comparator<T> c = byName ? byLowerName : Comparator.comparing(created);
            c = c.thenComparing(byLowerName).thenComparing(tie);
            return ascending ? c : c.reversed();
        }

        <T> List<T> page(List<T> all, ObjectNode out) {
            int end = (int) Math.min(all.size(), (long) start + max);
            if (end < all.size()) {
                out.put("NextToken", SageMakerService.token(end, scope));
            }
            return all.subList(Math.min(start, all.size()), end);
        }
    }

    private static Listing listing(SageMakerRequest r) throws JsonServiceException {
        Listing l = new Listing();
        l.byName = "Name".equals(r.enumValue("SortBy", false, Set.of("Name", "CreationTime")));
        l.ascending = !"Descending".equals(r.enumValue("SortOrder", false, Set.of("Ascending", "Descending")));
        Integer max = r.integer("MaxResults", false, 1, 100);
        l.max = max == null ? 10 : max;
        l.nameContains = r.string("NameContains", false, 0, 63, Pattern.compile("[a-zA-Z0-9\\-]+"),
                "[a-zA-Z0-9\\-]+");
        l.createdBefore = r.timestamp("CreationTimeBefore");
        l.createdAfter = r.timestamp("CreationTimeAfter");
        return l;
    }

    private static void pageFrom(SageMakerRequest r, Listing l, String scopeText) throws JsonServiceException {
        l.scope = SageMakerService.digest(scopeText + "|" + l.byName + "|" + l.ascending + "|" + l.nameContains
                + "|" + l.createdBefore + "|" + l.createdAfter);
        String token = r.string("NextToken", false, 0, 8192);
        l.start = token == null ? 0 : SageMakerService.offset(token, l.scope);
    }

    private Listing parseListGroups(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("CreationTimeAfter", "CreationTimeBefore",
                "MaxResults", "NameContains", "NextToken", "SortBy", "SortOrder", "CrossAccountFilterOption"));
        Listing l = listing(r);
        l.crossAccount = "CrossAccount".equals(r.enumValue("CrossAccountFilterOption", false,
                Set.of("SameAccount", "CrossAccount")));
        pageFrom(r, l, "ListModelPackageGroups|" + account + "|" + l.crossAccount);
        return l;
    }

    private JsonNode listGroups(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListGroups(body, account);
        // mlgate shares no groups across accounts: the CrossAccount view is empty.
        List<ModelPackageGroup> all = l.crossAccount ? List.of() : state.snapshot().groups().values().stream()
                .filter(g -> g.accountId().equals(account) && g.arn().startsWith(prefix(account)))
                .filter(g -> l.matches(g.name(), g.creationTime()))
                .sorted(l.order(ModelPackageGroup::name, ModelPackageGroup::creationTime, (a, b) -> 0))
                .toList();
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("ModelPackageGroupSummaryList");
        for (ModelPackageGroup g : l.page(all, out)) {
            ObjectNode n = array.addObject();
            n.put("ModelPackageGroupName", g.name());
            n.put("ModelPackageGroupArn", g.arn());
            if (g.description() != null) {
                n.put("ModelPackageGroupDescription", g.description());
            }
            n.put("CreationTime", SageMakerService.epoch(g.creationTime()));
            n.put("ModelPackageGroupStatus", "Completed");
        }
        return out;
    }

    private Listing parseListPackages(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("CreationTimeAfter", "CreationTimeBefore",
                "MaxResults", "NameContains", "ModelApprovalStatus", "ModelPackageGroupName", "ModelPackageType",
                "NextToken", "SortBy", "SortOrder"));
        Listing l = listing(r);
        l.approvalStatus = r.enumValue("ModelApprovalStatus", false, STATUSES);
        l.groupArn = groupArn(r, "ModelPackageGroupName", false, account);
        l.type = r.enumValue("ModelPackageType", false, Set.of("Versioned", "Unversioned", "Both"));
        if (l.type == null) {
            // AWS lists unversioned packages unless asked otherwise; a group holds versioned ones only.
            l.type = l.groupArn == null ? "Unversioned" : "Versioned";
        }
        pageFrom(r, l, "ListModelPackages|" + account + "|" + l.approvalStatus + "|" + l.groupArn + "|" + l.type);
        return l;
    }

    private JsonNode listPackages(JsonNode body, String account) throws JsonServiceException {
        Listing l = parseListPackages(body, account);
        SageMakerState.Snapshot s = state.snapshot();
        String groupName = l.groupArn == null ? null : groupNameOf(s, l.groupArn, account);
        boolean none = l.type.equals("Unversioned") || (l.groupArn != null && groupName == null);
        List<ModelPackage> all = none ? List.of() : s.packages().values().stream()
                .filter(p -> p.accountId().equals(account) && p.arn().startsWith(prefix(account)))
                .filter(p -> groupName == null || p.groupName().equals(groupName))
                .filter(p -> l.approvalStatus == null || p.approvalStatus().wireName().equals(l.approvalStatus))
                .filter(p -> l.matches(p.groupName(), p.creationTime()))
                .sorted(l.order(ModelPackage::groupName, ModelPackage::creationTime,
                        Comparator.comparingInt(ModelPackage::version)))
                .toList();
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("ModelPackageSummaryList");
        for (ModelPackage p : l.page(all, out)) {
            ObjectNode n = array.addObject();
            n.put("ModelPackageName", p.groupName());
            n.put("ModelPackageGroupName", p.groupName());
            n.put("ModelPackageVersion", p.version());
            n.put("ModelPackageArn", p.arn());
            if (p.description() != null) {
                n.put("ModelPackageDescription", p.description());
            }
            n.put("CreationTime", SageMakerService.epoch(p.creationTime()));
            n.put("ModelPackageStatus", "Completed");
            n.put("ModelApprovalStatus", p.approvalStatus().wireName());
        }
        return out;
    }

    /** The name of the held group with that ARN (the listing filter), or null: a missing group lists nothing. */
    private static String groupNameOf(SageMakerState.Snapshot s, String arn, String account) {
        ModelPackageGroup g = s.groups().get(arn);
        return g == null || !g.accountId().equals(account) ? null : g.name();
    }

    // ------------------------------------------------------------------ packages

    private record PackageRequest(String groupArn, String description, ModelPackage.Inference inference,
                                  ModelApprovalStatus status, Map<String, String> metadata,
                                  Map<String, String> tags, String clientToken) {}

    private PackageRequest parseCreatePackage(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("ModelPackageGroupName", "ModelPackageName",
                "ModelPackageDescription", "InferenceSpecification", "ModelApprovalStatus",
                "CustomerMetadataProperties", "Tags", "ClientToken", "CertifyForMarketplace"));
        if (r.has("ModelPackageName")) {
            throw SageMakerErrors.validation(r.has("ModelPackageGroupName")
                    ? "Both ModelPackageName and ModelPackageGroupName are provided in the input. Cannot determine "
                    + "which one to use."
                    : "mlgate's model registry holds versioned model packages only: give ModelPackageGroupName "
                    + "instead of ModelPackageName.");
        }
        String groupArn = groupArn(r, "ModelPackageGroupName", false, account);
        if (groupArn == null) {
            throw SageMakerErrors.validation("ModelPackageGroupName is required: mlgate's model registry holds "
                    + "versioned model packages only.");
        }
        String description = r.string("ModelPackageDescription", false, 0, 1024, DESCRIPTION, DESCRIPTION_TEXT);
        if (r.bool("CertifyForMarketplace")) {
            throw SageMakerErrors.validation("CertifyForMarketplace does not apply to versioned model packages.");
        }
        if (!r.has("InferenceSpecification")) {
            throw r.missing("InferenceSpecification");
        }
        ModelPackage.Inference inference = inference(SageMakerRequest.structure(r.raw("InferenceSpecification"),
                r.pathOf("InferenceSpecification"), INFERENCE_MEMBERS));
        String status = r.enumValue("ModelApprovalStatus", false, STATUSES);
        Map<String, String> metadata = metadata(r, "CustomerMetadataProperties");
        String token = r.string("ClientToken", false, 1, 36, CLIENT_TOKEN, "[a-zA-Z0-9-]+");
        return new PackageRequest(groupArn, description, inference,
                status == null ? ModelApprovalStatus.PENDING_MANUAL_APPROVAL
                        : ModelApprovalStatus.fromWire(status).orElseThrow(),
                metadata == null ? Map.of() : metadata, SageMakerService.tags(body, false), token);
    }

    private static ModelPackage.Inference inference(SageMakerRequest s) throws JsonServiceException {
        List<JsonNode> list = s.list("Containers", true, 1, MAX_PACKAGE_CONTAINERS);
        List<ContainerDefinition> containers = new ArrayList<>();
        Set<String> hostnames = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            SageMakerRequest c = SageMakerRequest.structure(list.get(i), s.elementPath("Containers", i),
                    PACKAGE_CONTAINER_MEMBERS);
            String hostname = c.string("ContainerHostname", false, 0, 63, SageMakerService.NAME,
                    SageMakerService.NAME_TEXT);
            if (hostname != null && !hostnames.add(hostname.toLowerCase(Locale.ROOT))) {
                throw SageMakerErrors.validation("Container hostname " + hostname
                        + " is used by more than one container.");
            }
            String image = c.string("Image", false, 0, 255, SageMakerService.IMAGE, "[\\S]+");
            String url = c.string("ModelDataUrl", false, 0, 1024, SageMakerService.MODEL_DATA_URL,
                    SageMakerService.MODEL_DATA_URL_TEXT);
            if (url == null) {
                throw SageMakerErrors.validation("ModelDataUrl is required at '" + c.pathOf("ModelDataUrl")
                        + "': mlgate serves the model artifact it names.");
            }
            containers.add(new ContainerDefinition(hostname, image, ContainerDefinition.Mode.SINGLE_MODEL, url,
                    SageMakerService.environment(c)));
        }
        return new ModelPackage.Inference(containers,
                strings(s, "SupportedContentTypes", 0, 256, CONTENT_TYPE, ".*"),
                strings(s, "SupportedResponseMIMETypes", 0, 1024, MIME_TYPE, "[-\\w]+\\/.+"),
                strings(s, "SupportedRealtimeInferenceInstanceTypes", 0, 64, SageMakerService.INSTANCE_TYPE,
                        SageMakerService.INSTANCE_TYPE_TEXT),
                strings(s, "SupportedTransformInstanceTypes", 0, 64, SageMakerService.INSTANCE_TYPE,
                        SageMakerService.INSTANCE_TYPE_TEXT));
    }

    private static List<String> strings(SageMakerRequest s, String member, int min, int max, Pattern pattern,
                                        String patternText) throws JsonServiceException {
        List<JsonNode> list = s.list(member, false, member.equals("SupportedTransformInstanceTypes") ? 1 : 0,
                MAX_TYPES);
        if (list == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            if (!n.isString()) {
                throw SageMakerErrors.serialization("Member " + s.pathOf(member) + " must hold strings.");
            }
            SageMakerRequest.checkString(n.stringValue(), s.elementPath(member, i), min, max, pattern, patternText,
                    true);
            out.add(n.stringValue());
        }
        return out;
    }

    /** A CustomerMetadataProperties map member (1 to 50 entries); null if absent. */
    private static Map<String, String> metadata(SageMakerRequest r, String member) throws JsonServiceException {
        JsonNode n = r.raw(member);
        if (n == null || n.isNull()) {
            return null;
        }
        String at = r.pathOf(member);
        if (!n.isObject()) {
            throw SageMakerErrors.serialization("Member " + at + " must be a map.");
        }
        if (n.size() < 1 || n.size() > MAX_METADATA) {
            throw SageMakerErrors.validation("1 validation error detected: Value at '" + at
                    + "' failed to satisfy constraint: Member must have length " + (n.size() < 1
                    ? "greater than or equal to 1" : "less than or equal to " + MAX_METADATA));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            SageMakerRequest.checkString(e.getKey(), at, 1, 128, METADATA, METADATA_KEY_TEXT, true);
            if (!e.getValue().isString()) {
                throw SageMakerErrors.serialization("Values of " + at + " must be strings.");
            }
            SageMakerRequest.checkString(e.getValue().stringValue(), at + "." + e.getKey(), 1, 256, METADATA,
                    METADATA_VALUE_TEXT, true);
            out.put(e.getKey(), e.getValue().stringValue());
        }
        return out;
    }

    private JsonNode createPackage(JsonNode body, String account, RegistryIdentity caller)
            throws JsonServiceException {
        PackageRequest req = parseCreatePackage(body, account);
        String requestDigest = SageMakerService.digest("CreateModelPackage|" + body);
        String arn = state.write(ch -> {
            ModelPackageGroup g = requireGroup(ch.groups, req.groupArn(), account);
            if (req.clientToken() != null) {
                for (ModelPackage p : ch.packages.values()) {
                    if (p.accountId().equals(account) && req.clientToken().equals(p.clientToken())) {
                        if (requestDigest.equals(p.requestDigest())) {
                            return p.arn(); // a retry of a registration that succeeded
                        }
                        throw new JsonServiceException("ConflictException", 400, "ClientToken "
                                + req.clientToken() + " was already used for another CreateModelPackage request.");
                    }
                }
            }
            if (req.status() == ModelApprovalStatus.APPROVED && guardrail.separateApprover()) {
                throw approvalDenied(caller, "register a model package version as Approved in group " + g.name());
            }
            if (countIn(ch.packages.keySet(), account) >= limits.modelPackages()) {
                throw SageMakerErrors.limitExceeded("The account-level service limit 'Number of model packages' is "
                        + limits.modelPackages() + " ModelPackages.");
            }
            int version = g.lastVersion() + 1;
            String versionArn = versionArn(g.arn(), version);
            ch.put(g.withLastVersion(version));
            ch.put(new ModelPackage(g.name(), version, versionArn, account, UUID.randomUUID().toString(),
                    req.description(), req.inference(), req.status(), null, req.metadata(), now(), caller, null,
                    null, req.tags(), req.clientToken(), requestDigest));
            return versionArn;
        });
        ObjectNode out = JsonBodies.object();
        out.put("ModelPackageArn", arn);
        return out;
    }

    /**
     * The separation-of-duties refusal: AccessDeniedException, HTTP 400 as SageMaker's common errors list it (and as
     * {@code KmsErrors} answers its own denials). Names the caller, who is the registrant, so it tells them nothing
     * new; no quotes, so the audit record keeps the names.
     */
    private static JsonServiceException approvalDenied(RegistryIdentity caller, String what) {
        return new JsonServiceException("AccessDeniedException", 400, "User: " + caller.arn()
                + " is not authorized to " + what + ": the identity that registered a model package cannot approve "
                + "it (separation of duties). Another identity must approve it with UpdateModelPackage.");
    }

    private JsonNode describePackage(JsonNode body, String account) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("ModelPackageName", "IncludedData"));
        String arn = packageArn(r, "ModelPackageName", account);
        // No model card or KMS-encrypted content is held, so AllData and MetadataOnly answer the same.
        r.enumValue("IncludedData", false, Set.of("AllData", "MetadataOnly"));
        ModelPackage p = requirePackage(state.snapshot().packages(), arn, account);
        ObjectNode out = JsonBodies.object();
        out.put("ModelPackageName", p.groupName());
        out.put("ModelPackageGroupName", p.groupName());
        out.put("ModelPackageVersion", p.version());
        out.put("ModelPackageArn", p.arn());
        if (p.description() != null) {
            out.put("ModelPackageDescription", p.description());
        }
        out.put("CreationTime", SageMakerService.epoch(p.creationTime()));
        out.set("InferenceSpecification", inferenceJson(p.inference()));
        out.put("ModelPackageStatus", "Completed");
        out.putObject("ModelPackageStatusDetails").putArray("ValidationStatuses");
        out.put("CertifyForMarketplace", false);
        out.put("ModelApprovalStatus", p.approvalStatus().wireName());
        out.set("CreatedBy", userContext(p.createdBy()));
        if (p.lastModifiedTime() != null) {
            out.put("LastModifiedTime", SageMakerService.epoch(p.lastModifiedTime()));
            out.set("LastModifiedBy", userContext(p.lastModifiedBy()));
        }
        if (p.approvalDescription() != null) {
            out.put("ApprovalDescription", p.approvalDescription());
        }
        if (!p.customerMetadata().isEmpty()) {
            ObjectNode m = out.putObject("CustomerMetadataProperties");
            p.customerMetadata().forEach(m::put);
        }
        return out;
    }

    private static ObjectNode inferenceJson(ModelPackage.Inference in) {
        ObjectNode n = JsonBodies.object();
        ArrayNode containers = n.putArray("Containers");
        for (ContainerDefinition c : in.containers()) {
            ObjectNode cn = containers.addObject();
            if (c.hostname() != null) {
                cn.put("ContainerHostname", c.hostname());
            }
            if (c.image() != null) {
                cn.put("Image", c.image());
            }
            cn.put("ModelDataUrl", c.modelDataUrl());
            if (!c.environment().isEmpty()) {
                ObjectNode env = cn.putObject("Environment");
                c.environment().forEach(env::put);
            }
        }
        putStrings(n, "SupportedTransformInstanceTypes", in.transformInstanceTypes());
        putStrings(n, "SupportedRealtimeInferenceInstanceTypes", in.realtimeInstanceTypes());
        putStrings(n, "SupportedContentTypes", in.supportedContentTypes());
        putStrings(n, "SupportedResponseMIMETypes", in.supportedResponseMimeTypes());
        return n;
    }

    private static void putStrings(ObjectNode n, String field, List<String> values) {
        if (values != null) {
            ArrayNode a = n.putArray(field);
            values.forEach(a::add);
        }
    }

    /** SageMaker's UserContext with the IamIdentity of a caller. */
    private static ObjectNode userContext(RegistryIdentity i) {
        ObjectNode n = JsonBodies.object();
        ObjectNode iam = n.putObject("IamIdentity");
        iam.put("Arn", i.arn());
        if (i.principalId() != null) {
            iam.put("PrincipalId", i.principalId());
        }
        if (i.sourceIdentity() != null) {
            iam.put("SourceIdentity", i.sourceIdentity());
        }
        return n;
    }

    private record UpdateRequest(String arn, ModelApprovalStatus status, String approvalDescription,
                                 Map<String, String> metadata, List<String> remove) {}

    private UpdateRequest parseUpdate(JsonNode body) throws JsonServiceException {
        SageMakerRequest r = SageMakerRequest.body(body, Set.of("ModelPackageArn", "ModelApprovalStatus",
                "ApprovalDescription", "CustomerMetadataProperties", "CustomerMetadataPropertiesToRemove"));
        String given = r.string("ModelPackageArn", true, 1, 2048, PACKAGE_ARN, PACKAGE_ARN_TEXT);
        // The ARN is authorized and looked up in one normalized form; one that is not a version ARN names nothing.
        SageMakerArns.Parsed parsed = SageMakerArns.parse(given)
                .filter(p -> p.kind() == Kind.MODEL_PACKAGE).orElse(null);
        if (parsed != null && !parsed.region().equals(region)) {
            throw SageMakerErrors.validation("ARN should be scoped to correct region: " + region);
        }
        String arn = parsed == null ? given
                : SageMakerArns.of(parsed.kind(), parsed.region(), parsed.accountId(), parsed.name());
        String status = r.enumValue("ModelApprovalStatus", false, STATUSES);
        String description = r.string("ApprovalDescription", false, 0, 1024, APPROVAL_DESCRIPTION, ".*");
        Map<String, String> metadata = metadata(r, "CustomerMetadataProperties");
        List<String> remove = null;
        List<JsonNode> keys = r.list("CustomerMetadataPropertiesToRemove", false, 0, MAX_METADATA);
        if (keys != null) {
            remove = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                JsonNode k = keys.get(i);
                if (!k.isString()) {
                    throw SageMakerErrors.serialization("Member customerMetadataPropertiesToRemove must hold "
                            + "strings.");
                }
                SageMakerRequest.checkString(k.stringValue(), r.elementPath("CustomerMetadataPropertiesToRemove", i),
                        1, 128, METADATA, METADATA_KEY_TEXT, true);
                if (metadata != null && metadata.containsKey(k.stringValue())) {
                    throw SageMakerErrors.validation("The customer metadata key " + k.stringValue()
                            + " is both set and removed.");
                }
                remove.add(k.stringValue());
            }
        }
        if (status == null && description == null && metadata == null && remove == null) {
            throw SageMakerErrors.validation("UpdateModelPackage needs ModelApprovalStatus, ApprovalDescription, "
                    + "CustomerMetadataProperties or CustomerMetadataPropertiesToRemove.");
        }
        return new UpdateRequest(arn, status == null ? null : ModelApprovalStatus.fromWire(status).orElseThrow(),
                description, metadata, remove);
    }

    private JsonNode updatePackage(JsonNode body, String account, RegistryIdentity caller)
            throws JsonServiceException {
        UpdateRequest req = parseUpdate(body);
        state.write(ch -> {
            ModelPackage p = requirePackage(ch.packages, req.arn(), account);
            if (req.status() == ModelApprovalStatus.APPROVED && guardrail.separateApprover()
                    && caller.samePersonAs(p.createdBy())) {
                throw approvalDenied(caller, "approve model package " + p.arn());
            }
            Map<String, String> metadata = new LinkedHashMap<>(p.customerMetadata());
            if (req.metadata() != null) {
                metadata.putAll(req.metadata());
            }
            if (req.remove() != null) {
                req.remove().forEach(metadata::remove);
            }
            if (metadata.size() > MAX_METADATA) {
                throw SageMakerErrors.validation("A model package can have at most " + MAX_METADATA
                        + " customer metadata properties.");
            }
            ch.put(p.updated(req.status() == null ? p.approvalStatus() : req.status(),
                    req.approvalDescription() == null ? p.approvalDescription() : req.approvalDescription(),
                    metadata, now(), caller));
            return null;
        });
        ObjectNode out = JsonBodies.object();
        out.put("ModelPackageArn", req.arn());
        return out;
    }

    private JsonNode deletePackage(JsonNode body, String account) throws JsonServiceException {
        String arn = packageArn(SageMakerRequest.body(body, Set.of("ModelPackageName")), "ModelPackageName",
                account);
        state.write(ch -> {
            requirePackage(ch.packages, arn, account);
            // Models created from it keep the containers they resolved; under approvedPackagesOnly they can no
            // longer be deployed (the version is gone, and its number is never given again).
            ch.removePackage(arn);
            return null;
        });
        return JsonBodies.object();
    }

    // ------------------------------------------------------------------ models from packages

    /**
     * The containers a CreateModel container naming a model package resolves to: the version's containers in
     * order, each recording the version it came from, with the model's Environment over the package's and the
     * model's hostname (allowed only for a single-container package).
     */
    List<ContainerDefinition> resolve(Map<String, ModelPackage> packages, String packageArn, String account,
                                      String hostname, Map<String, String> environment, String at)
            throws JsonServiceException {
        ModelPackage p = requirePackage(packages, packageArn, account);
        List<ContainerDefinition> pcs = p.inference().containers();
        if (hostname != null && pcs.size() > 1) {
            throw SageMakerErrors.validation("ContainerHostname at '" + at + "' cannot be used with model package "
                    + p.arn() + ", which has " + pcs.size() + " containers with their own hostnames.");
        }
        ContainerDefinition.PackageSource source = new ContainerDefinition.PackageSource(p.arn(),
                p.registrationId());
        List<ContainerDefinition> out = new ArrayList<>();
        for (ContainerDefinition pc : pcs) {
            Map<String, String> env = new LinkedHashMap<>(pc.environment());
            env.putAll(environment);
            if (env.size() > 100) {
                throw SageMakerErrors.validation("The environment of model package " + p.arn() + " and the one at '"
                        + at + "' together have more than 100 entries.");
            }
            out.add(new ContainerDefinition(hostname != null ? hostname : pc.hostname(), pc.image(),
                    ContainerDefinition.Mode.SINGLE_MODEL, pc.modelDataUrl(), env, source));
        }
        return out;
    }

    /**
     * Under {@link RegistryGuardrail#approvedPackagesOnly}, refuses a model unless every container comes from a
     * model package version that still exists (the same registration) and is Approved now.
     *
     * @param action what is refused ("created", "deployed"), for the message
     */
    void requireApproved(SageMakerModel model, Map<String, ModelPackage> packages, String action)
            throws JsonServiceException {
        if (!guardrail.approvedPackagesOnly()) {
            return;
        }
        List<ContainerDefinition> containers = model.containers();
        for (int i = 0; i < containers.size(); i++) {
            ContainerDefinition c = containers.get(i);
            String refused = "Model " + model.name() + " cannot be " + action + ": ";
            String rule = " The registry guardrail allows only models whose containers all come from Approved "
                    + "model packages.";
            if (c.modelPackage() == null) {
                throw SageMakerErrors.validation(refused + "container " + (i + 1) + " names its artifact itself "
                        + "(ModelDataUrl) instead of a model package (ModelPackageName)." + rule);
            }
            ModelPackage p = packages.get(c.modelPackage().modelPackageArn());
            if (p == null || !p.registrationId().equals(c.modelPackage().registrationId())) {
                throw SageMakerErrors.validation(refused + "model package " + c.modelPackage().modelPackageArn()
                        + " it was created from no longer exists." + rule);
            }
            if (p.approvalStatus() != ModelApprovalStatus.APPROVED) {
                throw SageMakerErrors.validation(refused + "model package " + p.arn() + " has ModelApprovalStatus "
                        + p.approvalStatus().wireName() + "." + rule);
            }
        }
    }
}
