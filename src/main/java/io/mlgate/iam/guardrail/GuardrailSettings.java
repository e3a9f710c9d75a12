package io.mlgate.iam.guardrail;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How guardrails are run (from {@code mlgate.opa.*}; defaults in {@link #defaults()}).
 *
 * @param entrypoint     the entrypoint to evaluate in every Wasm policy (null: the bundle manifest's, else the
 *                       module's only one)
 * @param poolSize       the most Wasm instances per policy (bounds memory and concurrency)
 * @param poolWait       how long an evaluation waits for a free instance before failing closed
 * @param maxMemoryPages the most 64 KiB Wasm memory pages one instance may grow to
 * @param restUrl        an external OPA server's Data API document URL, e.g.
 *                       {@code http://127.0.0.1:8181/v1/data/mlgate/guardrail} (null: none)
 * @param restTimeout    the external OPA's answer deadline (connect included); past it the call is denied
 * @param restCacheSize  the most cached external decisions (0: no cache)
 * @param restCacheTtl   how long a cached external decision is used
 */
public record GuardrailSettings(String entrypoint, int poolSize, Duration poolWait, int maxMemoryPages, URI restUrl,
                                Duration restTimeout, int restCacheSize, Duration restCacheTtl) {

    public GuardrailSettings {
        if (poolSize < 1) {
            throw new IllegalArgumentException("mlgate.opa.pool-size must be at least 1");
        }
        Objects.requireNonNull(poolWait, "poolWait");
        if (maxMemoryPages < 2) {
            throw new IllegalArgumentException("mlgate.opa.max-memory-pages must be at least 2");
        }
        Objects.requireNonNull(restTimeout, "restTimeout");
        if (restCacheSize < 0) {
            throw new IllegalArgumentException("mlgate.opa.rest-cache-size must not be negative");
        }
        Objects.requireNonNull(restCacheTtl, "restCacheTtl");
        if (restUrl != null && !("http".equals(restUrl.getScheme()) || "https".equals(restUrl.getScheme()))) {
            throw new IllegalArgumentException("mlgate.opa.url must be an http or https URL");
        }
        if (entrypoint != null && entrypoint.isBlank()) {
            entrypoint = null;
        }
    }

    public static GuardrailSettings defaults() {
        return new GuardrailSettings(null, Math.max(2, Runtime.getRuntime().availableProcessors()),
                Duration.ofMillis(200), 256, null, Duration.ofMillis(500), 10_000, Duration.ofSeconds(60));
    }

    public GuardrailSettings withEntrypoint(String entrypoint) {
        return new GuardrailSettings(entrypoint, poolSize, poolWait, maxMemoryPages, restUrl, restTimeout,
                restCacheSize, restCacheTtl);
    }

    public GuardrailSettings withRestUrl(URI url) {
        return new GuardrailSettings(entrypoint, poolSize, poolWait, maxMemoryPages, url, restTimeout,
                restCacheSize, restCacheTtl);
    }
}
