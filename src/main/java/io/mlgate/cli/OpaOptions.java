package io.mlgate.cli;

import io.mlgate.iam.guardrail.GuardrailSettings;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;

/** The OPA guardrail options the offline policy tools share (docs/opa-guardrails.md). */
final class OpaOptions {

    @Option(names = "--opa-entrypoint", paramLabel = "PATH",
            description = "the entrypoint evaluated in every Wasm guardrail (default: the bundle manifest's, else the module's only one)")
    String entrypoint;

    @Option(names = "--opa-url", paramLabel = "URL",
            description = "also ask this OPA server's Data API, e.g. http://127.0.0.1:8181/v1/data/mlgate/guardrail")
    URI url;

    @Option(names = "--opa-timeout", paramLabel = "DURATION", defaultValue = "PT2S",
            description = "the OPA server's deadline, ISO-8601 (default ${DEFAULT-VALUE})")
    Duration timeout;

    GuardrailSettings settings() {
        GuardrailSettings d = GuardrailSettings.defaults();
        return new GuardrailSettings(entrypoint, d.poolSize(), Duration.ofSeconds(5), d.maxMemoryPages(), url,
                timeout, 0, d.restCacheTtl());
    }
}
