package io.mlgate.gateway;

import io.mlgate.iam.guardrail.GuardrailSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * The OPA guardrail layer ({@code mlgate.opa.*}, docs/opa-guardrails.md): Rego policies compiled to Wasm in
 * {@code policies/opa/}, evaluated in-process after IAM allowed a call, and optionally an external OPA server.
 *
 * @param enabled        false turns the layer off even when policies/opa/ holds policies (default true)
 * @param entrypoint     the entrypoint evaluated in every Wasm policy (default: the bundle manifest's, else the
 *                       module's only one)
 * @param poolSize       Wasm instances per policy at most (default: the number of cores, at least 2)
 * @param poolWait       how long a call waits for a free instance before it is denied (default 200ms)
 * @param maxMemoryPages the most 64 KiB memory pages one instance may use (default 256 = 16 MiB)
 * @param url            an external OPA server's Data API URL, e.g. http://127.0.0.1:8181/v1/data/mlgate/guardrail
 * @param timeout        the external OPA's deadline (default 500ms); past it the call is denied
 * @param cacheSize      external decisions cached at most, only those the policy marks cacheable (default 10000)
 * @param cacheTtl       how long a cached external decision is used (default 60s)
 */
@ConfigurationProperties("mlgate.opa")
public record OpaProperties(Boolean enabled, String entrypoint, Integer poolSize, Duration poolWait,
                            Integer maxMemoryPages, URI url, Duration timeout, Integer cacheSize, Duration cacheTtl) {

    public OpaProperties {
        GuardrailSettings d = GuardrailSettings.defaults();
        enabled = enabled == null || enabled;
        poolSize = poolSize == null ? d.poolSize() : poolSize;
        poolWait = poolWait == null ? d.poolWait() : poolWait;
        maxMemoryPages = maxMemoryPages == null ? d.maxMemoryPages() : maxMemoryPages;
        timeout = timeout == null ? d.restTimeout() : timeout;
        cacheSize = cacheSize == null ? d.restCacheSize() : cacheSize;
        cacheTtl = cacheTtl == null ? d.restCacheTtl() : cacheTtl;
    }

    GuardrailSettings settings() {
        return new GuardrailSettings(entrypoint, poolSize, poolWait, maxMemoryPages, url, timeout, cacheSize,
                cacheTtl);
    }
}
