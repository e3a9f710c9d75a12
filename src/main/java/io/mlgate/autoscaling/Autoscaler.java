package io.mlgate.autoscaling;

import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.sagemaker.EndpointCapacity;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The scaler: every {@code period}, on its own daemon thread, it samples each registered variant's completed-call
 * counter, computes the invocations per instance per minute over the last {@code window}, keeps the capacity within
 * the target's [MinCapacity, MaxCapacity], and applies {@link TargetTrackingRule}'s decision through the SageMaker
 * control plane ({@link ScalableVariants#setDesiredInstanceCount}), recording a {@link ScalingActivity} for each change
 * it attempts (a change SageMaker refused is not tried again, nor recorded again, until a window has passed).
 * {@link #tick()} is one pass and can be called directly (tests drive it with a fake clock).
 * <p>
 * The metric: {@code (completed now - completed at the start of the window) * 60 s / elapsed / instances}, where the
 * window starts at the newest sample at least {@code window} old (or the oldest sample, right after registration or
 * a restart); a counter that goes down means the variant was redeployed, and the window restarts from that reading.
 * No metric (fewer than two samples, variant not served) means no target-tracking decision.
 */
public final class Autoscaler implements AutoCloseable {

    /**
     * @param period              how often the scaler runs (default 10 s)
     * @param window              the span the metric is measured over (default 60 s: a CloudWatch minute)
     * @param activitiesPerTarget how many activities are kept per target (default 100)
     */
    public record Settings(Duration period, Duration window, int activitiesPerTarget) {
        public Settings {
            requirePositive(period, "period");
            requirePositive(window, "window");
            if (activitiesPerTarget < 1) {
                throw new IllegalArgumentException("activitiesPerTarget must be >= 1");
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), Duration.ofSeconds(60), 100);
        }
    }

    private static final System.Logger LOG = System.getLogger(Autoscaler.class.getName());

    private record Point(Instant at, long completed) {}

    private final AutoscalingState state;
    private final ScalableVariants variants;
    private final VariantLoad load;
    private final Clock clock;
    private final int activitiesPerTarget;
    private volatile Duration period;
    private volatile Duration window;
    /** The samples of each target's window; only touched under {@link #tickLock}. */
    private final Map<String, ArrayDeque<Point>> windows = new HashMap<>();
    private final Object tickLock = new Object();
    /** Orders capacity changes (the scaler's and RegisterScalableTarget's). */
    private final Object applyLock = new Object();
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> task;

    public Autoscaler(AutoscalingState state, ScalableVariants variants, VariantLoad load, Clock clock,
                      Settings settings) {
        this.state = Objects.requireNonNull(state, "state");
        this.variants = Objects.requireNonNull(variants, "variants");
        this.load = Objects.requireNonNull(load, "load");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.period = settings.period();
        this.window = settings.window();
        this.activitiesPerTarget = settings.activitiesPerTarget();
    }

    public AutoscalingState state() {
        return state;
    }

    int activitiesPerTarget() {
        return activitiesPerTarget;
    }

    /** Starts the periodic thread ({@code mlgate-autoscaler}); a no-op if it runs already. */
    public synchronized void start() {
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mlgate-autoscaler");
                t.setDaemon(true);
                return t;
            });
        }
        if (task == null) {
            long ms = period.toMillis();
            task = executor.scheduleWithFixedDelay(this::safeTick, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Changes the period and window (the gateway's tests shorten them on the shared context); restarts the
     * schedule if it runs. Samples already taken are kept.
     */
    public synchronized void reschedule(Duration newPeriod, Duration newWindow) {
        requirePositive(newPeriod, "period");
        requirePositive(newWindow, "window");
        this.period = newPeriod;
        this.window = newWindow;
        if (task != null) {
            task.cancel(false);
            task = null;
            start();
        }
    }

    public Duration period() {
        return period;
    }

    public Duration window() {
        return window;
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
            task = null;
        }
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "autoscaling pass failed: " + e);
        }
    }

    /** One pass over every registered target. */
    public void tick() {
        synchronized (tickLock) {
            Instant now = clock.instant();
            AutoscalingState.Snapshot s = state.snapshot();
            windows.keySet().retainAll(s.targets().keySet());
            for (ScalableTarget target : s.targets().values()) {
                try {
                    evaluate(target, s, now);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "autoscaling " + target.resourceId() + " failed: " + e);
                }
            }
        }
    }

    private void evaluate(ScalableTarget target, AutoscalingState.Snapshot s, Instant now) {
        VariantResource v = target.variant();
        Optional<EndpointCapacity> endpoint = variants.endpoint(target.accountId(), v.endpointName());
        Integer current = endpoint.map(e -> e.desiredInstanceCounts().get(v.variantName())).orElse(null);
        if (current == null) {
            windows.remove(target.key());
            return;
        }
        Optional<VariantLoad.Sample> sample = load.sample(target.accountId(), endpoint.get().endpointName(),
                v.variantName());
        OptionalDouble metric = sample.isPresent() ? record(target.key(), now, sample.get()) : OptionalDouble.empty();
        if (!endpoint.get().inService()) {
            return;
        }
        if (outOfRange(target, current)) {
            enforceRange(target.key());
            return;
        }
        if (metric.isEmpty()) {
            return;
        }
        TargetTrackingRule.decide(target, s.policiesOf(target.key()), current, metric.getAsDouble(), now)
                .ifPresent(d -> apply(target.key(), current, d.desired(), d.direction() == TargetTrackingRule.Direction.OUT,
                        "monitor alarm " + (d.direction() == TargetTrackingRule.Direction.OUT
                                ? d.policy().alarmHighName() : d.policy().alarmLowName())
                                + " in state ALARM triggered policy " + d.policy().name()));
    }

    /** Adds a reading to the target's window and returns the metric over it, if it can be computed yet. */
    private OptionalDouble record(String key, Instant now, VariantLoad.Sample sample) {
        ArrayDeque<Point> w = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        Point last = w.peekLast();
        if (last != null && (sample.completed() < last.completed() || now.isBefore(last.at()))) {
            w.clear(); // redeployed (the counter restarted) or the clock went back: start again
        }
        w.addLast(new Point(now, sample.completed()));
        Instant cutoff = now.minus(window);
        while (w.size() >= 2) {
            Iterator<Point> it = w.iterator();
            it.next();
            if (it.next().at().isAfter(cutoff)) {
                break;
            }
            w.removeFirst();
        }
        Point first = w.peekFirst();
        long elapsedMs = Duration.between(first.at(), now).toMillis();
        if (w.size() < 2 || elapsedMs <= 0) {
            return OptionalDouble.empty();
        }
        double perMinute = (sample.completed() - first.completed()) * 60_000.0 / elapsedMs;
        return OptionalDouble.of(perMinute / Math.max(1, sample.instances()));
    }

    private static boolean outOfRange(ScalableTarget t, int current) {
        return current < t.minCapacity() || current > t.maxCapacity();
    }

    /**
     * Brings the target's capacity into [MinCapacity, MaxCapacity] at once if the endpoint is InService and it is
     * outside (RegisterScalableTarget does this, as AWS does); otherwise nothing happens.
     *
     * @return the activity recorded, if a change was attempted
     */
    public Optional<ScalingActivity> enforceRange(String key) {
        ScalableTarget t = state.snapshot().targets().get(key);
        if (t == null) {
            return Optional.empty();
        }
        VariantResource v = t.variant();
        Optional<EndpointCapacity> endpoint = variants.endpoint(t.accountId(), v.endpointName());
        if (endpoint.isEmpty() || !endpoint.get().inService()) {
            return Optional.empty();
        }
        Integer current = endpoint.get().desiredInstanceCounts().get(v.variantName());
        if (current == null || !outOfRange(t, current)) {
            return Optional.empty();
        }
        boolean up = current < t.minCapacity();
        int desired = up ? t.minCapacity() : t.maxCapacity();
        return apply(key, current, desired, up, (up ? "minimum" : "maximum") + " capacity was set to " + desired);
    }

    /** Sets the capacity through SageMaker and records the activity (and, on success, the cooldown times). */
    private Optional<ScalingActivity> apply(String key, int current, int desired, boolean out, String cause) {
        synchronized (applyLock) {
            ScalableTarget t = state.snapshot().targets().get(key);
            if (t == null) {
                return Optional.empty(); // deregistered meanwhile
            }
            VariantResource v = t.variant();
            Instant start = clock.instant();
            String description = "Setting desired instance count to " + desired + ".";
            java.util.List<ScalingActivity> past = state.snapshot().activitiesOf(key);
            ScalingActivity previous = past.isEmpty() ? null : past.get(past.size() - 1);
            if (previous != null && previous.statusCode().equals(ScalingActivity.FAILED)
                    && previous.description().equals(description) && previous.endTime() != null
                    && start.isBefore(previous.endTime().plus(window))) {
                return Optional.empty(); // the same change was just refused: retry once a window has passed
            }
            String status;
            String message;
            try {
                variants.setDesiredInstanceCount(t.accountId(), v.endpointName(), v.variantName(), desired);
                status = ScalingActivity.SUCCESSFUL;
                message = "Successfully set desired instance count to " + desired
                        + ". Change successfully fulfilled by sagemaker.";
            } catch (JsonServiceException e) {
                status = ScalingActivity.FAILED;
                message = "Failed to set desired instance count to " + desired + ". Reason: " + e.getMessage();
            } catch (UncheckedIOException e) {
                status = ScalingActivity.FAILED;
                message = "Failed to set desired instance count to " + desired
                        + ". Reason: the SageMaker control plane could not persist the change.";
            }
            Instant end = clock.instant();
            ScalingActivity activity = new ScalingActivity(UUID.randomUUID().toString(), t.accountId(),
                    t.resourceId(), description, cause, start, end, status,
                    message);
            boolean success = status.equals(ScalingActivity.SUCCESSFUL);
            try {
                state.write(ch -> {
                    ScalableTarget now = ch.target(key);
                    if (now != null) {
                        ch.add(activity, activitiesPerTarget);
                        if (success) {
                            ch.put(now.scaled(end, out));
                        }
                    }
                    return null;
                });
            } catch (JsonServiceException impossible) {
                throw new IllegalStateException(impossible);
            }
            LOG.log(success ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "autoscaling "
                    + t.resourceId() + ": " + current + " -> " + desired + " instances, " + status);
            return Optional.of(activity);
        }
    }

    private static void requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
