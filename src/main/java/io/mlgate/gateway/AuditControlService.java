package io.mlgate.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.AuditLog;
import io.mlgate.audit.integrity.WrittenDigest;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.pii.discovery.DiscoverySummary;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The audit-trail operations CloudTrail has no API for, over JSON 1.1 ({@link JsonApi#MLGATE_AUDIT}):
 * <ul>
 *   <li>{@code CreateDigest} closes the current log file and writes a signed digest at once (what
 *       {@code ./mlgate audit digest --now} asks a running gateway to do), authorized as
 *       {@code mlgate:CreateAuditDigest};</li>
 *   <li>{@code RecordPiiDiscoveryJob} writes the {@code PiiDiscoveryJob} event of a discovery job that
 *       {@code ./mlgate pii scan} ran while this gateway holds the audit folder (docs/pii-discovery.md), authorized
 *       as {@code mlgate:RecordPiiDiscoveryJob}. The body is the job's summary (counts, never values), read strictly
 *       ({@link DiscoverySummary#fromRequest}); the event is the same one the CLI writes itself when no gateway
 *       runs, with the caller's ARN and address added; the answer waits until it is durable.</li>
 * </ul>
 * Both calls are audited like every call.
 */
public final class AuditControlService implements JsonService {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DIGEST = "CreateDigest";
    private static final String DISCOVERY = "RecordPiiDiscoveryJob";

    private final AuditTrailKeeper keeper;
    private final AuditLog log;
    private final String region;
    private final String accountId;
    private final Clock clock;

    /**
     * @param log       where {@code RecordPiiDiscoveryJob} appends the job's event
     * @param accountId the hosting account (the event's recipientAccountId)
     */
    public AuditControlService(AuditTrailKeeper keeper, AuditLog log, String region, String accountId, Clock clock) {
        this.keeper = keeper;
        this.log = log;
        this.region = region;
        this.accountId = accountId;
        this.clock = clock;
    }

    @Override
    public JsonApi api() {
        return JsonApi.MLGATE_AUDIT;
    }

    @Override
    public Set<String> operations() {
        return Set.of(DIGEST, DISCOVERY);
    }

    /** A discovery job's summary lists at most 100 roots of 1024 characters and its counts by type. */
    @Override
    public int maxBodyBytes() {
        return 256 * 1024;
    }

    @Override
    public JsonTarget target(String operation, JsonNode body, String accountId, PrincipalContext caller)
            throws JsonServiceException {
        if (operation.equals(DISCOVERY)) {
            DiscoverySummary s = summary(body);
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("jobId", s.jobId());
            parameters.put("pathCount", s.pathCount());
            parameters.put("modelStore", s.modelStore());
            return new JsonTarget("mlgate:RecordPiiDiscoveryJob", "*", null, false, parameters);
        }
        if (body.size() != 0) {
            throw JsonServiceException.validation("CreateDigest takes no parameters");
        }
        return new JsonTarget("mlgate:CreateAuditDigest", "*", null, false, Map.of());
    }

    @Override
    public JsonNode invoke(String operation, JsonNode body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        if (operation.equals(DISCOVERY)) {
            return recordDiscoveryJob(summary(body), caller, context);
        }
        WrittenDigest d;
        try {
            d = keeper.digestNow();
        } catch (IOException e) {
            throw new JsonServiceException("ServiceUnavailableException", 503,
                    "The digest could not be written; see the gateway log.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("DigestS3Object", d.digestS3Object());
        out.put("DigestSequence", d.digestSequence());
        out.put("DigestStartTime", AuditEvent.formatTime(d.digestStartTime()));
        out.put("DigestEndTime", AuditEvent.formatTime(d.digestEndTime()));
        if (d.firstLogSequence() != null) {
            out.put("FirstLogSequence", d.firstLogSequence());
            out.put("LastLogSequence", d.lastLogSequence());
        }
        out.put("LogFileCount", d.logFiles().size());
        out.putPOJO("MissingLogSequences", d.missingLogFiles());
        out.put("Witness", d.witness().value());
        return out;
    }

    private static DiscoverySummary summary(JsonNode body) throws JsonServiceException {
        try {
            return DiscoverySummary.fromRequest(body);
        } catch (IllegalArgumentException e) {
            throw JsonServiceException.validation("RecordPiiDiscoveryJob: " + e.getMessage());
        }
    }

    /** Appends the job's event and answers once it is durable; a write that fails is a 503, never a success. */
    private JsonNode recordDiscoveryJob(DiscoverySummary summary, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        List<String> ip = context.values("aws:SourceIp");
        AuditEvent event = summary.event(clock.instant(), region, accountId,
                DiscoverySummary.Origin.gateway(caller.arn(), ip == null || ip.isEmpty() ? null : ip.get(0)));
        try {
            log.append(event).get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new JsonServiceException("ServiceUnavailableException", 503,
                    "The job's audit event could not be written; see the gateway log.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JsonServiceException("ServiceUnavailableException", 503, "Interrupted.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("JobId", summary.jobId());
        out.put("EventId", event.eventID().toString());
        return out;
    }
}
