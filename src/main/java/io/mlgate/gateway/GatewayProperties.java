package io.mlgate.gateway;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Gateway settings ({@code mlgate.*}). Relative folders resolve against {@code mlgate.home} (the repository root when
 * started with {@code ./mlgate}).
 *
 * @param home           base folder for the relative folders below
 * @param keysDir        generated keys, certificates, the keystore and access keys
 * @param policiesDir    declarative IAM configuration
 * @param auditDir       audit event files
 * @param dataDir        runtime state: the encrypted model store
 * @param region         the region this gateway serves (scope of SigV4 credentials and of ARNs)
 * @param host           the address HTTPS listens on; also a subject alternative name of the dev certificate
 * @param clockSkew      the SigV4 clock-skew window
 * @param maxInvokeBody  largest InvokeEndpoint payload (SageMaker's 6 MiB)
 * @param auditSync      {@code strict} (fsync before the response, the default) or {@code batched}
 * @param auditBatchDelay longest delay before an fsync in {@code batched} mode
 * @param inferenceThreads size of the scheduler that runs models (0 = number of cores)
 * @param inferenceScheduler {@code dedicated} (models run on their own threads, the default) or {@code event-loop}
 *                   (models run inline on the Netty event loop: no thread hand-off; only for models of microseconds)
 * @param policiesReloadInterval how often policies/ is checked for changes (0 = never; default 2 s)
 * @param demo           create the demo access keys and credentials file on start
 * @param keyRecheckInterval how often each endpoint's model key is re-checked through KMS as its execution role
 *                   (crypto-shredding: a refused key stops the endpoint; 0 = never; default 60 s)
 * @param bearerRoleArn  when set, InvokeEndpoint also accepts {@code Authorization: Bearer <OIDC ID token>} for
 *                       this role, under its web-identity trust policy (off by default; for non-AWS clients)
 * @param auditSegmentSize  a log file is closed when it would grow past this many bytes (default 64 MiB)
 * @param auditRollInterval a log file holding records is closed when it is this old (default 5 min)
 * @param auditDigestPeriod how often a signed digest file is written (default 1 h, at least 1 min)
 * @param auditRetention    digest periods older than this are archived or deleted (default: kept forever)
 * @param auditRetentionAction {@code archive} (move into {@code auditArchiveDir}, the default) or {@code delete}
 * @param auditArchiveDir   where retention moves expired files (default audit-archive/ beside audit/)
 * @param auditLookupDataEvents whether LookupEvents also returns data events (InvokeEndpoint); default true
 */
@ConfigurationProperties("mlgate")
public record GatewayProperties(
        Path home,
        Path keysDir,
        Path policiesDir,
        Path auditDir,
        Path dataDir,
        String region,
        String host,
        Duration clockSkew,
        Integer maxInvokeBody,
        String auditSync,
        Duration auditBatchDelay,
        Integer inferenceThreads,
        String inferenceScheduler,
        Duration policiesReloadInterval,
        Boolean demo,
        String bearerRoleArn,
        Duration keyRecheckInterval,
        Long auditSegmentSize,
        Duration auditRollInterval,
        Duration auditDigestPeriod,
        Duration auditRetention,
        String auditRetentionAction,
        Path auditArchiveDir,
        Boolean auditLookupDataEvents) {

    public GatewayProperties {
        home = home == null ? Path.of(".") : home;
        keysDir = resolve(home, keysDir, "keys");
        policiesDir = resolve(home, policiesDir, "policies");
        auditDir = resolve(home, auditDir, "audit");
        dataDir = resolve(home, dataDir, "data");
        region = region == null || region.isBlank() ? "us-east-1" : region;
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        clockSkew = clockSkew == null ? Duration.ofMinutes(5) : clockSkew;
        maxInvokeBody = maxInvokeBody == null ? 6 * 1024 * 1024 : maxInvokeBody;
        auditSync = auditSync == null ? "strict" : auditSync;
        auditBatchDelay = auditBatchDelay == null ? Duration.ofMillis(5) : auditBatchDelay;
        inferenceThreads = inferenceThreads == null || inferenceThreads <= 0
                ? Runtime.getRuntime().availableProcessors() : inferenceThreads;
        inferenceScheduler = inferenceScheduler == null || inferenceScheduler.isBlank() ? "dedicated" : inferenceScheduler;
        policiesReloadInterval = policiesReloadInterval == null ? Duration.ofSeconds(2) : policiesReloadInterval;
        demo = demo == null || demo;
        keyRecheckInterval = keyRecheckInterval == null ? Duration.ofSeconds(60) : keyRecheckInterval;
        bearerRoleArn = bearerRoleArn == null || bearerRoleArn.isBlank() ? null : bearerRoleArn.strip();
        auditSegmentSize = auditSegmentSize == null ? 64L * 1024 * 1024 : auditSegmentSize;
        auditRollInterval = auditRollInterval == null ? Duration.ofMinutes(5) : auditRollInterval;
        auditDigestPeriod = auditDigestPeriod == null ? Duration.ofHours(1) : auditDigestPeriod;
        if (auditDigestPeriod.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("mlgate.audit-digest-period must be at least 1m");
        }
        if (auditRetention != null && (auditRetention.isZero() || auditRetention.isNegative())) {
            auditRetention = null;
        }
        auditRetentionAction = auditRetentionAction == null || auditRetentionAction.isBlank() ? "archive"
                : auditRetentionAction.strip().toLowerCase(java.util.Locale.ROOT);
        if (!auditRetentionAction.equals("archive") && !auditRetentionAction.equals("delete")) {
            throw new IllegalArgumentException("mlgate.audit-retention-action must be archive or delete");
        }
        auditArchiveDir = resolve(home, auditArchiveDir, "audit-archive");
        auditLookupDataEvents = auditLookupDataEvents == null || auditLookupDataEvents;
    }

    public boolean bearerTokensEnabled() {
        return bearerRoleArn != null;
    }

    private static Path resolve(Path home, Path value, String fallback) {
        Path path = value == null ? Path.of(fallback) : value;
        return (path.isAbsolute() ? path : home.resolve(path)).toAbsolutePath().normalize();
    }
}
