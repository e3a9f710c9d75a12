package io.mlgate.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.AuditLog;
import io.mlgate.audit.EventData;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.kms.api.KmsDataKeys;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.artifact.ArtifactHeader;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.kms.artifact.ModelSource;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.runtime.ArtifactEndpoint;
import io.mlgate.runtime.ArtifactEndpoints;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.EndpointUnavailableException;
import io.mlgate.runtime.ExecutionRole;
import io.mlgate.runtime.ExecutionRoleKeys;
import io.mlgate.runtime.ModelDescriptor;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.runtime.store.ModelStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The endpoints this gateway serves. At start it makes sure the demo model is packaged in the model store as an
 * encrypted artifact under the KMS key {@value #MODEL_KEY_ALIAS} (created if absent, as the account root; the ONNX
 * file shipped in the jar is streamed into the artifact, never written in plaintext), then loads each endpoint's
 * model through KMS Decrypt as its execution role. A daemon thread re-checks the model keys every interval
 * (crypto-shredding, {@link ArtifactEndpoints}); each availability transition is an audit event.
 */
public final class EndpointCatalog {

    /** The alias of the KMS key the demo model is packaged under. */
    public static final String MODEL_KEY_ALIAS = "alias/mlgate/models";
    /** The execution role of the demo endpoint. */
    public static final String DEMO_EXECUTION_ROLE = "demo-inference";
    public static final String UNAVAILABLE_EVENT = "EndpointModelKeyUnavailable";
    public static final String RESTORED_EVENT = "EndpointModelKeyRestored";

    private static final Log LOG = LogFactory.getLog(EndpointCatalog.class);

    private final EndpointRegistry registry;
    private final ArtifactEndpoints endpoints;
    private final ScheduledExecutorService timer;

    private EndpointCatalog(EndpointRegistry registry, ArtifactEndpoints endpoints, ScheduledExecutorService timer) {
        this.registry = registry;
        this.endpoints = endpoints;
        this.timer = timer;
    }

