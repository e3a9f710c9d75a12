package io.mlgate.sagemaker.transform;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One transform job as the control plane holds it: the request ({@link TransformJobSpec}), its status and
 * FailureReason, its times, tags and checkpoint.
 *
 * @param failureReason why it failed; for a job that completed with failed records, a summary naming the errors files
 * @param startTime     when the engine first started it (TransformStartTime), or null
 * @param endTime       when it reached a terminal status (TransformEndTime), or null
 */
public record TransformJob(String name, String arn, String accountId, TransformJobSpec spec,
                           TransformJobStatus status, String failureReason, Instant creationTime, Instant startTime,
                           Instant endTime, Instant lastModifiedTime, Map<String, String> tags,
                           TransformProgress progress) {

    public TransformJob {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(creationTime, "creationTime");
        Objects.requireNonNull(lastModifiedTime, "lastModifiedTime");
        Objects.requireNonNull(progress, "progress");
        tags = tags == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    TransformJob withProgress(TransformProgress next, Instant now) {
        return new TransformJob(name, arn, accountId, spec, status, failureReason, creationTime, startTime, endTime,
                now, tags, next);
    }

    TransformJob started(Instant now) {
        return new TransformJob(name, arn, accountId, spec, status, failureReason, creationTime,
                startTime == null ? now : startTime, endTime, now, tags, progress);
    }

    /** The job in {@code next} status; a terminal status sets the end time. */
    TransformJob withStatus(TransformJobStatus next, String reason, Instant now) {
        return new TransformJob(name, arn, accountId, spec, next, reason, creationTime, startTime,
                next.terminal() ? now : endTime, now, tags, progress);
    }
}
