package io.mlgate.runtime.capture;

import io.mlgate.runtime.InvocationResult;
import io.mlgate.sagemaker.DataCaptureConfig;

import java.nio.file.Path;
import java.time.Clock;
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
 * rendering and writing happen on the {@link CaptureWriter}'s thread. A capture never fails or delays a call: a full
 * queue drops the record and counts it.
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
    private final ConcurrentMap<String, CapturePolicy> policies = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param root    the capture root ({@code <dataDir>/capture}): destinations {@code s3://mlgate-capture/PREFIX}
     *                are folders under it
     * @param writer  the writer records are queued to (closed by {@link #close()})
     * @param clock   the inference time of records
     * @param sampler decides which calls are captured
     */
    public DataCapture(Path root, CaptureWriter writer, Clock clock, Sampler sampler) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
    }

    /** Capture under {@code root} with the default queue bounds, the system clock and random sampling. */
    public static DataCapture start(Path root) {
        return new DataCapture(root, CaptureWriter.start(CaptureWriter.Limits.defaults(), Clock.systemUTC()),
                Clock.systemUTC(), Sampler.RANDOM);
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

    @Override
    public String refusal(DataCaptureConfig config) {
        try {
            CapturePolicy.of(root, config);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public void configure(String endpointName, DataCaptureConfig config) {
        Objects.requireNonNull(endpointName, "endpointName");
        CapturePolicy policy = config == null ? null : CapturePolicy.of(root, config);
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
                    inputContentType, policy.output() ? result.body() : null, result.contentType()));
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