    /**
     * Packages the demo model if needed, loads the {@code iris} endpoint as role {@value #DEMO_EXECUTION_ROLE} and
     * starts the key re-check every {@code recheckInterval} (zero or negative: never).
     */
    public static EndpointCatalog withDemoEndpoints(ModelStore store, KmsService kms,
                                                    Supplier<IamConfiguration> iam, AuditLog audit, Clock clock,
                                                    String accountId, String region, Duration recheckInterval)
            throws IOException {
        if (!store.contains(DemoEndpoints.IRIS)) {
            packageDemoModel(store, kms, accountId);
        }
        EndpointRegistry registry = new EndpointRegistry(accountId);
        ArtifactEndpoints endpoints = new ArtifactEndpoints(registry, store,
                new AuditedKeyEvents(audit, clock, region, accountId));
        String roleArn = iam.get().roleByName(accountId, DEMO_EXECUTION_ROLE).map(IamRole::arn)
                .orElse("arn:aws:iam::" + accountId + ":role/" + DEMO_EXECUTION_ROLE);
        ExecutionRoleKeys roleKeys = new ExecutionRoleKeys(kms, new ExecutionRole(roleArn, iam));
        endpoints.add(new ArtifactEndpoint(DemoEndpoints.IRIS, DemoEndpoints.IRIS,
                ArtifactEndpoint.contextFor(DemoEndpoints.IRIS), roleKeys,
                decrypted -> DemoEndpoints.iris(decrypted, accountId)));

        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mlgate-key-recheck");
            thread.setDaemon(true);
            return thread;
        });
        if (!recheckInterval.isZero() && !recheckInterval.isNegative()) {
            long millis = Math.max(1, recheckInterval.toMillis());
            timer.scheduleWithFixedDelay(() -> {
                try {
                    endpoints.recheck();
                } catch (RuntimeException e) {
                    LOG.warn("model key re-check failed: " + e.getClass().getSimpleName());
                }
            }, millis, millis, TimeUnit.MILLISECONDS);
        }
        return new EndpointCatalog(registry, endpoints, timer);
    }

    /**
     * Puts the shipped demo models into the uploaded models under {@value #MODEL_KEY_ALIAS}, as the root, unless
     * they are there: {@code iris} and the A/B demo's weaker {@code iris-b} (ModelDataUrl
     * {@code s3://mlgate-models/iris}, {@code s3://mlgate-models/iris-b}), the models a SageMaker CreateModel of
     * the demo names.
     */
    public static void ensureDemoUpload(UploadedModels models, KmsService kms, String accountId) throws IOException {
        PrincipalContext root = PrincipalContext.builder("arn:aws:iam::" + accountId + ":root", accountId,
                PrincipalType.ACCOUNT).userId(accountId).build();
        RequestContext context = RequestContext.builder().build();
        for (String name : DemoEndpoints.UPLOADS) {
            if (models.contains(name)) {
                continue;
            }
            String keyArn = ensureModelKey(kms, root, context);
            ModelDescriptor descriptor = DemoEndpoints.descriptor(name);
            byte[] onnx = DemoEndpoints.classpathArtifacts().load(descriptor.artifact());
            try {
                models.upload(name, onnx, descriptor, new ModelArtifacts(new KmsDataKeys(kms, root, context)),
                        keyArn);
            } finally {
                java.util.Arrays.fill(onnx, (byte) 0);
            }
            LOG.info("put the demo model into the model store as " + UploadedModels.urlOf(name));
        }
    }

    /** Creates the model key if absent and packages the shipped iris model into the store under it, as the root. */
    private static void packageDemoModel(ModelStore store, KmsService kms, String accountId) throws IOException {
        PrincipalContext root = PrincipalContext.builder("arn:aws:iam::" + accountId + ":root", accountId,
                PrincipalType.ACCOUNT).userId(accountId).build();
        RequestContext context = RequestContext.builder().build();
        String keyArn = ensureModelKey(kms, root, context);
        ModelSource shipped = () -> {
            InputStream in = EndpointCatalog.class.getResourceAsStream("/demo/iris.onnx");
            if (in == null) {
                throw new IOException("the demo model demo/iris.onnx is missing from the classpath");
            }
            return in;
        };
        ArtifactHeader header = store.put(DemoEndpoints.IRIS, shipped,
                new ModelArtifacts(new KmsDataKeys(kms, root, context)), keyArn,
                ArtifactEndpoint.contextFor(DemoEndpoints.IRIS));
        LOG.info("packaged the demo model into " + store.file(DemoEndpoints.IRIS) + " under " + header.keyId()
                + " with encryption context " + header.encryptionContext());
    }

    private static String ensureModelKey(KmsService kms, PrincipalContext root, RequestContext context)
            throws IOException {
        return ensureKey(kms, root, context, MODEL_KEY_ALIAS,
                "mlgate model artifacts (created by the gateway for the demo endpoint)", "the model artifacts");
    }

    /**
     * The ARN of the key {@code alias} names in the account, created (with the default key policy, which leaves
     * access to IAM policies) and aliased as the account root if absent.
     */
    public static String ensureAccountKey(KmsService kms, String accountId, String alias, String description,
                                          String purpose) throws IOException {
        PrincipalContext root = PrincipalContext.builder("arn:aws:iam::" + accountId + ":root", accountId,
                PrincipalType.ACCOUNT).userId(accountId).build();
        return ensureKey(kms, root, RequestContext.builder().build(), alias, description, purpose);
    }

    private static String ensureKey(KmsService kms, PrincipalContext root, RequestContext context, String alias,
                                    String description, String purpose) throws IOException {
        try {
            try {
                JsonNode described = kms.invoke("DescribeKey", JsonBodies.object().put("KeyId", alias),
                        root, context);
                return described.path("KeyMetadata").path("Arn").asString();
            } catch (JsonServiceException e) {
                if (!"NotFoundException".equals(e.code())) {
                    throw e;
                }
            }
            JsonNode created = kms.invoke("CreateKey", JsonBodies.object().put("Description", description),
                    root, context);
            String keyArn = created.path("KeyMetadata").path("Arn").asString();
            kms.invoke("CreateAlias", JsonBodies.object().put("AliasName", alias)
                    .put("TargetKeyId", keyArn), root, context);
            LOG.info("created the KMS key " + keyArn + " (" + alias + ") for " + purpose);
            return keyArn;
        } catch (JsonServiceException e) {
            throw new IOException("cannot prepare the key " + alias + ": " + e.code() + ": " + e.getMessage(), e);
        }
    }

    public EndpointRegistry registry() {
        return registry;
    }

    /** The endpoints loaded from artifacts, for re-checks on demand. */
    public ArtifactEndpoints artifactEndpoints() {
        return endpoints;
    }

    public void closeAll() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        endpoints.close();
    }

    /** Writes each availability transition as an AWS_SERVICE_EVENT, like the policy reloader's events. */
    private record AuditedKeyEvents(AuditLog audit, Clock clock, String region, String accountId)
            implements ArtifactEndpoints.KeyEvents {

        @Override
        public void unavailable(ArtifactEndpoint endpoint, EndpointUnavailableException reason) {
            EventData details = details(endpoint, reason.keyArn())
                    .put("keyServiceErrorCode", reason.keyServiceErrorCode()).build();
            append(UNAVAILABLE_EVENT, details, reason.keyServiceErrorCode(), reason.getMessage());
        }

        @Override
        public void restored(ArtifactEndpoint endpoint, String keyArn) {
            LOG.info("endpoint " + endpoint.name() + " serves again: its model key " + keyArn + " is usable");
            append(RESTORED_EVENT, details(endpoint, keyArn).build(), null, null);
        }

        private static EventData.Builder details(ArtifactEndpoint endpoint, String keyArn) {
            EventData.Builder b = EventData.builder().put("endpointName", endpoint.name())
                    .put("modelName", endpoint.modelName()).put("keyId", keyArn);
            if (endpoint.dataKeys() instanceof ExecutionRoleKeys roleKeys) {
                b.put("executionRoleArn", roleKeys.role().roleArn());
            }
            return b;
        }

        private void append(String name, EventData details, String errorCode, String errorMessage) {
            AuditEvent.Builder event = AuditEvent.serviceEvent(name, clock.instant(), region, accountId)
                    .additionalEventData(details);
            if (errorCode != null) {
                event.error(errorCode, errorMessage);
            }
            audit.append(event.build()).exceptionally(e -> {
                LOG.error("audit append failed for " + name + " (" + e.getClass().getSimpleName() + ")");
                return null;
            });
        }
    }
}
