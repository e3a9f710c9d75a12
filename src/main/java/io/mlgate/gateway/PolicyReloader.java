package io.mlgate.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.AuditLog;
import io.mlgate.audit.EventData;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.guardrail.GuardrailConfigurationException;
import io.mlgate.iam.guardrail.GuardrailSet;
import io.mlgate.iam.validate.Finding;
import io.mlgate.sts.oidc.OidcConfigurationException;
import io.mlgate.sts.oidc.OidcProviders;
import io.mlgate.iam.validate.ValidatedConfiguration;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.ConfigurationProblem;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Hot reload of policies/: a background thread (never an event loop) looks at the folder's files every interval;
 * when any file was added, removed or changed, the whole configuration is loaded and validated again
 * ({@link ValidatedConfiguration}: the loader's strict parse plus the policy validator's ERROR findings). A valid one is
 * swapped in at once ({@link PrincipalDirectory#use}), together with the OPA guardrails of policies/opa/
 * ({@link GuardrailSet#reload}); an invalid one (IAM files, OIDC providers or guardrails) is rejected and the
 * previous configuration stays in force. Calls already authenticated finish with the principal (and policies) they started with. Every
 * reload, accepted or rejected, is an audit event ({@code PolicyConfigurationReloaded}).
 */
public final class PolicyReloader implements AutoCloseable {

    public static final String EVENT_NAME = "PolicyConfigurationReloaded";
    private static final Log LOG = LogFactory.getLog(PolicyReloader.class);

    private final Path dir;
    private final PrincipalDirectory principals;
    private final AuditLog audit;
    private final String region;
    private final String accountId;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private volatile String fingerprint;
    private volatile OidcProviders oidcProviders;
    private final GuardrailSet guardrails;

    /**
     * @param guardrails the OPA guardrails of policies/opa/, reloaded together with the IAM files: a change is taken
     *                   only when both the IAM configuration and the guardrails load
     */
    public PolicyReloader(Path dir, PrincipalDirectory principals, AuditLog audit, String region, String accountId,
                          Clock clock, Duration interval, GuardrailSet guardrails) throws IOException {
        this.dir = dir;
        this.guardrails = guardrails;
        this.principals = principals;
        this.audit = audit;
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
        this.fingerprint = fingerprint(dir);
        try {
            this.oidcProviders = OidcProviders.load(dir);
        } catch (OidcConfigurationException e) {
            throw new IllegalStateException("the OIDC providers in " + dir + " are invalid: " + e.getMessage(), e);
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mlgate-policy-reload");
            thread.setDaemon(true);
            return thread;
        });
        if (!interval.isZero() && !interval.isNegative()) {
            long millis = interval.toMillis();
            timer.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Reloads if anything under the folder changed since the last look; returns true if a reload was attempted. */
    public synchronized boolean check() throws IOException {
        String now = fingerprint(dir);
        if (now.equals(fingerprint)) {
            return false;
        }
        fingerprint = now;
        reload();
        return true;
    }

    /**
     * Swaps in a configuration another writer of the folder (the IAM API) has just written and validated, and
     * takes the folder's current state as seen, so the timer does not load the same change a second time.
     */
    public synchronized void applied(IamConfiguration configuration) {
        principals.use(configuration);
        try {
            fingerprint = fingerprint(dir);
        } catch (IOException e) {
            fingerprint = ""; // the next look reloads from the files, which hold the same configuration
        }
    }

    /** The OIDC identity providers of policies/oidc-providers/, swapped together with the IAM configuration. */
    public OidcProviders oidcProviders() {
        return oidcProviders;
    }

    private OidcProviders loadOidcProviders() throws OidcConfigurationException {
        try {
            return OidcProviders.load(dir);
        } catch (IOException e) {
            throw new OidcConfigurationException("cannot read " + OidcProviders.DIRECTORY + "/ ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read " + dir + " for policy changes: " + e.getClass().getSimpleName());
        }
    }

    private void reload() {
        EventData.Builder details = EventData.builder().put("policiesDir", dir.toString());
        String errorCode = null;
        String errorMessage = null;
        try {
            ValidatedConfiguration validated = ValidatedConfiguration.load(dir);
            IamConfiguration configuration = validated.configuration();
            OidcProviders providers = loadOidcProviders();
            guardrails.reload(dir); // swaps the guardrails only if they all load; else nothing below is swapped
            principals.use(configuration);
            oidcProviders = providers;
            List<String> findings = new ArrayList<>();
            for (Finding finding : validated.findings()) {
                if (findings.size() == 20) {
                    break;
                }
                findings.add(finding.toString());
            }
            details.put("accepted", true).put("users", configuration.users().size())
                    .put("managedPolicies", configuration.managedPolicies().size())
                    .put("validatorFindings", validated.findings().size())
                    .putStrings("guardrails", guardrails.names())
                    .putStrings("findings", findings);
            if (!findings.isEmpty()) {
                LOG.warn("the reloaded IAM configuration has " + validated.findings().size()
                        + " validator finding(s) below ERROR:\n" + String.join("\n", findings));
            }
            LOG.info("reloaded the IAM configuration from " + dir);
        } catch (OidcConfigurationException e) {
            details.put("accepted", false).putStrings("problems", List.of(e.getMessage()));
            errorCode = "MalformedPolicyDocument";
            errorMessage = "The new OIDC provider configuration is invalid; the previous configuration stays in force.";
            LOG.warn(errorMessage + "\n" + e.getMessage());
        } catch (GuardrailConfigurationException e) {
            List<String> problems = e.problems().size() > 20 ? e.problems().subList(0, 20) : e.problems();
            details.put("accepted", false).putStrings("problems", problems);
            errorCode = "MalformedPolicyDocument";
            errorMessage = "The new OPA guardrails in " + GuardrailSet.DIRECTORY + "/ are invalid; the previous "
                    + "configuration stays in force (" + e.problems().size() + " problem(s)).";
            LOG.warn(errorMessage + "\n" + String.join("\n", problems));
        } catch (ConfigurationException e) {
            List<String> problems = new ArrayList<>();
            for (ConfigurationProblem problem : e.problems()) {
                if (problems.size() == 20) {
                    break;
                }
                problems.add(problem.toString());
            }
            details.put("accepted", false).putStrings("problems", problems);
            errorCode = "MalformedPolicyDocument";
            errorMessage = "The new IAM configuration is invalid; the previous one stays in force ("
                    + e.problems().size() + " problem(s)).";
            LOG.warn(errorMessage + "\n" + String.join("\n", problems));
        }
        AuditEvent.Builder event = AuditEvent.serviceEvent(EVENT_NAME, clock.instant(), region, accountId)
                .additionalEventData(details.build());
        if (errorCode != null) {
            event.error(errorCode, errorMessage);
        }
        audit.append(event.build()).exceptionally(e -> {
            LOG.error("audit append failed for a policy reload (" + e.getClass().getSimpleName() + ")");
            return null;
        });
    }

    /** Names, sizes and modification times of every regular file below {@code dir}, in a stable order. */
    static String fingerprint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder out = new StringBuilder(1024);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted().toList()) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    out.append(dir.relativize(file)).append('|').append(attributes.size()).append('|')
                            .append(attributes.lastModifiedTime().toMillis()).append('\n');
                }
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
