package io.mlgate.gateway;

import io.mlgate.audit.AuditLog;
import io.mlgate.audit.api.CloudTrailService;
import io.mlgate.audit.index.EventIndex;
import io.mlgate.audit.integrity.AuditSigningKeys;
import io.mlgate.audit.integrity.RetentionPolicy;
import io.mlgate.audit.AuditLogSettings;
import io.mlgate.audit.Durability;
import io.mlgate.auth.sigv4.SigV4Policy;
import io.mlgate.auth.sigv4.SigV4Verifier;
import io.mlgate.auth.sigv4.SigningSecret;
import io.mlgate.credentials.AccessKeyStore;
import io.mlgate.credentials.StoredAccessKey;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.admin.IamAdministration;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.admin.IamQueryService;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.sim.SimulationQueryService;
import io.mlgate.auth.sigv4.SigV4Exception;
import io.mlgate.auth.sigv4.SigV4Failure;
import io.mlgate.sts.SessionPrincipals;
import io.mlgate.sts.SessionTokenKeys;
import io.mlgate.sts.SessionTokens;
import io.mlgate.sts.StsQueryService;
import io.mlgate.sts.TokenCheck;
import io.mlgate.sts.mfa.MfaQueryService;
import io.mlgate.sts.mfa.VirtualMfaDevices;
import io.mlgate.sts.oidc.WebIdentityTokenValidator;
import io.mlgate.iam.validate.ValidatedConfiguration;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.kms.api.KmsKeyStore;
import io.mlgate.kms.api.KmsService;
import io.mlgate.runtime.EmbeddedEndpointRuntime;
import io.mlgate.runtime.ExecutionRole;
import io.mlgate.runtime.ExecutionRoleKeys;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.runtime.capture.CaptureRedaction;
import io.mlgate.runtime.capture.DataCapture;
import io.mlgate.runtime.capture.KmsCaptureKeys;
import io.mlgate.sagemaker.SageMakerService;
import io.mlgate.sagemaker.SageMakerState;
import io.mlgate.kms.Keystore;
import io.mlgate.kms.RootKey;
import io.mlgate.pii.Detector;
import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.Redactor;
import io.mlgate.kms.root.RootKeySettings;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.InferenceService;
import io.mlgate.protocol.json.JsonRouter;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.query.QueryRouter;
import io.mlgate.protocol.query.QueryService;
import io.mlgate.runtime.store.ModelStore;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlgate.runtime.ProductionVariant;
import io.mlgate.runtime.VariantInstances;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Wires the plain-Java cores (keys, IAM, SigV4, audit, model store, runtime) and the gateway stages that use them.
 * Everything the hot path needs is built here once: no stage parses configuration per request.
 */
