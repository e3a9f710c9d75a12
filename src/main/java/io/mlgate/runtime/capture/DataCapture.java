package io.mlgate.runtime.capture;

import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.runtime.InvocationResult;
import io.mlgate.sagemaker.DataCaptureConfig;
import io.mlgate.sagemaker.DeploymentPlan;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * SageMaker data capture of InvokeEndpoint calls. The runtime keeps each endpoint's {@link CapturePolicy} current
 * ({@link EndpointCapture}); after a successful call the gateway hands over the request, the inference id and the
 * result ({@link #capture}), which costs a map lookup, a sampling draw and a queue offer on the calling thread;
 * redaction ({@link CaptureRedaction}), rendering, encryption and writing happen on the {@link CaptureWriter}'s
 * thread. A capture never fails or delays a call: a full queue drops the record and counts it.
 *
 * <p>Every capture file is encrypted under a KMS key: the configuration's {@code KmsKeyId}, else the gateway's
 * default capture key. A deployment whose variants' execution roles cannot generate data keys under it fails
 * ({@link #keyRefusal}), before the endpoint serves.
 *
 * <p>The inference id is the caller's {@value #INFERENCE_ID_HEADER} header (validated by
 * {@link #validInferenceId} before the call runs); without it the record carries only its {@code eventId}, a random
 * UUID, as in SageMaker.
 *
 * <p>Capture data is the callers' payload: it goes to the capture files and nowhere else (never to a log, the audit
 * trail or an error message).
 */
public final class DataCapture implements EndpointCapture, AutoCloseable {

    /** The InvokeEndpoint request header carrying the caller's inference id. */
    public static final String INFERENCE_ID_HEADER = "X-Amzn-SageMaker-Inference-Id";
    /** SageMaker's constraint on InferenceId: 1 to 64 characters matching {@code \A\S[\p{Print}]*\z}. */
    private static final Pattern INFERENCE_ID = Pattern.compile("\\A\\S[\\p{Print}]*\\z");

    /** Decides whether one call is captured, given the sampling percentage. */
    @FunctionalInterface
    public interface Sampler {
        boolean sample(int percentage);

        /** Captures {@code percentage} percent of calls at random (0: none, 100: all). */
        Sampler RANDOM = percentage -> percentage >= 100
                || (percentage > 0 && ThreadLocalRandom.current().nextInt(100) < percentage);
    }

    private final Path root;
    private final CaptureWriter writer;
    private final Clock clock;
    private final Sampler sampler;
    private final CaptureRedaction redaction;
    private final String defaultKeyId;
    private final ConcurrentMap<String, CapturePolicy> policies = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param root         the capture root ({@code <dataDir>/capture}): destinations
     *                     {@code s3://mlgate-capture/PREFIX} are folders under it
     * @param writer       the writer records are queued to (closed by {@link #close()}); its {@link CaptureKeys}
     *                     also check deployments' keys
     * @param clock        the inference time of records
     * @param sampler      decides which calls are captured
     * @param redaction    applied by the writer thread to every captured payload before it is written
     * @param defaultKeyId the KMS key of configurations without a KmsKeyId (null or empty: such configurations
     *                     are refused)
     */
    public DataCapture(Path root, CaptureWriter writer, Clock clock, Sampler sampler, CaptureRedaction redaction,
                       String defaultKeyId) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.redaction = Objects.requireNonNull(redaction, "redaction");
        this.defaultKeyId = defaultKeyId == null || defaultKeyId.isEmpty() ? null : defaultKeyId;
    }

    /**
     * Capture under {@code root} with the default queue bounds, the system clock and random sampling, files
     * rolled as {@code rolling} says and encrypted with data keys from {@code keys}.
     */
    public static DataCapture start(Path root, CaptureKeys keys, CaptureWriter.Rolling rolling,
                                    CaptureRedaction redaction, String defaultKeyId) {
        return new DataCapture(root, CaptureWriter.start(CaptureWriter.Limits.defaults(), rolling,
                Clock.systemUTC(), keys), Clock.systemUTC(), Sampler.RANDOM, redaction, defaultKeyId);
    }

    /** Whether {@code inferenceId} satisfies SageMaker's InferenceId constraint. */
    public static boolean validInferenceId(String inferenceId) {
        return inferenceId != null && !inferenceId.isEmpty() && inferenceId.length() <= 64
                && INFERENCE_ID.matcher(inferenceId).matches();
    }

    public Path root() {
        return root;
    }

    public CaptureWriter writer() {
        return writer;
    }

    /** The key of configurations without a KmsKeyId, or null. */
    public String defaultKeyId() {
        return defaultKeyId;
    }

    @Override
    public String refusal(DataCaptureConfig config) {
        try {
            CapturePolicy.of(root, config, defaultKeyId, Map.of());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * Asks KMS, as each variant's execution role, whether it could generate a data key for the endpoint's capture
     * files under the configuration's key ({@code GenerateDataKey} with {@code DryRun}, with the files' encryption
     * context). A key that does not exist, is not enabled, or the role may not use refuses the deployment.
     */
    @Override
    public String keyRefusal(DeploymentPlan plan) {
        DataCaptureConfig config = plan.dataCapture();
        if (config == null || !config.enableCapture()) {
            return null;
        }
        String keyId;
        try {
            keyId = CapturePolicy.keyIdOf(config, defaultKeyId);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        String which = config.kmsKeyId() == null || config.kmsKeyId().isEmpty()
                ? "the default capture key " + keyId + " (mlgate.capture.kms-key-id)" : "KmsKeyId " + keyId;
        Map<String, String> checked = new LinkedHashMap<>();
        for (DeploymentPlan.Variant v : plan.variants()) {
            String role = v.executionRoleArn();
            if (role == null || checked.containsKey(role)) {
                continue;
            }
            checked.put(role, v.variantName());
            try {
                writer.keys().check(role, keyId, CaptureFileHeader.context(plan.endpointName(), v.variantName(),
                        "deployment-check"));
            } catch (KeyServiceException e) {
                return which + " cannot encrypt the capture files of variant " + v.variantName()
                        + ": GenerateDataKey as its execution role " + role + " fails with " + e.errorCode()
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
            } catch (RuntimeException e) {
                return which + " cannot be checked for variant " + v.variantName() + ": the execution role "
                        + role + " is unusable (" + e.getClass().getSimpleName() + ")";
            }
        }
        return null;
    }

    @Override
    public void configure(DeploymentPlan plan) {
        Map<String, String> roles = new LinkedHashMap<>();
        for (DeploymentPlan.Variant v : plan.variants()) {
            if (v.executionRoleArn() != null) {
                roles.put(v.variantName(), v.executionRoleArn());
            }
        }
        configure(plan.endpointName(), plan.dataCapture(), roles);
    }

    /**
     * From now on, capture the endpoint's calls as {@code config} says (null or disabled: nothing), each variant's
     * files encrypted with data keys generated as its execution role in {@code executionRoles}.
     */
    public void configure(String endpointName, DataCaptureConfig config, Map<String, String> executionRoles) {
        Objects.requireNonNull(endpointName, "endpointName");
        CapturePolicy policy = config == null ? null : CapturePolicy.of(root, config, defaultKeyId, executionRoles);
        if (policy == null) {
            policies.remove(endpointName);
        } else {
            policies.put(endpointName, policy);
        }
    }

    @Override
    public void remove(String endpointName) {
        policies.remove(endpointName);
    }

    /** The policy in force for an endpoint, if its calls are captured. */
    public java.util.Optional<CapturePolicy> policy(String endpointName) {
        return java.util.Optional.ofNullable(endpointName == null ? null : policies.get(endpointName));
    }

    /**
     * Captures one successful call if its endpoint captures and the call is sampled; never throws and never blocks.
     *
     * @param inferenceId the caller's inference id (already validated) or null
     * @return whether a record was queued
     */
    public boolean capture(String endpointName, String inferenceId, byte[] input, String inputContentType,
                           InvocationResult result) {
        try {
            CapturePolicy policy = endpointName == null ? null : policies.get(endpointName);
            if (policy == null) {
                return false;
            }
            if (!sampler.sample(policy.samplingPercentage())) {
                skipped.incrementAndGet();
                return false;
            }
            return writer.offer(new CaptureRecord(policy, endpointName, result.invokedVariant(),
                    UUID.randomUUID().toString(), inferenceId, clock.instant(), policy.input() ? input : null,
                    inputContentType, policy.output() ? result.body() : null, result.contentType(), redaction));
        } catch (RuntimeException e) {
            errors.incrementAndGet();
            return false;
        }
    }

    /** Calls of capturing endpoints that sampling left out. */
    public long skipped() {
        return skipped.get();
    }

    /** Calls that could not be captured because of an unexpected error (the calls themselves succeeded). */
    public long errors() {
        return errors.get();
    }

    /** Writes what is queued and stops the writer. */
    @Override
    public void close() {
        policies.clear();
        writer.close();
    }
}
