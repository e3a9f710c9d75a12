package io.mlgate.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.mlgate.runtime.Endpoint;
import io.mlgate.runtime.EndpointRegistry;
import io.mlgate.runtime.ProductionVariant;
import io.mlgate.runtime.VariantInstances;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SageMaker's CloudWatch invocation metrics for InvokeEndpoint, kept per endpoint and production variant in a
 * Micrometer registry and scraped by Prometheus (docs/operations.md, Metrics):
 * <ul>
 *   <li>{@code mlgate_sagemaker_invocations_total}: every InvokeEndpoint call answered, whatever its status
 *       (SageMaker's {@code Invocations});</li>
 *   <li>{@code mlgate_sagemaker_invocation_4xx_errors_total} / {@code ..._5xx_errors_total}: calls answered with a
 *       4xx / 5xx status, including authentication, authorization and validation failures; {@code ModelError} (HTTP
 *       424, the model answered 500) counts as 5XX, as CloudWatch counts a model's 5xx;</li>
 *   <li>{@code mlgate_sagemaker_invocations_per_instance_total}: {@code 1 / instances} per call a variant served
 *       (SageMaker's definition: the instance count at the time of the request, from {@link VariantInstances});</li>
 *   <li>{@code mlgate_sagemaker_model_latency_microseconds} and {@code ..._overhead_latency_microseconds}:
 *       histograms of the calls a variant served: the time inside the model, and the time the gateway spent on the
 *       call (from the first filter until its audit event was durable, just before the response goes out) minus
 *       the model's time;</li>
 *   <li>{@code mlgate_sagemaker_loaded_models}: per endpoint, the variants' models loaded now (0 while the endpoint
 *       is out of service because its model key is refused).</li>
 * </ul>
 * Cardinality is bounded by the {@link EndpointRegistry}: only endpoints it knows (registered, or out of service)
 * get their own label value; a call naming any other endpoint is counted under {@code endpoint="_unknown"}, and a
 * call no variant served under {@code variant="_none"}. Meters are cached per endpoint and variant (no tag arrays
 * or name building per call) and dropped by {@link #refresh()} once the registry no longer knows the endpoint or
 * the variant. Thread-safe.
 *
 * <p>For the web console ({@code GetEndpointMetrics}, docs/console.md) it also answers {@link #reading} (counts and
 * model-latency percentiles since start, per variant) and keeps, per variant, a ring buffer of the last
 * {@value #HISTORY_SAMPLES} samples taken by {@link #sampleHistory} (the console samples every 10 s): each sample holds
 * the calls, the errors (4XX + 5XX) and the model latency p50 of the interval since the previous sample.
 */
public final class EndpointMetrics {

    /** The endpoint label of calls naming an endpoint the registry does not know. */
    public static final String UNKNOWN_ENDPOINT = "_unknown";
    /** The variant label of calls no variant served (refused, failed before or inside the model). */
    public static final String NO_VARIANT = "_none";

    static final String INVOCATIONS = "mlgate.sagemaker.invocations";
    static final String ERRORS_4XX = "mlgate.sagemaker.invocation.4xx.errors";
    static final String ERRORS_5XX = "mlgate.sagemaker.invocation.5xx.errors";
    static final String PER_INSTANCE = "mlgate.sagemaker.invocations.per.instance";
    static final String MODEL_LATENCY = "mlgate.sagemaker.model.latency";
    static final String OVERHEAD_LATENCY = "mlgate.sagemaker.overhead.latency";
    static final String LOADED_MODELS = "mlgate.sagemaker.loaded.models";
    static final String CACHE_HITS = "mlgate.sagemaker.model.cache.hit";
    static final String LOADING_WAIT = "mlgate.sagemaker.model.loading.wait.time";
    static final String MODEL_LOADS = "mlgate.sagemaker.model.loads";
    static final String MODEL_EVICTIONS = "mlgate.sagemaker.model.evictions";
    static final String MICROSECONDS = "microseconds";

    /**
     * Histogram bucket bounds in microseconds, 1-2.5-5 steps (finer between 100 µs and 1 ms, where the gateway's
     * overhead target of 300 µs lies) from 10 µs (a small ONNX model) to 60 s (SageMaker's
     * invocation timeout); p50/p99 come from these with {@code histogram_quantile}.
     */
    static final double[] LATENCY_BUCKETS_MICROS = {
            10, 25, 50, 100, 150, 200, 250, 300, 400, 500, 750, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
            1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000};

    /** Samples kept per variant by {@link #sampleHistory}. */
    public static final int HISTORY_SAMPLES = 60;

    private static final String INVOKE_ENDPOINT = "InvokeEndpoint";
    private static final String MODEL_ERROR = "ModelError";

    private final MeterRegistry meters;
    private final EndpointRegistry endpoints;
    private final VariantInstances instances;
    private final ConcurrentHashMap<String, EndpointMeters> byEndpoint = new ConcurrentHashMap<>();
    /** Held while meters are created or removed, so a removal never races a creation of the same series. */
    private final Object lock = new Object();
    private final VariantMeters unknown;

    public EndpointMetrics(MeterRegistry meters, EndpointRegistry endpoints, VariantInstances instances) {
        this.meters = Objects.requireNonNull(meters, "meters");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.instances = Objects.requireNonNull(instances, "instances");
        this.unknown = new VariantMeters(meters, UNKNOWN_ENDPOINT, NO_VARIANT);
        refresh();
    }

    /**
     * Records a finished call if it is an InvokeEndpoint call; called once per call, after its audit event is
     * durable and before the response is committed.
     *
     * @param httpStatus the status the client gets
     * @param endNanos   {@link System#nanoTime()} now
     */
    public void record(GatewayCall call, int httpStatus, long endNanos) {
        ApiCall api = call.apiCall();
        if (api == null || !INVOKE_ENDPOINT.equals(api.operation())) {
            return;
        }
        record(api.endpointName(), call.invokedVariant(), httpStatus, call.errorCode(), call.modelNanos(),
                endNanos - call.startNanos());
        Boolean hit = call.modelCacheHit();
        if (hit != null) {
            VariantMeters m = metersOf(api.endpointName(), call.invokedVariant());
            if (m.served()) {
                if (hit) {
                    m.cacheHits.increment();
                } else {
                    m.loadingWait.record(call.modelLoadWaitNanos() / 1_000.0);
                }
            }
        }
    }

    /**
     * Records one InvokeEndpoint call.
     *
     * @param endpointName the endpoint named in the path (any text: unknown names are counted as {@code _unknown})
     * @param variant      the variant that served the call, or null
     * @param errorCode    the AWS error code of the answer, or null
     * @param modelNanos   the time inside the model, negative when no model answered
     * @param totalNanos   the time the gateway spent on the call
     */
    void record(String endpointName, String variant, int httpStatus, String errorCode, long modelNanos,
                long totalNanos) {
        VariantMeters m = metersOf(endpointName, variant);
        m.invocations.increment();
        if (httpStatus >= 500 || MODEL_ERROR.equals(errorCode)) {
            m.errors5xx.increment();
        } else if (httpStatus >= 400) {
            m.errors4xx.increment();
        }
        if (m.served()) {
            m.perInstance.increment(1.0 / Math.max(1, instances.count(m.endpoint, m.variant)));
            if (modelNanos >= 0) {
                m.modelLatency.record(modelNanos / 1_000.0);
                m.overheadLatency.record(Math.max(0, totalNanos - modelNanos) / 1_000.0);
            }
        }
    }

    /**
     * Brings the meters in line with the registry: every registered endpoint gets its loaded-model gauge and zeroed
     * series for each of its variants and for {@code _none} (so an endpoint no one has called yet is visible, and
     * {@code rate()} sees a series' first calls: a series that appears with a value above 0 loses them); the
     * meters of endpoints the registry no longer knows and of variants a redeployed endpoint no longer has are
     * removed. Run before each scrape.
     */
    public void refresh() {
        synchronized (lock) {
            for (String name : endpoints.names()) {
                EndpointMeters e = endpointMeters(name);
                Endpoint current = endpoints.find(name).orElse(null);
                if (current != null) {
                    variantMeters(e, NO_VARIANT);
                    current.variants().forEach(v -> variantMeters(e, v.name()));
                }
            }
            for (EndpointMeters e : List.copyOf(byEndpoint.values())) {
                if (!known(e.name)) {
                    byEndpoint.remove(e.name);
                    meters.remove(e.loadedModels);
                    e.cacheCounters.forEach(meters::remove);
                    e.variants.values().forEach(v -> v.removeFrom(meters));
                    continue;
                }
                Endpoint current = endpoints.find(e.name).orElse(null);
                if (current == null) {
                    continue; // out of service: keep its variants, it comes back with them
                }
                for (VariantMeters v : List.copyOf(e.variants.values())) {
                    if (v.served() && current.variant(v.variant).isEmpty()) {
                        e.variants.remove(v.variant);
                        v.removeFrom(meters);
                    }
                }
            }
        }
    }

    /**
     * One history sample of a variant: the interval that ended at {@code epochSecond}, its calls, its errors (4XX and
     * 5XX) and the p50 of its model latency in microseconds (0 when no call was served in the interval).
     */
    public record HistorySample(long epochSecond, long invocations, long errors, double modelLatencyP50) {
    }

    /**
     * A variant's metrics since start: calls and errors, model-latency percentiles in microseconds (estimated from
     * the histogram buckets, linearly within a bucket; 0 before the first served call) and its history, oldest first.
     */
    public record VariantReading(String variant, long invocations, long errors4xx, long errors5xx, double modelLatencyP50,
                                 double modelLatencyP90, double modelLatencyP99, List<HistorySample> history) {
    }

    /**
     * An endpoint's metrics: the models loaded now, its variants (by name) and the calls no variant served
     * ({@code unrouted}: refused, or failed before a variant was picked; no latencies or history).
     */
    public record EndpointReading(String endpoint, int loadedModels, List<VariantReading> variants,
                                  VariantReading unrouted) {
    }

    /**
     * The metrics of an endpoint the registry knows (registered, or out of service), or empty. Brings the meters in
     * line with the registry first ({@link #refresh()}), so an endpoint no one has called yet shows zeroed variants.
     */
    public Optional<EndpointReading> reading(String endpointName) {
        if (endpointName == null || !known(endpointName)) {
            return Optional.empty();
        }
        refresh();
        EndpointMeters e = byEndpoint.get(endpointName);
        if (e == null) {
            return Optional.empty();
        }
        List<VariantReading> variants = new ArrayList<>();
        VariantReading unrouted = null;
        List<String> names = new ArrayList<>(e.variants.keySet());
        names.sort(null);
        for (String name : names) {
            VariantMeters v = e.variants.get(name);
            if (v == null) {
                continue;
            }
            if (v.served()) {
                variants.add(v.reading());
            } else {
                unrouted = v.reading();
            }
        }
        return Optional.of(new EndpointReading(endpointName, (int) loadedModels(endpointName), List.copyOf(variants),
                unrouted));
    }

    /**
     * Takes one history sample of every served variant: what happened since its previous sample (since the
     * variant's meters were created, for the first). Called by one scheduler thread; safe against concurrent calls.
     */
    public void sampleHistory(long epochSecond) {
        for (EndpointMeters e : byEndpoint.values()) {
            for (VariantMeters v : e.variants.values()) {
                if (v.served()) {
                    v.history.sample(epochSecond, v);
                }
            }
        }
    }

    /**
     * The {@code q} quantile of a histogram of {@code total} values: {@code bounds} are the bucket upper bounds
     * (ascending) and {@code cumulative} the values at or below each; interpolated linearly inside the bucket; values
     * above the last bound count as the last bound; 0 for an empty histogram.
     */
    static double quantile(double[] bounds, long[] cumulative, long total, double q) {
        if (total <= 0 || bounds.length == 0) {
            return 0;
        }
        double rank = q * total;
        long previous = 0;
        double lower = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= rank && cumulative[i] > previous) {
                long inBucket = cumulative[i] - previous;
                return lower + (bounds[i] - lower) * Math.max(0, rank - previous) / inBucket;
            }
            previous = cumulative[i];
            lower = bounds[i];
        }
        return bounds[bounds.length - 1];
    }

    private static double[] bounds(HistogramSnapshot snapshot) {
        CountAtBucket[] counts = snapshot.histogramCounts();
        double[] bounds = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            bounds[i] = counts[i].bucket();
        }
        return bounds;
    }

    private static long[] cumulative(HistogramSnapshot snapshot) {
        CountAtBucket[] counts = snapshot.histogramCounts();
        long[] out = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = (long) counts[i].count();
        }
        return out;
    }

    /** The ring buffer of one variant's samples and the totals at its previous sample. */
    private static final class History {
        private final HistorySample[] ring = new HistorySample[HISTORY_SAMPLES];
        private int next;
        private int size;
        private long lastInvocations;
        private long lastErrors;
        private long lastServed;
        private long[] lastBuckets;

        synchronized void sample(long epochSecond, VariantMeters v) {
            long invocations = (long) v.invocations.count();
            long errors = (long) (v.errors4xx.count() + v.errors5xx.count());
            HistogramSnapshot snapshot = v.modelLatency.takeSnapshot();
            long[] buckets = cumulative(snapshot);
            long served = snapshot.count();
            long[] delta = new long[buckets.length];
            for (int i = 0; i < buckets.length; i++) {
                delta[i] = buckets[i] - (lastBuckets == null || lastBuckets.length != buckets.length ? 0
                        : lastBuckets[i]);
            }
            double p50 = quantile(bounds(snapshot), delta, served - lastServed, 0.5);
            ring[next] = new HistorySample(epochSecond, Math.max(0, invocations - lastInvocations),
                    Math.max(0, errors - lastErrors), p50);
            next = (next + 1) % ring.length;
            size = Math.min(size + 1, ring.length);
            lastInvocations = invocations;
            lastErrors = errors;
            lastServed = served;
            lastBuckets = buckets;
        }

        synchronized List<HistorySample> samples() {
            List<HistorySample> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(ring[(next - size + i + ring.length) % ring.length]);
            }
            return out;
        }
    }

    /** The meters of a call: a cache hit takes no lock; only a miss (the first call of a series) creates meters. */
    private VariantMeters metersOf(String endpointName, String variant) {
        if (endpointName == null) {
            return unknown;
        }
        Endpoint current = endpoints.find(endpointName).orElse(null);
        if (current == null && endpoints.unavailability(endpointName).isEmpty()) {
            return unknown;
        }
        // the variant comes from the runtime; still only a variant of the endpoint in force gets a series
        String label = variant != null && current != null && current.variant(variant).isPresent()
                ? variant : NO_VARIANT;
        EndpointMeters e = byEndpoint.get(endpointName);
        VariantMeters m = e == null ? null : e.variants.get(label);
        if (m != null) {
            return m;
        }
        synchronized (lock) {
            // under the lock refresh() holds while it removes meters: nothing is created into a dropped entry
            return variantMeters(endpointMeters(endpointName), label);
        }
    }

    /** Creates missing meters; called with {@link #lock} held. */
    private VariantMeters variantMeters(EndpointMeters e, String label) {
        return e.variants.computeIfAbsent(label, v -> new VariantMeters(meters, e.name, v));
    }

    /** Creates a missing endpoint entry and its gauge; called with {@link #lock} held. */
    private EndpointMeters endpointMeters(String name) {
        return byEndpoint.computeIfAbsent(name, n -> new EndpointMeters(n, Gauge
                .builder(LOADED_MODELS, this, metrics -> metrics.loadedModels(n))
                .description("Models of the endpoint's production variants loaded now (multi-model: cached models)")
                .tags(Tags.of("endpoint", n))
                .strongReference(true)
                .register(meters), List.of(
                FunctionCounter.builder(MODEL_LOADS, this, metrics -> metrics.cacheCount(n, false))
                        .description("Models a multi-model endpoint loaded, reloads included (SageMaker ModelLoadingTime count)")
                        .tags(Tags.of("endpoint", n)).register(meters),
                FunctionCounter.builder(MODEL_EVICTIONS, this, metrics -> metrics.cacheCount(n, true))
                        .description("Models a multi-model endpoint evicted to stay in its memory budget (SageMaker ModelUnloadingTime count)")
                        .tags(Tags.of("endpoint", n)).register(meters))));
    }

    private boolean known(String endpointName) {
        return endpoints.find(endpointName).isPresent() || endpoints.unavailability(endpointName).isPresent();
    }

    /** Models loaded now: one per variant, or a multi-model variant's cached models. */
    private double loadedModels(String endpointName) {
        return endpoints.find(endpointName).map(e -> {
            int n = 0;
            for (ProductionVariant v : e.variants()) {
                n += v.multiModel() != null ? v.multiModel().loadedCount() : 1;
            }
            return n;
        }).orElse(0);
    }

    /** Loads (or evictions) of an endpoint's multi-model caches so far. */
    private double cacheCount(String endpointName, boolean evictions) {
        return endpoints.find(endpointName).map(e -> {
            long n = 0;
            for (ProductionVariant v : e.variants()) {
                if (v.multiModel() != null) {
                    n += evictions ? v.multiModel().evictions() : v.multiModel().loads();
                }
            }
            return (double) n;
        }).orElse(0.0);
    }

    /** The loaded-model gauge of an endpoint and the meters of its variants. */
    private record EndpointMeters(String name, Gauge loadedModels, List<Meter> cacheCounters,
                                  ConcurrentHashMap<String, VariantMeters> variants) {
        EndpointMeters(String name, Gauge loadedModels, List<Meter> cacheCounters) {
            this(name, loadedModels, cacheCounters, new ConcurrentHashMap<>());
        }
    }

    /**
     * The meters of one endpoint and variant label. The per-instance counter and the latency histograms exist only
     * for a real variant ({@code _none} calls reached no instance and ran no model).
     */
    private static final class VariantMeters {
        final String endpoint;
        final String variant;
        final Counter invocations;
        final Counter errors4xx;
        final Counter errors5xx;
        final Counter perInstance;
        final DistributionSummary modelLatency;
        final DistributionSummary overheadLatency;
        final Counter cacheHits;
        final DistributionSummary loadingWait;
        final History history = new History();

        VariantMeters(MeterRegistry registry, String endpoint, String variant) {
            this.endpoint = endpoint;
            this.variant = variant;
            Tags tags = Tags.of("endpoint", endpoint, "variant", variant);
            invocations = Counter.builder(INVOCATIONS).tags(tags)
                    .description("InvokeEndpoint calls answered (SageMaker Invocations)").register(registry);
            errors4xx = Counter.builder(ERRORS_4XX).tags(tags)
                    .description("InvokeEndpoint calls answered with a 4xx status (SageMaker Invocation4XXErrors)")
                    .register(registry);
            errors5xx = Counter.builder(ERRORS_5XX).tags(tags)
                    .description("InvokeEndpoint calls answered with a 5xx status or ModelError "
                            + "(SageMaker Invocation5XXErrors)")
                    .register(registry);
            if (NO_VARIANT.equals(variant)) {
                perInstance = null;
                modelLatency = null;
                overheadLatency = null;
                cacheHits = null;
                loadingWait = null;
            } else {
                cacheHits = Counter.builder(CACHE_HITS).tags(tags)
                        .description("Multi-model calls whose target model was loaded already (SageMaker ModelCacheHit)")
                        .register(registry);
                loadingWait = latency(LOADING_WAIT, "Time a multi-model call waited for its target model to load "
                        + "(SageMaker ModelLoadingWaitTime)", tags, registry);
                perInstance = Counter.builder(PER_INSTANCE).tags(tags)
                        .description("Served calls divided by the variant's instance count at the time "
                                + "(SageMaker InvocationsPerInstance)")
                        .register(registry);
                modelLatency = latency(MODEL_LATENCY, "Time the model took, as seen from the gateway "
                        + "(SageMaker ModelLatency)", tags, registry);
                overheadLatency = latency(OVERHEAD_LATENCY, "Time the gateway spent on the call minus the "
                        + "model's time (SageMaker OverheadLatency)", tags, registry);
            }
        }

        boolean served() {
            return perInstance != null;
        }

        VariantReading reading() {
            long calls = (long) invocations.count();
            long e4 = (long) errors4xx.count();
            long e5 = (long) errors5xx.count();
            if (!served()) {
                return new VariantReading(variant, calls, e4, e5, 0, 0, 0, List.of());
            }
            HistogramSnapshot s = modelLatency.takeSnapshot();
            double[] bounds = bounds(s);
            long[] cumulative = cumulative(s);
            return new VariantReading(variant, calls, e4, e5, quantile(bounds, cumulative, s.count(), 0.5),
                    quantile(bounds, cumulative, s.count(), 0.9), quantile(bounds, cumulative, s.count(), 0.99),
                    history.samples());
        }

        void removeFrom(MeterRegistry registry) {
            List<Meter> all = new ArrayList<>(List.of(invocations, errors4xx, errors5xx));
            if (served()) {
                all.addAll(List.of(perInstance, modelLatency, overheadLatency, cacheHits, loadingWait));
            }
            all.forEach(registry::remove);
        }

        private static DistributionSummary latency(String name, String description, Tags tags,
                                                   MeterRegistry registry) {
            return DistributionSummary.builder(name).baseUnit(MICROSECONDS).description(description).tags(tags)
                    .serviceLevelObjectives(LATENCY_BUCKETS_MICROS)
                    .register(registry);
        }
    }
}