@Configuration(proxyBeanMethods = false)
public class CoreConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    RequestTime requestTime(Clock clock) {
        return new RequestTime(clock);
    }

    /**
     * The root of trust, from the protector the MLGATE_ROOT_* environment selects (docs/key-custody.md): a key file
     * (the zero-configuration demo), an Argon2id passphrase, or a PKCS#11 token; an interrupted
     * {@code kms rotate-root} is finished (or discarded) first.
     */
    @Bean
    RootKey rootKey(GatewayProperties properties) throws IOException {
        return RootKey.unlock(RootKeySettings.fromEnvironment(System::getenv), properties.keysDir());
    }

    @Bean
    Keystore keystore(GatewayProperties properties, RootKey rootKey) throws IOException {
        return Keystore.open(properties.keysDir(), rootKey);
    }

    @Bean
    AccessKeyStore accessKeyStore(GatewayProperties properties, RootKey rootKey) throws IOException {
        return AccessKeyStore.open(properties.keysDir(), rootKey);
    }

    @Bean
    IamConfiguration iamConfiguration(GatewayProperties properties) {
        try {
            return ValidatedConfiguration.load(properties.policiesDir()).configuration();
        } catch (ConfigurationException e) {
            throw new IllegalStateException("the IAM configuration in " + properties.policiesDir()
                    + " is invalid:\n" + e.getMessage(), e);
        }
    }

    @Bean
    HostingAccount hostingAccount(IamConfiguration iam) {
        return HostingAccount.of(iam);
    }

    @Bean
    PrincipalDirectory principalDirectory(IamConfiguration iam) {
        return new PrincipalDirectory(iam);
    }

    /**
     * The OPA guardrails of policies/opa/ (and the external OPA server of {@code mlgate.opa.url}), loaded once at
     * start: an invalid folder stops the start; later changes are reloaded with the IAM files.
     */
    @Bean(destroyMethod = "close")
    io.mlgate.iam.guardrail.GuardrailSet guardrails(GatewayProperties properties, OpaProperties opa) {
        if (!opa.enabled()) {
            return io.mlgate.iam.guardrail.GuardrailSet.disabled();
        }
        try {
            return io.mlgate.iam.guardrail.GuardrailSet.load(properties.policiesDir(), opa.settings());
        } catch (io.mlgate.iam.guardrail.GuardrailConfigurationException e) {
            throw new IllegalStateException("the OPA guardrails in " + properties.policiesDir().resolve(
                    io.mlgate.iam.guardrail.GuardrailSet.DIRECTORY) + " are invalid:\n  "
                    + String.join("\n  ", e.problems()), e);
        }
    }

    @Bean(destroyMethod = "close")
    PolicyReloader policyReloader(GatewayProperties properties, PrincipalDirectory principals, AuditLog audit,
                                  HostingAccount account, Clock clock,
                                  io.mlgate.iam.guardrail.GuardrailSet guardrails) throws IOException {
        return new PolicyReloader(properties.policiesDir(), principals, audit, properties.region(), account.id(),
                clock, properties.policiesReloadInterval(), guardrails);
    }

    @Bean
    PolicyEvaluator policyEvaluator() {
        return new PolicyEvaluator();
    }

    // ---- temporary credentials (STS) ----

    @Bean(destroyMethod = "close")
    SessionKeyRotation sessionKeyRotation(GatewayProperties properties, RootKey rootKey, Clock clock)
            throws IOException {
        return SessionKeyRotation.start(SessionTokenKeys.loadOrCreate(properties.keysDir(), rootKey, clock,
                SessionTokenKeys.DEFAULT_ROTATION));
    }

    @Bean
    SessionTokens sessionTokens(SessionKeyRotation rotation) {
        return new SessionTokens(rotation.keys());
    }

    @Bean
    SessionPrincipals sessionPrincipals(PrincipalDirectory principals) {
        return new SessionPrincipals(principals::configuration);
    }

    @Bean
    VirtualMfaDevices virtualMfaDevices(GatewayProperties properties, RootKey rootKey, Clock clock)
            throws IOException {
        return VirtualMfaDevices.open(properties.keysDir(), rootKey, clock, "mlgate");
    }

    @Bean
    StsQueryService stsQueryService(PrincipalDirectory principals, SessionTokens tokens, SessionPrincipals sessions,
                                    VirtualMfaDevices mfa, PolicyReloader reloader, PolicyEvaluator evaluator,
                                    Clock clock) {
        return new StsQueryService(principals::configuration, tokens, sessions, mfa,
                new WebIdentityTokenValidator(reloader::oidcProviders, clock), evaluator, clock);
    }

    @Bean
    SigV4Verifier sigV4Verifier(GatewayProperties properties, AccessKeyStore accessKeys, SessionTokens sessions,
                                Clock clock) {
        SigV4Policy policy = SigV4Policy.builder()
                .allowedRegions(Set.of(properties.region()))
                .maxClockSkew(properties.clockSkew())
                .clock(clock)
                .build();
        return new SigV4Verifier(policy, (accessKeyId, sessionToken) -> {
            if (sessionToken == null) {
                return accessKeys.find(accessKeyId)
                        .filter(StoredAccessKey::isActive)
                        .map(key -> SigningSecret.of(key.secretAccessKey(), key.userArn()));
            }
            // temporary credentials: the sealed token carries the secret and the session (no shared state);
            // a long-term key with a token, a bit-flipped token or another key's token is simply unknown
            TokenCheck check = sessions.open(accessKeyId, sessionToken, clock.instant());
            return switch (check.outcome()) {
                case VALID -> Optional.of(SigningSecret.of(check.claims().secretAccessKey().toCharArray(),
                        check.claims()));
                case EXPIRED -> throw new SigV4Exception(SigV4Failure.EXPIRED_TOKEN, check.errorMessage());
                case INVALID -> Optional.empty();
            };
        });
    }

    @Bean(destroyMethod = "close")
    AuditLog auditLog(GatewayProperties properties, Clock clock, HostingAccount account) throws IOException {
        Durability durability = "batched".equalsIgnoreCase(properties.auditSync())
                ? Durability.batched(properties.auditBatchDelay()) : Durability.strict();
        return AuditLog.open(properties.auditDir(), AuditLogSettings.builder()
                .durability(durability)
                .maxSegmentBytes(properties.auditSegmentSize())
                .rollInterval(properties.auditRollInterval())
                .clock(clock)
                .region(properties.region())
                .accountId(account.id())
                .build());
    }

    @Bean
    AuditSigningKeys auditSigningKeys(GatewayProperties properties, RootKey rootKey, Clock clock) throws IOException {
        return AuditSigningKeys.loadOrCreate(properties.keysDir(), rootKey, clock);
    }

    @Bean(destroyMethod = "close")
    AuditTrailKeeper auditTrailKeeper(AuditLog log, AuditSigningKeys keys, HostingAccount account,
                                      GatewayProperties properties, Clock clock) throws IOException {
        RetentionPolicy retention = properties.auditRetention() == null ? null
                : properties.auditRetentionAction().equals("delete")
                ? RetentionPolicy.deleteOlderThan(properties.auditRetention())
                : RetentionPolicy.archiveOlderThan(properties.auditRetention(), properties.auditArchiveDir());
        return new AuditTrailKeeper(log, keys, account.id(), properties.region(), clock,
                properties.auditDigestPeriod(), retention);
    }

    @Bean(destroyMethod = "close")
    EventIndex eventIndex(GatewayProperties properties) throws IOException {
        return EventIndex.open(properties.auditDir());
    }

    @Bean
    CloudTrailService cloudTrailService(EventIndex index, Clock clock, GatewayProperties properties) {
        return new CloudTrailService(index, clock, properties.auditLookupDataEvents());
    }

    @Bean
    AuditControlService auditControlService(AuditTrailKeeper keeper, AuditLog log, GatewayProperties properties,
                                            HostingAccount account, Clock clock) {
        return new AuditControlService(keeper, log, properties.region(), account.id(), clock);
    }

    @Bean
    AuditRecorder auditRecorder(AuditLog log, GatewayProperties properties, Clock clock,
                                PrincipalDirectory principals) {
        return new AuditRecorder(log, properties.region(), clock, arn -> principals.configuration().user(arn)
                .map(IamUser::userId).orElse(null));
    }

    @Bean
    ModelStore modelStore(GatewayProperties properties) throws IOException {
        return new ModelStore(properties.dataDir());
    }

    /** The demo endpoint, loaded through KMS Decrypt as its execution role; model keys re-checked on a daemon thread. */
    @Bean(destroyMethod = "closeAll")
    EndpointCatalog endpointCatalog(ModelStore store, KmsService kms, PrincipalDirectory principals, AuditLog audit,
                                    Clock clock, HostingAccount account, GatewayProperties properties)
            throws IOException {
        return EndpointCatalog.withDemoEndpoints(store, kms, principals::configuration, audit, clock, account.id(),
                properties.region(), properties.keyRecheckInterval());
    }

    @Bean
    InferenceService inferenceService(EndpointCatalog catalog) {
        return new InferenceService(catalog.registry());
    }

    // ---- SageMaker hosting: control plane and the embedded runtime it deploys to ----

    /** Models uploaded with {@code mlgate model upload} ({@code data/models/uploaded}); the demo's iris model too. */
    @Bean
    UploadedModels uploadedModels(ModelStore store, KmsService kms, HostingAccount account) throws IOException {
        UploadedModels models = new UploadedModels(store);
        EndpointCatalog.ensureDemoUpload(models, kms, account.id());
        return models;
    }

    /**
     * The redaction data capture applies, on its writer thread, to every captured payload before it is written:
     * the endpoint's PII policy ({@link PiiInspector#forCapture}: redacted in every mode but off; a scan that fails
     * drops the record). The inspector is looked up at the first record, not here: it depends on the control plane,
     * which depends on the runtime, which depends on data capture.
     */
    @Bean
    CaptureRedaction captureRedaction(ObjectProvider<PiiInspector> inspector, HostingAccount account) {
        return (endpointName, payload, contentType) -> inspector.getObject().forCapture(account.id(), endpointName,
                payload, contentType);
    }

    /**
     * SageMaker data capture of InvokeEndpoint calls into {@code data/capture} ({@code s3://mlgate-capture/...}),
     * written by its own thread: each payload through {@link #captureRedaction()}, each file encrypted under a data
     * key generated by the gateway's KMS as the endpoint's execution role, under the configuration's KmsKeyId or
     * {@code mlgate.capture.kms-key-id} ({@value CaptureProperties#DEFAULT_KEY_ALIAS}, created here as the account
     * root if that alias is the default and absent). Closed after the runtime (which depends on it), so queued
     * records are written. Its counts are
     * {@code mlgate_capture_records_total{outcome=written|dropped|failed|redaction_failed}} and
     * {@code mlgate_capture_queued_records}.
     */
    @Bean(destroyMethod = "close")
    DataCapture dataCapture(GatewayProperties properties, CaptureProperties captureProperties,
                            PrometheusMeterRegistry metrics, KmsService kms, PrincipalDirectory principals,
                            HostingAccount account, CaptureRedaction redaction) throws IOException {
        if (captureProperties.kmsKeyId().equals(CaptureProperties.DEFAULT_KEY_ALIAS)) {
            EndpointCatalog.ensureAccountKey(kms, account.id(), CaptureProperties.DEFAULT_KEY_ALIAS,
                    "mlgate data capture files (created by the gateway as the default capture key)",
                    "data capture files");
        }
        KmsCaptureKeys keys = new KmsCaptureKeys(kms,
                roleArn -> new ExecutionRole(roleArn, principals::configuration).principal());
        DataCapture capture = DataCapture.start(properties.dataDir().resolve("capture"), keys,
                captureProperties.rolling(), redaction, captureProperties.kmsKeyId());
        io.mlgate.runtime.capture.CaptureWriter writer = capture.writer();
        java.util.Map<String, java.util.function.ToDoubleFunction<io.mlgate.runtime.capture.CaptureWriter>> outcomes =
                java.util.Map.of("written", w -> w.written(), "dropped", w -> w.dropped(), "failed", w -> w.failed(),
                        "redaction_failed", w -> w.redactionFailed());
        outcomes.forEach((outcome, count) -> io.micrometer.core.instrument.FunctionCounter
                .builder("mlgate.capture.records", writer, count).tag("outcome", outcome)
                .description("InvokeEndpoint calls captured, by what became of the record").register(metrics));
        io.micrometer.core.instrument.Gauge.builder("mlgate.capture.queued.records", writer, w -> w.queued())
                .description("capture records waiting for the writer").register(metrics);
        return capture;
    }

    /**
     * Serves the control plane's endpoints in the same registry as the demo endpoint (whose name it reserves); with
     * {@code mlgate.cluster.enabled=true} the variants that are not multi-model run on runtime nodes.
     */
    @Bean(destroyMethod = "close")
    EmbeddedEndpointRuntime endpointRuntime(EndpointCatalog catalog, UploadedModels models, KmsService kms,
                                            PrincipalDirectory principals, HostingProperties hosting,
                                            DataCapture capture,
                                            ObjectProvider<io.mlgate.cluster.gateway.ClusterGateway> cluster) {
        io.mlgate.cluster.gateway.ClusterGateway nodes = cluster.getIfAvailable();
        return new EmbeddedEndpointRuntime(catalog.registry(), models,
                roleArn -> new ExecutionRoleKeys(kms, new ExecutionRole(roleArn, principals::configuration)),
                java.util.Set.copyOf(catalog.artifactEndpoints().names()), hosting.settings(), capture,
                nodes == null ? null : nodes.placement());
    }

    /** The SageMaker control plane's models, configurations and endpoints ({@code data/sagemaker/state.json}). */
    @Bean
    SageMakerState sageMakerState(GatewayProperties properties) throws IOException {
        return SageMakerState.open(properties.dataDir());
    }

    /** The SageMaker control plane ({@code SageMaker.*}). */
    @Bean
    SageMakerService sageMakerService(SageMakerState state, GatewayProperties properties, HostingProperties hosting,
                                      EmbeddedEndpointRuntime runtime, Clock clock, PolicyEvaluator evaluator) {
        return SageMakerService.start(state, runtime, clock, properties.region(),
                io.mlgate.sagemaker.SageMakerLimits.defaults(), hosting.guardrail(), new IamRolePassing(evaluator));
    }

    /**
     * The instance count of a served variant for InvocationsPerInstance: its workers now (1 for the built-in demo
     * endpoint, which runs inline); answered from the registry's maps and a volatile field, never blocking.
     */
    @Bean
    VariantInstances variantInstances(EndpointCatalog catalog) {
        return (endpoint, variant) -> catalog.registry().find(endpoint).flatMap(e -> e.variant(variant))
                .map(ProductionVariant::instanceCount).orElse(1);
    }

    @Bean(destroyMethod = "dispose")
    Scheduler inferenceScheduler(GatewayProperties properties) {
        if ("event-loop".equalsIgnoreCase(properties.inferenceScheduler())) {
            return Schedulers.immediate();
        }
        return Schedulers.newParallel("mlgate-inference", properties.inferenceThreads(), true);
    }

    // ---- the stages of the request path, in order ----

    @Bean
    ApiCallDecoder apiCallDecoder(GatewayProperties properties, HostingAccount account, QueryCallResolver queries,
                                  JsonCallResolver jsons) {
        return new ApiCallDecoder(properties.region(), account.id(), properties.maxInvokeBody(),
                queries.maxBodyBytes(), jsons.router());
    }

    // ---- KMS ----

    @Bean
    KmsKeyStore kmsKeyStore(GatewayProperties properties, RootKey rootKey) throws IOException {
        return KmsKeyStore.open(properties.keysDir(), rootKey);
    }

    /** The KMS API (TrentService.*): key policies, grants and IAM decided together inside the service. */
    @Bean
    KmsService kmsService(KmsKeyStore store, PolicyEvaluator evaluator, Clock clock, GatewayProperties properties,
                          PrincipalDirectory principals) {
        return new KmsService(store, evaluator, clock, properties.region(),
                account -> principals.configuration().resourceControlPolicies(account));
    }

    /** The JSON 1.1 services (KMS, ...), routed by {@code X-Amz-Target}. */
    @Bean
    JsonCallResolver jsonCallResolver(ObjectProvider<JsonService> services) {
        return new JsonCallResolver(new JsonRouter(services.orderedStream().toList()));
    }

    @Bean
    JsonHandler jsonHandler(GatewayProperties properties, RequestTime time) {
        return new JsonHandler(Schedulers.boundedElastic(), properties.region(), time);
    }

    /** IAM management over the wire: writes policies/ (the source of truth) and swaps the result in at once. */
    @Bean
    IamAdministration iamAdministration(GatewayProperties properties, AccessKeyStore accessKeys, Clock clock,
                                        PrincipalDirectory principals, PolicyReloader reloader) {
        return new IamAdministration(properties.policiesDir(), accessKeys, clock, principals::configuration,
                reloader::applied);
    }

    @Bean
    IamQueryService iamQueryService(IamAdministration administration) {
        return new IamQueryService(administration);
    }

    /** Virtual MFA devices over the IAM API (CreateVirtualMFADevice, EnableMFADevice, ListMFADevices, ...). */
    @Bean
    MfaQueryService mfaQueryService(VirtualMfaDevices devices, PrincipalDirectory principals) {
        return new MfaQueryService(devices, principals::configuration);
    }

    /** iam:SimulateCustomPolicy and iam:SimulatePrincipalPolicy over the live configuration. */
    @Bean
    SimulationQueryService simulationQueryService(PrincipalDirectory principals) {
        return new SimulationQueryService(principals::configuration);
    }

    /** The query-protocol services (IAM, STS), routed by {@code Action} and {@code Version}. */
    @Bean
    QueryRouter queryRouter(ObjectProvider<QueryService> services) {
        return new QueryRouter(services.orderedStream().toList());
    }

    @Bean
    QueryCallResolver queryCallResolver(QueryRouter router) {
        return new QueryCallResolver(router);
    }

    @Bean
    CallLifecycleFilter callLifecycleFilter(ApiCallDecoder decoder, AuditRecorder audit, RequestTime time,
                                            EndpointMetrics metrics, NetworkSources sources) {
        return new CallLifecycleFilter(decoder, audit, time, metrics, sources);
    }

    @Bean
    SigV4AuthenticationFilter sigV4AuthenticationFilter(SigV4Verifier verifier, PrincipalDirectory principals,
                                                        QueryCallResolver queries, SessionPrincipals sessions,
                                                        BearerTokenAuthenticator bearers, JsonCallResolver jsons) {
        return new SigV4AuthenticationFilter(verifier, principals, queries, sessions, bearers, jsons);
    }

    /** {@code Authorization: Bearer <OIDC ID token>} on InvokeEndpoint: off unless mlgate.bearer-role-arn is set. */
    @Bean
    BearerTokenAuthenticator bearerTokenAuthenticator(GatewayProperties properties, StsQueryService sts,
                                                      SessionPrincipals sessions, RequestTime time) {
        return new BearerTokenAuthenticator(properties.bearerRoleArn(), sts, sessions, properties.region(), time,
                Schedulers.boundedElastic());
    }

    /**
     * The PII scanner, compiled once from {@code mlgate.pii.*}; detector plug-ins are any {@link Detector} beans.
     * A configuration that does not compile stops the start (never a gateway without its PII layer).
     */
    @Bean
    PiiScanner piiScanner(PiiProperties pii, ObjectProvider<Detector> plugins) {
        return PiiScanner.of(pii.detectorSettings(), plugins.orderedStream().toList());
    }

    @Bean
    PiiInspector piiInspector(PiiProperties pii, PiiScanner scanner, GatewayProperties properties, RootKey rootKey,
                              SageMakerService sageMaker, Scheduler inferenceScheduler) throws IOException {
        byte[] key = PiiTokenizationKey.loadOrCreate(properties.keysDir(), rootKey);
        Redactor redactor = new Redactor(key);
        java.util.Arrays.fill(key, (byte) 0);
        EndpointPiiPolicies policies = new EndpointPiiPolicies(pii.defaultPolicy(), pii.endpointPolicies(),
                sageMaker);
        return new PiiInspector(scanner, redactor, policies, pii.scanTimeout(), pii.scanTimeoutPerMib(),
                inferenceScheduler);
    }

    @Bean
    IamAuthorizationManager iamAuthorizationManager(PolicyEvaluator evaluator, GatewayProperties properties,
                                                    RequestTime time, PrincipalDirectory principals,
                                                    SageMakerService sageMaker, PiiInspector pii,
                                                    NetworkSources sources, HostingAccount account,
                                                    io.mlgate.iam.guardrail.GuardrailSet guardrails) {
        return new IamAuthorizationManager(evaluator, properties.region(), time, principals, sageMaker, pii, sources,
                account.id(), guardrails);
    }

    @Bean
    InvokeEndpointHandler invokeEndpointHandler(InferenceService inference, Scheduler inferenceScheduler,
                                                DataCapture capture, PiiInspector pii) {
        return new InvokeEndpointHandler(inference, inferenceScheduler, capture, pii);
    }

    @Bean
    QueryHandler queryHandler(GatewayProperties properties, RequestTime time) {
        // management calls write files with fsync: a bounded elastic pool, never the event loop
        return new QueryHandler(Schedulers.boundedElastic(), properties.region(), time);
    }

    @Bean
    OperationDispatcher operationDispatcher(InvokeEndpointHandler invokeEndpoint, QueryHandler queries,
                                            JsonHandler jsons) {
        return new OperationDispatcher(invokeEndpoint, queries, jsons);
    }

    @Bean
    GatewayExceptionHandler gatewayExceptionHandler() {
        return new GatewayExceptionHandler();
    }

    // ---- metrics (docs/operations.md, Metrics) ----

    /** The Prometheus registry: InvokeEndpoint metrics ({@link EndpointMetrics}) and the JVM's own. */
    @Bean(destroyMethod = "close")
    PrometheusMeterRegistry prometheusMeterRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /**
     * Per endpoint and variant, bounded by the endpoints the registry knows; instance counts from a
     * {@link VariantInstances} bean when a runtime provides one, else one instance per variant.
     */
    @Bean
    EndpointMetrics endpointMetrics(PrometheusMeterRegistry registry, EndpointCatalog catalog,
                                    ObjectProvider<VariantInstances> instances) {
        return new EndpointMetrics(registry, catalog.registry(),
                instances.getIfAvailable(() -> VariantInstances.SINGLE));
    }

    /** Health and Prometheus metrics on their own plain-HTTP port, loopback by default, outside the SigV4 chain. */
    @Bean(destroyMethod = "close")
    ManagementServer managementServer(@Value("${mlgate.management.address:127.0.0.1}") String address,
                                      @Value("${mlgate.management.port:9464}") int port,
                                      PrometheusMeterRegistry registry, EndpointMetrics metrics, AuditLog audit) {
        return ManagementServer.start(address, port, registry, metrics, audit::isHealthy);
    }

    @Bean
    DemoSetup demoSetup(GatewayProperties properties, AccessKeyStore accessKeys, IamConfiguration iam,
                        HostingAccount account) throws IOException {
        return DemoSetup.prepare(properties, accessKeys, iam, account);
    }
}
