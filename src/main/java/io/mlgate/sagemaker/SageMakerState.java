package io.mlgate.sagemaker;

import static io.mlgate.protocol.json.StoredJson.array;
import static io.mlgate.protocol.json.StoredJson.bool;
import static io.mlgate.protocol.json.StoredJson.instant;
import static io.mlgate.protocol.json.StoredJson.integer;
import static io.mlgate.protocol.json.StoredJson.nullableText;
import static io.mlgate.protocol.json.StoredJson.number;
import static io.mlgate.protocol.json.StoredJson.text;
import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.protocol.json.JsonServiceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The persistent state of the SageMaker control plane in {@code <dataDir>/sagemaker/state.json}: models, endpoint
 * configurations, endpoints, model package groups and model package versions, keyed by ARN. Every change is written atomically (temporary file, fsync, rename)
 * before it becomes visible; a file that cannot be read fails {@link #open} loudly and is never replaced by an empty
 * state. Thread-safe: reads take no lock, writes are serialized.
 */
public final class SageMakerState {

    /** The folder under the data directory and the file name. */
    public static final String FOLDER = "sagemaker";
    public static final String FILE = "state.json";

    private static final String FORMAT = "mlgate-sagemaker-state";
    /** Version 2 added the model registry; version 1 files (without it) are still read. */
    private static final int VERSION = 2;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** An immutable view of everything held. */
    record Snapshot(Map<String, SageMakerModel> models, Map<String, EndpointConfig> configs,
                    Map<String, SageMakerEndpoint> endpoints, Map<String, ModelPackageGroup> groups,
                    Map<String, ModelPackage> packages) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

        Snapshot {
            models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
            configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
            endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
            groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
            packages = Collections.unmodifiableMap(new LinkedHashMap<>(packages));
        }

        /** The tags of the resource of that kind and ARN, or null if none is held. */
        Map<String, String> tagsOf(SageMakerArns.Kind kind, String arn) {
            return SageMakerState.tagsOf(kind, arn, models, configs, endpoints, groups, packages);
        }
    }

    private static Map<String, String> tagsOf(SageMakerArns.Kind kind, String arn,
                                              Map<String, SageMakerModel> models,
                                              Map<String, EndpointConfig> configs,
                                              Map<String, SageMakerEndpoint> endpoints,
                                              Map<String, ModelPackageGroup> groups,
                                              Map<String, ModelPackage> packages) {
        return switch (kind) {
            case MODEL -> models.containsKey(arn) ? models.get(arn).tags() : null;
            case ENDPOINT_CONFIG -> configs.containsKey(arn) ? configs.get(arn).tags() : null;
            case ENDPOINT -> endpoints.containsKey(arn) ? endpoints.get(arn).tags() : null;
            case MODEL_PACKAGE_GROUP -> groups.containsKey(arn) ? groups.get(arn).tags() : null;
            case MODEL_PACKAGE -> packages.containsKey(arn) ? packages.get(arn).tags() : null;
        };
    }

    private final Path file;
    private final Object writeLock = new Object();
    private volatile Snapshot snapshot;

    private SageMakerState(Path file, Snapshot snapshot) {
        this.file = file;
        this.snapshot = snapshot;
    }

    /**
     * Opens the state under {@code dataDir} ({@code sagemaker/state.json}; empty if the file does not exist yet).
     *
     * @throws IOException if the file cannot be read or is not a valid state file (never silently emptied)
     */
    public static SageMakerState open(Path dataDir) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        Path dir = dataDir.resolve(FOLDER);
        AtomicFileWriter.ensurePrivateDirectory(dir);
        Path file = dir.resolve(FILE);
        Snapshot loaded = Files.exists(file) ? read(file) : Snapshot.EMPTY;
        return new SageMakerState(file, loaded);
    }

    /** The file the state lives in. */
    public Path file() {
        return file;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    Optional<SageMakerModel> model(String arn) {
        return Optional.ofNullable(snapshot.models().get(arn));
    }

    Optional<EndpointConfig> config(String arn) {
        return Optional.ofNullable(snapshot.configs().get(arn));
    }

    Optional<SageMakerEndpoint> endpoint(String arn) {
        return Optional.ofNullable(snapshot.endpoints().get(arn));
    }

    /** How many models, configurations and endpoints are held, for diagnostics. */
    @Override
    public String toString() {
        Snapshot s = snapshot;
        return "SageMakerState[" + file + ", models=" + s.models().size() + ", endpointConfigs="
                + s.configs().size() + ", endpoints=" + s.endpoints().size() + ", modelPackageGroups="
                + s.groups().size() + ", modelPackages=" + s.packages().size() + "]";
    }

    /** A change made under the write lock. */
    interface Work<T> {
        T apply(Changes changes) throws JsonServiceException;
    }

    /** The state as one write sees it; changes become visible only if the whole write succeeds and is persisted. */
    static final class Changes {
        final Map<String, SageMakerModel> models;
        final Map<String, EndpointConfig> configs;
        final Map<String, SageMakerEndpoint> endpoints;
        final Map<String, ModelPackageGroup> groups;
        final Map<String, ModelPackage> packages;
        private boolean changed;

        private Changes(Snapshot s) {
            models = new LinkedHashMap<>(s.models());
            configs = new LinkedHashMap<>(s.configs());
            endpoints = new LinkedHashMap<>(s.endpoints());
            groups = new LinkedHashMap<>(s.groups());
            packages = new LinkedHashMap<>(s.packages());
        }

        /** The tags of the resource of that kind and ARN, or null if none is held. */
        Map<String, String> tagsOf(SageMakerArns.Kind kind, String arn) {
            return SageMakerState.tagsOf(kind, arn, models, configs, endpoints, groups, packages);
        }

        /** Replaces the tags of a held resource. */
        void retag(SageMakerArns.Kind kind, String arn, Map<String, String> tags) {
            switch (kind) {
                case MODEL -> put(models.get(arn).withTags(tags));
                case ENDPOINT_CONFIG -> put(configs.get(arn).withTags(tags));
                case ENDPOINT -> put(endpoints.get(arn).withTags(tags));
                case MODEL_PACKAGE_GROUP -> put(groups.get(arn).withTags(tags));
                case MODEL_PACKAGE -> put(packages.get(arn).withTags(tags));
            }
        }

        void put(ModelPackageGroup g) {
            groups.put(g.arn(), g);
            changed = true;
        }

        void put(ModelPackage p) {
            packages.put(p.arn(), p);
            changed = true;
        }

        void removeGroup(String arn) {
            changed |= groups.remove(arn) != null;
        }

        void removePackage(String arn) {
            changed |= packages.remove(arn) != null;
        }

        void put(SageMakerModel m) {
            models.put(m.arn(), m);
            changed = true;
        }

        void put(EndpointConfig c) {
            configs.put(c.arn(), c);
            changed = true;
        }

        void put(SageMakerEndpoint e) {
            endpoints.put(e.arn(), e);
            changed = true;
        }

        void removeModel(String arn) {
            changed |= models.remove(arn) != null;
        }

        void removeConfig(String arn) {
            changed |= configs.remove(arn) != null;
        }

        void removeEndpoint(String arn) {
            changed |= endpoints.remove(arn) != null;
        }
    }

    /**
     * Runs {@code work} under the write lock; if it changed anything, persists the result, then publishes it.
     *
     * @throws UncheckedIOException if the change could not be persisted (nothing changes then)
     */
    <T> T write(Work<T> work) throws JsonServiceException {
        synchronized (writeLock) {
            Changes changes = new Changes(snapshot);
            T result = work.apply(changes);
            if (changes.changed) {
                Snapshot next = new Snapshot(changes.models, changes.configs, changes.endpoints, changes.groups,
                        changes.packages);
                try {
                    AtomicFileWriter.replace(file, serialize(next));
                } catch (IOException e) {
                    throw new UncheckedIOException("could not persist " + file, e);
                }
                snapshot = next;
            }
            return result;
        }
    }

    // ------------------------------------------------------------------ serialization

    static byte[] serialize(Snapshot s) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("version", VERSION);
        ArrayNode models = doc.putArray("models");
        s.models().values().forEach(m -> models.add(model(m)));
        ArrayNode configs = doc.putArray("endpointConfigs");
        s.configs().values().forEach(c -> configs.add(config(c)));
        ArrayNode endpoints = doc.putArray("endpoints");
        s.endpoints().values().forEach(e -> endpoints.add(endpoint(e)));
        ArrayNode groups = doc.putArray("modelPackageGroups");
        s.groups().values().forEach(g -> groups.add(group(g)));
        ArrayNode packages = doc.putArray("modelPackages");
        s.packages().values().forEach(p -> packages.add(modelPackage(p)));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    private static Snapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            JsonNode doc = JSON.readTree(bytes);
            if (doc == null || !doc.isObject() || !FORMAT.equals(text(doc, "format"))) {
                throw new IOException("corrupt SageMaker state file " + file + ": not a " + FORMAT + " document");
            }
            int version = integer(doc, "version");
            if (version != 1 && version != VERSION) {
                throw new IOException("SageMaker state file " + file + " has unsupported version "
                        + doc.get("version"));
            }
            Map<String, SageMakerModel> models = new LinkedHashMap<>();
            for (JsonNode n : array(doc, "models")) {
                SageMakerModel m = model(n);
                if (models.put(m.arn(), m) != null) {
                    throw new IllegalArgumentException("duplicate model " + m.arn());
                }
            }
            Map<String, EndpointConfig> configs = new LinkedHashMap<>();
            for (JsonNode n : array(doc, "endpointConfigs")) {
                EndpointConfig c = config(n);
                if (configs.put(c.arn(), c) != null) {
                    throw new IllegalArgumentException("duplicate endpoint configuration " + c.arn());
                }
            }
            Map<String, SageMakerEndpoint> endpoints = new LinkedHashMap<>();
            for (JsonNode n : array(doc, "endpoints")) {
                SageMakerEndpoint e = endpoint(n);
                if (endpoints.put(e.arn(), e) != null) {
                    throw new IllegalArgumentException("duplicate endpoint " + e.arn());
                }
            }
            Map<String, ModelPackageGroup> groups = new LinkedHashMap<>();
            Map<String, ModelPackage> packages = new LinkedHashMap<>();
            if (version >= 2) {
                for (JsonNode n : array(doc, "modelPackageGroups")) {
                    ModelPackageGroup g = group(n);
                    if (groups.put(g.arn(), g) != null) {
                        throw new IllegalArgumentException("duplicate model package group " + g.arn());
                    }
                }
                for (JsonNode n : array(doc, "modelPackages")) {
                    ModelPackage p = modelPackage(n);
                    if (packages.put(p.arn(), p) != null) {
                        throw new IllegalArgumentException("duplicate model package " + p.arn());
                    }
                }
            }
            return new Snapshot(models, configs, endpoints, groups, packages);
        } catch (JacksonException | IllegalArgumentException | NullPointerException | ClassCastException e) {
            throw new IOException("corrupt SageMaker state file " + file + ": "
                    + (e instanceof JacksonException ? "not valid JSON" : e.getMessage()), e);
        }
    }

    // models

    private static ObjectNode model(SageMakerModel m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", m.name());
        n.put("arn", m.arn());
        n.put("accountId", m.accountId());
        ArrayNode containers = n.putArray("containers");
        m.containers().forEach(c -> containers.add(container(c)));
        n.put("pipeline", m.pipeline());
        putNullable(n, "executionRoleArn", m.executionRoleArn());
        n.put("networkIsolation", m.networkIsolation());
        n.put("creationTime", m.creationTime().toString());
        n.set("tags", map(m.tags()));
        return n;
    }

    private static SageMakerModel model(JsonNode n) {
        List<ContainerDefinition> containers = new ArrayList<>();
        for (JsonNode c : array(n, "containers")) {
            containers.add(container(c));
        }
        return new SageMakerModel(text(n, "name"), text(n, "arn"), text(n, "accountId"), containers,
                bool(n, "pipeline"), nullableText(n, "executionRoleArn"), bool(n, "networkIsolation"),
                instant(n, "creationTime"), map(n.get("tags")));
    }

    private static ObjectNode container(ContainerDefinition c) {
        ObjectNode n = JSON.createObjectNode();
        putNullable(n, "hostname", c.hostname());
        putNullable(n, "image", c.image());
        n.put("mode", c.mode().wireName());
        n.put("modelDataUrl", c.modelDataUrl());
        n.set("environment", map(c.environment()));
        if (c.modelPackage() != null) {
            n.put("modelPackageArn", c.modelPackage().modelPackageArn());
            n.put("modelPackageRegistrationId", c.modelPackage().registrationId());
        }
        return n;
    }

    private static ContainerDefinition container(JsonNode n) {
        String mode = text(n, "mode");
        return new ContainerDefinition(nullableText(n, "hostname"), nullableText(n, "image"),
                ContainerDefinition.Mode.fromWire(mode)
                        .orElseThrow(() -> new IllegalArgumentException("unknown container mode " + mode)),
                text(n, "modelDataUrl"), map(n.get("environment")),
                n.has("modelPackageArn") ? new ContainerDefinition.PackageSource(text(n, "modelPackageArn"),
                        text(n, "modelPackageRegistrationId")) : null);
    }

    // model registry

    private static ObjectNode group(ModelPackageGroup g) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", g.name());
        n.put("arn", g.arn());
        n.put("accountId", g.accountId());
        putNullable(n, "description", g.description());
        n.put("creationTime", g.creationTime().toString());
        n.set("createdBy", identity(g.createdBy()));
        n.put("lastVersion", g.lastVersion());
        n.set("tags", map(g.tags()));
        return n;
    }

    private static ModelPackageGroup group(JsonNode n) {
        return new ModelPackageGroup(text(n, "name"), text(n, "arn"), text(n, "accountId"),
                nullableText(n, "description"), instant(n, "creationTime"), identity(n.get("createdBy")),
                integer(n, "lastVersion"), map(n.get("tags")));
    }

    private static ObjectNode modelPackage(ModelPackage p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("groupName", p.groupName());
        n.put("version", p.version());
        n.put("arn", p.arn());
        n.put("accountId", p.accountId());
        n.put("registrationId", p.registrationId());
        putNullable(n, "description", p.description());
        ObjectNode inference = n.putObject("inference");
        ArrayNode containers = inference.putArray("containers");
        p.inference().containers().forEach(c -> containers.add(container(c)));
        putStrings(inference, "supportedContentTypes", p.inference().supportedContentTypes());
        putStrings(inference, "supportedResponseMimeTypes", p.inference().supportedResponseMimeTypes());
        putStrings(inference, "realtimeInstanceTypes", p.inference().realtimeInstanceTypes());
        putStrings(inference, "transformInstanceTypes", p.inference().transformInstanceTypes());
        n.put("approvalStatus", p.approvalStatus().wireName());
        putNullable(n, "approvalDescription", p.approvalDescription());
        n.set("customerMetadata", map(p.customerMetadata()));
        n.put("creationTime", p.creationTime().toString());
        n.set("createdBy", identity(p.createdBy()));
        if (p.lastModifiedTime() != null) {
            n.put("lastModifiedTime", p.lastModifiedTime().toString());
            n.set("lastModifiedBy", identity(p.lastModifiedBy()));
        }
        n.set("tags", map(p.tags()));
        putNullable(n, "clientToken", p.clientToken());
        putNullable(n, "requestDigest", p.requestDigest());
        return n;
    }

    private static ModelPackage modelPackage(JsonNode n) {
        JsonNode in = n.get("inference");
        if (in == null || !in.isObject()) {
            throw new IllegalArgumentException("a model package has no inference specification");
        }
        List<ContainerDefinition> containers = new ArrayList<>();
        for (JsonNode c : array(in, "containers")) {
            containers.add(container(c));
        }
        ModelPackage.Inference inference = new ModelPackage.Inference(containers,
                optionalStrings(in, "supportedContentTypes"), optionalStrings(in, "supportedResponseMimeTypes"),
                optionalStrings(in, "realtimeInstanceTypes"), optionalStrings(in, "transformInstanceTypes"));
        String status = text(n, "approvalStatus");
        boolean modified = n.has("lastModifiedTime");
        return new ModelPackage(text(n, "groupName"), integer(n, "version"), text(n, "arn"), text(n, "accountId"),
                text(n, "registrationId"), nullableText(n, "description"), inference,
                ModelApprovalStatus.fromWire(status)
                        .orElseThrow(() -> new IllegalArgumentException("unknown approval status " + status)),
                nullableText(n, "approvalDescription"), map(n.get("customerMetadata")), instant(n, "creationTime"),
                identity(n.get("createdBy")), modified ? instant(n, "lastModifiedTime") : null,
                modified ? identity(n.get("lastModifiedBy")) : null, map(n.get("tags")),
                nullableText(n, "clientToken"), nullableText(n, "requestDigest"));
    }

    private static ObjectNode identity(RegistryIdentity i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("arn", i.arn());
        putNullable(n, "principalId", i.principalId());
        putNullable(n, "sourceIdentity", i.sourceIdentity());
        putNullable(n, "federatingUserArn", i.federatingUserArn());
        return n;
    }

    private static RegistryIdentity identity(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("missing identity");
        }
        return new RegistryIdentity(text(n, "arn"), nullableText(n, "principalId"), nullableText(n, "sourceIdentity"),
                nullableText(n, "federatingUserArn"));
    }

    private static void putStrings(ObjectNode n, String field, List<String> values) {
        if (values != null) {
            strings(n.putArray(field), values);
        }
    }

    private static List<String> optionalStrings(JsonNode n, String field) {
        return n.has(field) ? strings(n.get(field)) : null;
    }

    // endpoint configurations

    private static ObjectNode config(EndpointConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", c.name());
        n.put("arn", c.arn());
        n.put("accountId", c.accountId());
        ArrayNode variants = n.putArray("variants");
        for (VariantConfig v : c.variants()) {
            ObjectNode vn = variants.addObject();
            vn.put("variantName", v.variantName());
            vn.put("modelName", v.modelName());
            vn.put("initialInstanceCount", v.initialInstanceCount());
            putNullable(vn, "instanceType", v.instanceType());
            vn.put("initialVariantWeight", v.initialVariantWeight());
        }
        putNullable(n, "kmsKeyId", c.kmsKeyId());
        if (c.dataCapture() != null) {
            n.set("dataCapture", dataCapture(c.dataCapture()));
        }
        n.put("creationTime", c.creationTime().toString());
        n.set("tags", map(c.tags()));
        return n;
    }

    private static EndpointConfig config(JsonNode n) {
        List<VariantConfig> variants = new ArrayList<>();
        for (JsonNode v : array(n, "variants")) {
            variants.add(new VariantConfig(text(v, "variantName"), text(v, "modelName"),
                    integer(v, "initialInstanceCount"), nullableText(v, "instanceType"),
                    number(v, "initialVariantWeight")));
        }
        JsonNode capture = n.get("dataCapture");
        return new EndpointConfig(text(n, "name"), text(n, "arn"), text(n, "accountId"), variants,
                nullableText(n, "kmsKeyId"), capture == null || capture.isNull() ? null : dataCapture(capture),
                instant(n, "creationTime"), map(n.get("tags")));
    }

    private static ObjectNode dataCapture(DataCaptureConfig d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("enableCapture", d.enableCapture());
        n.put("initialSamplingPercentage", d.initialSamplingPercentage());
        n.put("destinationS3Uri", d.destinationS3Uri());
        putNullable(n, "kmsKeyId", d.kmsKeyId());
        strings(n.putArray("captureModes"), d.captureModes());
        if (d.csvContentTypes() != null) {
            strings(n.putArray("csvContentTypes"), d.csvContentTypes());
        }
        if (d.jsonContentTypes() != null) {
            strings(n.putArray("jsonContentTypes"), d.jsonContentTypes());
        }
        return n;
    }

    private static DataCaptureConfig dataCapture(JsonNode n) {
        return new DataCaptureConfig(bool(n, "enableCapture"), integer(n, "initialSamplingPercentage"),
                text(n, "destinationS3Uri"), nullableText(n, "kmsKeyId"), strings(n.get("captureModes")),
                n.has("csvContentTypes") ? strings(n.get("csvContentTypes")) : null,
                n.has("jsonContentTypes") ? strings(n.get("jsonContentTypes")) : null);
    }

    // endpoints

    private static ObjectNode endpoint(SageMakerEndpoint e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", e.name());
        n.put("arn", e.arn());
        n.put("accountId", e.accountId());
        n.put("status", e.status().wireName());
        putNullable(n, "failureReason", e.failureReason());
        n.set("current", plan(e.current()));
        if (e.pending() != null) {
            n.set("pending", plan(e.pending()));
            n.put("pendingSince", e.pendingSince().toString());
        }
        n.put("creationTime", e.creationTime().toString());
        n.put("lastModifiedTime", e.lastModifiedTime().toString());
        n.set("tags", map(e.tags()));
        return n;
    }

    private static SageMakerEndpoint endpoint(JsonNode n) {
        String status = text(n, "status");
        JsonNode pending = n.get("pending");
        return new SageMakerEndpoint(text(n, "name"), text(n, "arn"), text(n, "accountId"),
                EndpointStatus.fromWire(status)
                        .orElseThrow(() -> new IllegalArgumentException("unknown endpoint status " + status)),
                nullableText(n, "failureReason"), plan(n.get("current")),
                pending == null || pending.isNull() ? null : plan(pending),
                pending == null || pending.isNull() ? null : instant(n, "pendingSince"),
                instant(n, "creationTime"), instant(n, "lastModifiedTime"), map(n.get("tags")));
    }

    private static ObjectNode plan(DeploymentPlan p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("endpointName", p.endpointName());
        n.put("endpointArn", p.endpointArn());
        n.put("accountId", p.accountId());
        n.put("endpointConfigName", p.endpointConfigName());
        putNullable(n, "kmsKeyId", p.kmsKeyId());
        if (p.dataCapture() != null) {
            n.set("dataCapture", dataCapture(p.dataCapture()));
        }
        ArrayNode variants = n.putArray("variants");
        for (DeploymentPlan.Variant v : p.variants()) {
            ObjectNode vn = variants.addObject();
            vn.put("variantName", v.variantName());
            vn.put("weight", v.weight());
            vn.put("instanceCount", v.instanceCount());
            putNullable(vn, "instanceType", v.instanceType());
            vn.put("modelName", v.modelName());
            vn.put("modelArn", v.modelArn());
            ArrayNode containers = vn.putArray("containers");
            v.containers().forEach(c -> containers.add(container(c)));
            vn.put("pipeline", v.pipeline());
            putNullable(vn, "executionRoleArn", v.executionRoleArn());
            vn.put("networkIsolation", v.networkIsolation());
        }
        if (!p.configTags().isEmpty()) {
            n.set("configTags", map(p.configTags()));
        }
        return n;
    }

    private static DeploymentPlan plan(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("an endpoint has no deployment");
        }
        List<DeploymentPlan.Variant> variants = new ArrayList<>();
        for (JsonNode v : array(n, "variants")) {
            List<ContainerDefinition> containers = new ArrayList<>();
            for (JsonNode c : array(v, "containers")) {
                containers.add(container(c));
            }
            variants.add(new DeploymentPlan.Variant(text(v, "variantName"), number(v, "weight"),
                    integer(v, "instanceCount"), nullableText(v, "instanceType"), text(v, "modelName"),
                    text(v, "modelArn"), containers, bool(v, "pipeline"), nullableText(v, "executionRoleArn"),
                    bool(v, "networkIsolation")));
        }
        JsonNode capture = n.get("dataCapture");
        return new DeploymentPlan(text(n, "endpointName"), text(n, "endpointArn"), text(n, "accountId"),
                text(n, "endpointConfigName"), nullableText(n, "kmsKeyId"),
                capture == null || capture.isNull() ? null : dataCapture(capture), variants, map(n.get("configTags")));
    }

    // helpers

    private static void putNullable(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    private static ObjectNode map(Map<String, String> m) {
        ObjectNode n = JSON.createObjectNode();
        m.forEach(n::put);
        return n;
    }

    private static Map<String, String> map(JsonNode n) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isString()) {
                throw new IllegalArgumentException("map values must be strings");
            }
            m.put(e.getKey(), e.getValue().stringValue());
        }
        return m;
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode n) {
        if (n == null || !n.isArray()) {
            throw new IllegalArgumentException("expected an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : n) {
            if (!s.isString()) {
                throw new IllegalArgumentException("expected an array of strings");
            }
            out.add(s.stringValue());
        }
        return out;
    }
}
