package io.mlgate.gateway.console;

import io.mlgate.audit.export.BundleSigningKey;
import io.mlgate.audit.integrity.AuditSigningKeys;
import io.mlgate.audit.integrity.SigningKey;
import io.mlgate.gateway.EndpointMetrics;
import io.mlgate.gateway.GatewayProperties;
import io.mlgate.gateway.HostingAccount;
import io.mlgate.gateway.PrincipalDirectory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Wires the web console (docs/console.md): the static files under {@code /console} (unless
 * {@code mlgate.console.enabled=false}), its JSON API ({@link ConsoleService}, always on: every call is
 * IAM-authorized and audited like any other), background exports, and the 10-second sampling of the endpoint metrics
 * history.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
public class ConsoleConfiguration {

    /** The classpath folder the console's files are read from. */
    public static final String FOLDER = "static/console";
    /** How often the endpoint metrics history is sampled. */
    public static final long HISTORY_INTERVAL_SECONDS = 10;

    private static final Log LOG = LogFactory.getLog(ConsoleConfiguration.class);

    /** The console's files, read once; {@code config.json} generated from the settings. */
    @Bean
    @ConditionalOnProperty(name = "mlgate.console.enabled", havingValue = "true", matchIfMissing = true)
    ConsoleWebFilter consoleWebFilter(ConsoleProperties console, GatewayProperties properties,
                                      HostingAccount account) throws IOException {
        ConsoleAssets assets = ConsoleAssets.load(ConsoleConfiguration.class.getClassLoader(), console.assets())
                .with("config.json", configJson(console, properties.region(), account.id()));
        if (assets.get("index.html") == null) {
            LOG.warn("the web console is enabled but its files are not on the classpath (" + console.assets()
                    + "/index.html); /console/ answers 404");
        }
        String tokenOrigin = null;
        if (console.oidc() != null) {
            java.net.URI token = java.net.URI.create(console.oidc().tokenEndpoint());
            tokenOrigin = token.getScheme() + "://" + token.getHost() + (token.getPort() < 0 ? "" : ":" + token.getPort());
        }
        return new ConsoleWebFilter(assets, tokenOrigin);
    }

    /** {@code config.json}: region, account and the OIDC sign-in, if configured (no secret: public client). */
    static byte[] configJson(ConsoleProperties console, String region, String accountId) {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode root = json.createObjectNode();
        root.put("region", region);
        root.put("accountId", accountId);
        ConsoleProperties.Oidc oidc = console.oidc();
        if (oidc == null) {
            root.putNull("oidc");
        } else {
            ObjectNode o = root.putObject("oidc");
            o.put("issuer", oidc.issuer());
            o.put("clientId", oidc.clientId());
            o.put("authorizationEndpoint", oidc.authorizationEndpoint());
            o.put("tokenEndpoint", oidc.tokenEndpoint());
            o.put("roleArn", oidc.roleArn());
            o.put("scopes", oidc.scopes());
        }
        return json.writeValueAsBytes(root);
    }

    @Bean(destroyMethod = "close")
    ConsoleExports consoleExports(GatewayProperties properties, AuditSigningKeys keys, Clock clock) {
        return new ConsoleExports(properties.auditDir(), properties.home().toAbsolutePath().normalize()
                .resolve("exports"), () -> {
                    SigningKey key = keys.current();
                    return new BundleSigningKey(key::sign, key.fingerprint());
                }, clock);
    }

    @Bean
    ConsoleService consoleService(PrincipalDirectory principals, GatewayProperties properties,
                                  ConsoleExports exports, EndpointMetrics metrics, HostingAccount account,
                                  Clock clock, io.mlgate.iam.guardrail.GuardrailSet guardrails) {
        return new ConsoleService(principals::configuration, guardrails, properties.policiesDir().resolve("tests"),
                properties.auditDir(), exports, metrics, properties.region(), account.id(), clock);
    }

    /** Samples {@link EndpointMetrics#sampleHistory} every {@value #HISTORY_INTERVAL_SECONDS} s, from the start. */
    @Bean(destroyMethod = "close")
    HistorySampler endpointMetricsHistory(EndpointMetrics metrics, Clock clock) {
        return new HistorySampler(metrics, clock);
    }

    /** The thread that samples the endpoint metrics history ({@code mlgate-metrics-history}, a daemon). */
    static final class HistorySampler implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mlgate-metrics-history");
            t.setDaemon(true);
            return t;
        });

        HistorySampler(EndpointMetrics metrics, Clock clock) {
            timer.scheduleAtFixedRate(() -> {
                try {
                    metrics.sampleHistory(clock.instant().getEpochSecond());
                } catch (RuntimeException e) {
                    LOG.warn("endpoint metrics history sample failed (" + e.getClass().getSimpleName() + ")");
                }
            }, 0, HISTORY_INTERVAL_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
