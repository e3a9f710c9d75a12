package io.mlgate.pii.discovery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.EventType;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.UserIdentity;
import io.mlgate.pii.PiiType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the audit trail records about a discovery job: which roots it read, when, how much, and how many findings of
 * each type; never a value, and no per-file detail (that is the report's). It becomes one CloudTrail-shaped
 * {@code PiiDiscoveryJob} event ({@link #event}), written straight into the audit folder when no gateway holds it,
 * or sent to the running gateway ({@link #toRequest()}, {@code MlgateAudit_20261126.RecordPiiDiscoveryJob}), which
 * reads it back strictly ({@link #fromRequest}) and writes the same event.
 *
 * @param roots     the roots as scanned (at most {@value #MAX_ROOTS}, each at most {@value #MAX_ROOT_CHARS} chars)
 * @param pathCount how many paths the job was given (the roots list may be shorter)
 */
public record DiscoverySummary(String jobId, List<String> roots, int pathCount, boolean modelStore,
                               List<String> customDetectors, Instant startTime, Instant endTime, long filesScanned,
                               long filesSkipped, long filesFailed, long bytesScanned,
                               SortedMap<String, Long> countsByType) {

    /** {@code eventSource} of the job's event (mlgate's own services are {@code <name>.mlgate}). */
    public static final String EVENT_SOURCE = "pii.mlgate";
    /** {@code eventName} of the job's event. */
    public static final String EVENT_NAME = "PiiDiscoveryJob";
    /** {@code userIdentity.invokedBy} and, for a job recorded locally, {@code sourceIPAddress}. */
    public static final String INVOKED_BY = "cli.mlgate";
    static final int MAX_ROOTS = 100;
    static final int MAX_ROOT_CHARS = 1024;
    static final int MAX_TYPES = 1000;

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> MEMBERS = Set.of("JobId", "Roots", "PathCount", "ModelStore",
            "CustomDetectors", "StartTime", "EndTime", "FilesScanned", "FilesSkipped", "FilesFailed", "BytesScanned",
            "CountsByType");

    public DiscoverySummary {
        if (jobId == null || !UUID_TEXT.matcher(jobId).matches()) {
            throw new IllegalArgumentException("JobId must be a lower-case UUID");
        }
        roots = List.copyOf(roots);
        if (roots.size() > MAX_ROOTS) {
            throw new IllegalArgumentException("at most " + MAX_ROOTS + " Roots");
        }
        for (String r : roots) {
            if (r.isEmpty() || r.length() > MAX_ROOT_CHARS) {
                throw new IllegalArgumentException("each root is 1 to " + MAX_ROOT_CHARS + " characters");
            }
        }
        customDetectors = List.copyOf(customDetectors);
        if (customDetectors.size() > MAX_TYPES) {
            throw new IllegalArgumentException("at most " + MAX_TYPES + " CustomDetectors");
        }
        customDetectors.forEach(PiiType::new);
        if (pathCount < roots.size()) {
            throw new IllegalArgumentException("PathCount is less than the number of Roots");
        }
        Objects.requireNonNull(startTime, "StartTime");
        Objects.requireNonNull(endTime, "EndTime");
        if (endTime.isBefore(startTime)) {
            throw new IllegalArgumentException("EndTime is before StartTime");
        }
        if (pathCount < 0 || filesScanned < 0 || filesSkipped < 0 || filesFailed < 0 || bytesScanned < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
        if (countsByType.size() > MAX_TYPES) {
            throw new IllegalArgumentException("at most " + MAX_TYPES + " types in CountsByType");
        }
        for (Map.Entry<String, Long> e : countsByType.entrySet()) {
            new PiiType(e.getKey());
            if (e.getValue() == null || e.getValue() < 1) {
                throw new IllegalArgumentException("CountsByType." + e.getKey() + " must be a positive count");
            }
        }
        countsByType = Collections.unmodifiableSortedMap(new TreeMap<>(countsByType));
    }

    /** The summary of {@code report}, a job given {@code pathCount} paths. */
    public static DiscoverySummary of(DiscoveryReport report, int pathCount) {
        List<String> roots = new ArrayList<>();
        for (String r : report.roots()) {
            if (roots.size() == MAX_ROOTS) {
                break;
            }
            roots.add(r.length() > MAX_ROOT_CHARS ? r.substring(0, MAX_ROOT_CHARS) : r);
        }
        return new DiscoverySummary(report.jobId(), roots, Math.max(pathCount, roots.size()),
                report.modelStore() != null, report.detectors().custom(), report.startTime(), report.endTime(),
                report.filesScanned(), report.filesSkipped(), report.filesFailed(), report.bytesScanned(),
                report.countsByType());
    }

    public long findings() {
        long n = 0;
        for (long c : countsByType.values()) {
            n += c;
        }
        return n;
    }

    /** Where the job's event comes from: recorded by the CLI itself, or relayed by the gateway for a caller. */
    public record Origin(String recordedVia, String sourceIPAddress, String reportedBy, String osUser) {

        /** Written into the audit folder by the CLI; {@code osUser} is the operating-system account, or null. */
        public static Origin local(String osUser) {
            return new Origin("local", INVOKED_BY, null, osUser);
        }

        /** Sent to the gateway by {@code callerArn} from {@code sourceIp}. */
        public static Origin gateway(String callerArn, String sourceIp) {
            return new Origin("gateway", sourceIp == null || sourceIp.isBlank() ? INVOKED_BY : sourceIp,
                    callerArn, null);
        }
    }

    /**
     * The job's CloudTrail-shaped event: {@code AwsServiceEvent} from {@value #EVENT_SOURCE}, named
     * {@value #EVENT_NAME}, {@code userIdentity} the AWS service {@value #INVOKED_BY}; {@code requestParameters}
     * roots, path count, model store and custom detector names; {@code responseElements} the job id, status, times,
     * file and byte counts, findings and {@code countsByType}; {@code additionalEventData} how it was recorded (and
     * by whom, when relayed).
     */
    public AuditEvent event(Instant now, String region, String accountId, Origin origin) {
        EventData.Builder counts = EventData.builder();
        countsByType.forEach(counts::put);
        EventData request = EventData.builder()
                .putStrings("roots", roots)
                .put("pathCount", pathCount)
                .put("modelStore", modelStore)
                .putStrings("customDetectors", customDetectors)
                .build();
        EventData response = EventData.builder()
                .put("jobId", jobId)
                .put("jobStatus", "COMPLETE")
                .put("startTime", AuditEvent.formatTime(startTime))
                .put("endTime", AuditEvent.formatTime(endTime))
                .put("filesScanned", filesScanned)
                .put("filesSkipped", filesSkipped)
                .put("filesFailed", filesFailed)
                .put("bytesScanned", bytesScanned)
                .put("findings", findings())
                .put("countsByType", counts.build())
                .build();
        EventData.Builder additional = EventData.builder().put("recordedVia", origin.recordedVia());
        if (origin.reportedBy() != null) {
            additional.put("reportedBy", origin.reportedBy());
        }
        if (origin.osUser() != null && !origin.osUser().isBlank()) {
            additional.put("osUser", origin.osUser());
        }
        AuditEvent.Builder event = AuditEvent.builder()
                .eventType(EventType.AWS_SERVICE_EVENT)
                .eventCategory(EventCategory.MANAGEMENT)
                .userIdentity(UserIdentity.builder(IdentityType.AWS_SERVICE).invokedBy(INVOKED_BY).build())
                .eventTime(now)
                .eventSource(EVENT_SOURCE)
                .eventName(EVENT_NAME)
                .awsRegion(region)
                .sourceIPAddress(origin.sourceIPAddress())
                .requestID(UUID.randomUUID().toString())
                .readOnly(false)
                .requestParameters(request)
                .responseElements(response)
                .additionalEventData(additional.build());
        if (accountId != null) {
            event.recipientAccountId(accountId);
        }
        return event.build();
    }

    /** The body of {@code RecordPiiDiscoveryJob} (JSON 1.1: PascalCase members, times in epoch seconds). */
    public byte[] toRequest() {
        ObjectNode o = JSON.createObjectNode();
        o.put("JobId", jobId);
        ArrayNode r = o.putArray("Roots");
        roots.forEach(r::add);
        o.put("PathCount", pathCount);
        o.put("ModelStore", modelStore);
        ArrayNode c = o.putArray("CustomDetectors");
        customDetectors.forEach(c::add);
        o.put("StartTime", startTime.getEpochSecond());
        o.put("EndTime", endTime.getEpochSecond());
        o.put("FilesScanned", filesScanned);
        o.put("FilesSkipped", filesSkipped);
        o.put("FilesFailed", filesFailed);
        o.put("BytesScanned", bytesScanned);
        ObjectNode counts = o.putObject("CountsByType");
        countsByType.forEach(counts::put);
        return JSON.writeValueAsBytes(o);
    }

    /**
     * Reads a {@code RecordPiiDiscoveryJob} body strictly: every member required, no other member, types and
     * ranges checked.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DiscoverySummary fromRequest(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        Set<String> present = new HashSet<>();
        for (Iterator<String> it = body.propertyNames().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!MEMBERS.contains(name)) {
                throw new IllegalArgumentException("unknown member " + name);
            }
            present.add(name);
        }
        for (String m : MEMBERS) {
            if (!present.contains(m)) {
                throw new IllegalArgumentException("missing member " + m);
            }
        }
        JsonNode counts = body.get("CountsByType");
        if (!counts.isObject()) {
            throw new IllegalArgumentException("CountsByType must be an object of counts");
        }
        SortedMap<String, Long> byType = new TreeMap<>();
        for (Iterator<String> it = counts.propertyNames().iterator(); it.hasNext(); ) {
            String type = it.next();
            byType.put(type, whole(counts.get(type), "CountsByType." + type));
        }
        long pathCount = whole(body.get("PathCount"), "PathCount");
        if (pathCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("PathCount is too large");
        }
        JsonNode modelStore = body.get("ModelStore");
        if (!modelStore.isBoolean()) {
            throw new IllegalArgumentException("ModelStore must be a boolean");
        }
        return new DiscoverySummary(text(body.get("JobId"), "JobId"), strings(body.get("Roots"), "Roots"),
                (int) pathCount, modelStore.booleanValue(),
                strings(body.get("CustomDetectors"), "CustomDetectors"),
                Instant.ofEpochSecond(whole(body.get("StartTime"), "StartTime")),
                Instant.ofEpochSecond(whole(body.get("EndTime"), "EndTime")),
                whole(body.get("FilesScanned"), "FilesScanned"), whole(body.get("FilesSkipped"), "FilesSkipped"),
                whole(body.get("FilesFailed"), "FilesFailed"), whole(body.get("BytesScanned"), "BytesScanned"),
                byType);
    }

    private static long whole(JsonNode v, String name) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new IllegalArgumentException(name + " must be a non-negative integer");
        }
        return v.longValue();
    }

    private static String text(JsonNode v, String name) {
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException(name + " must be a string");
        }
        return v.stringValue();
    }

    private static List<String> strings(JsonNode v, String name) {
        if (v == null || !v.isArray()) {
            throw new IllegalArgumentException(name + " must be an array of strings");
        }
        if (v.size() > MAX_TYPES) {
            throw new IllegalArgumentException(name + " is too long");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            out.add(text(e, name + "[]"));
        }
        return out;
    }
}
