package io.mlgate.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.AuditLog;
import io.mlgate.audit.AuditLogReader;
import io.mlgate.audit.AuditLogSettings;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventType;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.UserIdentity;
import io.mlgate.audit.integrity.AuditSigningKeys;
import io.mlgate.audit.integrity.RetentionPolicy;
import io.mlgate.audit.integrity.TrailValidator;
import io.mlgate.audit.integrity.ValidationOptions;
import io.mlgate.audit.integrity.ValidationReport;
import io.mlgate.audit.integrity.WrittenDigest;
import io.mlgate.kms.RootKey;
import io.mlgate.sts.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's digest and retention loop: each period closes the current log file and writes a digest covering it;
 * retention then removes expired periods, records an AuditRetentionApplied event, and the trail still validates.
 */
class AuditTrailKeeperTest {

    @TempDir
    Path home;

    private static AuditEvent event(Instant t, String name) {
        return AuditEvent.builder().eventTime(t).awsRegion("us-east-1").requestID(UUID.randomUUID().toString())
                .eventType(EventType.AWS_API_CALL).eventCategory(EventCategory.MANAGEMENT)
                .userIdentity(UserIdentity.builder(IdentityType.IAM_USER).arn("arn:aws:iam::123456789012:user/a")
                        .accountId("123456789012").userName("a").build())
                .eventSource("iam.amazonaws.com").eventName(name).sourceIPAddress("127.0.0.1").readOnly(true)
                .build();
    }

    @Test
    void periodsAreDigestedAndExpiredOnesRemovedWithAnAuditEvent() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        Path keys = home.resolve("keys");
        AuditSigningKeys signing = AuditSigningKeys.loadOrCreate(keys, RootKey.loadOrCreate(keys), clock);
        Path audit = home.resolve("audit");
        try (AuditLog log = AuditLog.open(audit, AuditLogSettings.builder().clock(clock)
                .accountId("123456789012").build());
             AuditTrailKeeper keeper = new AuditTrailKeeper(log, signing, "123456789012", "us-east-1", clock,
                     Duration.ofHours(1), RetentionPolicy.deleteOlderThan(Duration.ofHours(2)))) {
            assertThat(audit.resolve("public-keys.json")).exists();
            for (int hour = 0; hour < 4; hour++) {
                log.append(event(clock.instant(), "ListUsers")).get();
                clock.advance(Duration.ofHours(1));
                WrittenDigest d = keeper.endOfPeriodNow();
                assertThat(d.logFiles()).hasSize(1);
            }
            // the digests ending at 11:00 and 12:00 are more than 2 h old at 14:00 (the newest is never removed)
            List<JsonNode> events = AuditLogReader.of(audit).readTrees();
            JsonNode retention = events.stream()
                    .filter(e -> e.path("eventName").asString().equals(AuditTrailKeeper.RETENTION_EVENT))
                    .findFirst().orElseThrow();
            assertThat(retention.path("eventType").asString()).isEqualTo("AwsServiceEvent");
            assertThat(retention.path("additionalEventData").path("action").asString()).isEqualTo("delete");
            assertThat(retention.path("additionalEventData").path("digestsRemoved").asInt()).isPositive();
            assertThat(CloudTrailRecordSchema.violations(retention)).isEmpty();
            assertThat(Files.exists(audit.resolve("digests/retention.json"))).isTrue();
            keeper.endOfPeriodNow();
        }
        // the shutdown digest covers the rest; what retention removed is accounted for
        ValidationReport report = new TrailValidator().validate(audit, ValidationOptions.defaults());
        assertThat(report.problems()).isEmpty();
        assertThat(report.notYetDigested()).isEmpty();
        assertThat(report.information()).anySatisfy(i -> assertThat(i).containsIgnoringCase("retention"));
    }

    @Test
    void withoutRetentionNothingIsRemoved() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
        Path keys = home.resolve("keys");
        AuditSigningKeys signing = AuditSigningKeys.loadOrCreate(keys, RootKey.loadOrCreate(keys), clock);
        Path audit = home.resolve("audit");
        try (AuditLog log = AuditLog.open(audit, AuditLogSettings.builder().clock(clock).build());
             AuditTrailKeeper keeper = new AuditTrailKeeper(log, signing, "123456789012", "us-east-1", clock,
                     Duration.ofHours(1), null)) {
            for (int hour = 0; hour < 3; hour++) {
                log.append(event(clock.instant(), "GetUser")).get();
                clock.advance(Duration.ofDays(30));
                keeper.endOfPeriodNow();
            }
        }
        assertThat(Files.exists(audit.resolve("digests/retention.json"))).isFalse();
        ValidationReport report = new TrailValidator().validate(audit, ValidationOptions.defaults());
        assertThat(report.problems()).isEmpty();
        assertThat(report.digestsChecked()).isGreaterThanOrEqualTo(4);
    }
}
