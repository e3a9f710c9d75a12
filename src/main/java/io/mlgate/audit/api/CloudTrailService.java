package io.mlgate.audit.api;

import io.mlgate.audit.index.EventIndex;
import io.mlgate.audit.index.EventPage;
import io.mlgate.audit.index.EventPosition;
import io.mlgate.audit.index.EventQuery;
import io.mlgate.audit.index.IndexedEvent;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * AWS CloudTrail's {@code LookupEvents} and {@code ListPublicKeys} (JSON 1.1) over an audit folder: events come from
 * an {@link EventIndex}, public keys from the folder's {@code public-keys.json}.
 *
 * <p>Unlike AWS, whose LookupEvents returns management events only, mlgate also returns data events (InvokeEndpoint)
 * unless constructed with {@code includeDataEvents = false}.
 */
public final class CloudTrailService implements JsonService {

    static final Set<String> OPERATIONS = Set.of("LookupEvents", "ListPublicKeys");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final EventIndex index;
    private final Clock clock;
    private final boolean includeDataEvents;
    private final PageTokens tokens;

    /**
     * @param index             the index of the audit folder (also where {@code public-keys.json} is read)
     * @param clock             the time source (ListPublicKeys' default time range is "now")
     * @param includeDataEvents whether LookupEvents returns data events too (the gateway passes true)
     */
    public CloudTrailService(EventIndex index, Clock clock, boolean includeDataEvents) {
        this.index = Objects.requireNonNull(index, "index");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.includeDataEvents = includeDataEvents;
        this.tokens = new PageTokens(new SecureRandom());
    }

    @Override
    public JsonApi api() {
        return JsonApi.CLOUDTRAIL;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    @Override
    public JsonTarget target(String operation, JsonNode body, String accountId, PrincipalContext caller)
            throws JsonServiceException {
        requireOperation(operation);
        Map<String, Object> params = new LinkedHashMap<>();
        JsonNode attributes = body.get("LookupAttributes");
        if (operation.equals("LookupEvents") && attributes != null && attributes.isArray() && attributes.size() == 1
                && attributes.get(0).isObject()) {
            JsonNode a = attributes.get(0);
            Map<String, Object> first = new LinkedHashMap<>();
            copyString(a, "AttributeKey", "attributeKey", first);
            copyString(a, "AttributeValue", "attributeValue", first);
            params.put("lookupAttributes", java.util.List.of(first));
        }
        for (String member : new String[] {"StartTime", "EndTime", "MaxResults"}) {
            JsonNode n = body.get(member);
            if (n != null && n.isNumber()) {
                params.put(Character.toLowerCase(member.charAt(0)) + member.substring(1), n.asString());
            }
        }
        if (operation.equals("LookupEvents")) {
            copyString(body, "EventCategory", "eventCategory", params);
        }
        return new JsonTarget("cloudtrail:" + operation, "*", null, true, params);
    }

    private static void copyString(JsonNode from, String member, String name, Map<String, Object> to) {
        JsonNode n = from.get(member);
        if (n != null && n.isString()) {
            String v = n.stringValue();
            to.put(name, v.length() > LookupEventsRequest.MAX_ATTRIBUTE_VALUE
                    ? v.substring(0, LookupEventsRequest.MAX_ATTRIBUTE_VALUE) : v);
        }
    }

    @Override
    public JsonNode invoke(String operation, JsonNode body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        requireOperation(operation);
        return operation.equals("LookupEvents") ? lookupEvents(body) : listPublicKeys(body);
    }

    private static void requireOperation(String operation) throws JsonServiceException {
        if (!OPERATIONS.contains(operation)) {
            throw new JsonServiceException("UnknownOperationException", 400, "Unknown operation " + operation);
        }
    }

    // ------------------------------------------------------------------ LookupEvents

    private JsonNode lookupEvents(JsonNode body) throws JsonServiceException {
        LookupEventsRequest req = LookupEventsRequest.parse(body);
        byte[] binding = req.binding();
        EventPosition after = req.nextToken() == null ? null : tokens.open(req.nextToken(), binding);
        ObjectNode out = JsonBodies.object();
        ArrayNode events = out.putArray("Events");
        if (req.eventCategory() != null) {
            return out; // "insight": mlgate records no Insights events
        }
        EventQuery query = new EventQuery(req.attribute(), req.fromSecond(), req.toSecond(), includeDataEvents);
        EventPage page;
        try {
            page = index.lookup(query, after, req.maxResults());
        } catch (IOException e) {
            throw new JsonServiceException("InternalFailure", 500, "The audit trail cannot be read now.");
        }
        for (IndexedEvent e : page.events()) {
            events.add(event(e));
        }
        page.next().ifPresent(p -> out.put("NextToken", tokens.issue(p, binding)));
        return out;
    }

    private static ObjectNode event(IndexedEvent e) {
        ObjectNode n = JsonBodies.object();
        putIfPresent(n, "EventId", e.eventId());
        putIfPresent(n, "EventName", e.eventName());
        if (e.readOnly() != null) {
            n.put("ReadOnly", e.readOnly().toString());
        }
        putIfPresent(n, "AccessKeyId", e.accessKeyId());
        n.put("EventTime", e.position().eventSecond());
        putIfPresent(n, "EventSource", e.eventSource());
        putIfPresent(n, "Username", e.username());
        ArrayNode resources = n.putArray("Resources");
        for (IndexedEvent.Resource r : e.resources()) {
            ObjectNode rn = resources.addObject();
            putIfPresent(rn, "ResourceType", r.type());
            putIfPresent(rn, "ResourceName", r.name());
        }
        n.put("CloudTrailEvent", e.record());
        return n;
    }

    private static void putIfPresent(ObjectNode n, String name, String value) {
        if (value != null) {
            n.put(name, value);
        }
    }

    // ------------------------------------------------------------------ ListPublicKeys

    private JsonNode listPublicKeys(JsonNode body) throws JsonServiceException {
        BigDecimal now = BigDecimal.valueOf(clock.millis()).movePointLeft(3);
        BigDecimal start = LookupEventsRequest.time(body, "StartTime");
        BigDecimal end = LookupEventsRequest.time(body, "EndTime");
        String token = LookupEventsRequest.string(body, "NextToken");
        if (token != null) {
            throw CloudTrailErrors.invalidToken(); // this service never issues one
        }
        start = start == null ? now : start;
        end = end == null ? now : end;
        if (start.compareTo(end) > 0) {
            throw CloudTrailErrors.invalidTimeRange("Start time must be earlier than or equal to end time.");
        }
        ObjectNode out = JsonBodies.object();
        ArrayNode list = out.putArray("PublicKeyList");
        for (JsonNode key : publicKeys()) {
            BigDecimal validFrom = key.get("ValidityStartTime").decimalValue();
            JsonNode until = key.get("ValidityEndTime");
            BigDecimal validTo = until == null || until.isNull() ? null : until.decimalValue();
            if (validFrom.compareTo(end) > 0 || (validTo != null && validTo.compareTo(start) < 0)) {
                continue;
            }
            ObjectNode k = list.addObject();
            k.put("Value", key.get("Value").stringValue());
            k.put("ValidityStartTime", validFrom);
            if (validTo != null) {
                k.put("ValidityEndTime", validTo);
            }
            k.put("Fingerprint", key.get("Fingerprint").stringValue());
        }
        return out;
    }

    /** The well-formed entries of public-keys.json (none when it does not exist yet). */
    private Iterable<JsonNode> publicKeys() throws JsonServiceException {
        Path file = index.auditDir().resolve("public-keys.json");
        JsonNode doc;
        try {
            doc = MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return java.util.List.of();
        } catch (IOException | JacksonException e) {
            throw new JsonServiceException("InternalFailure", 500, "The public key list cannot be read.");
        }
        JsonNode list = doc == null ? null : doc.get("PublicKeyList");
        if (list == null || !list.isArray()) {
            throw new JsonServiceException("InternalFailure", 500, "The public key list is malformed.");
        }
        for (JsonNode key : list) {
            if (!wellFormed(key)) {
                throw new JsonServiceException("InternalFailure", 500, "The public key list is malformed.");
            }
        }
        return list;
    }

    private static boolean wellFormed(JsonNode key) {
        JsonNode value = key.get("Value");
        JsonNode from = key.get("ValidityStartTime");
        JsonNode to = key.get("ValidityEndTime");
        JsonNode fingerprint = key.get("Fingerprint");
        if (value == null || !value.isString() || from == null || !from.isNumber()
                || (to != null && !to.isNull() && !to.isNumber()) || fingerprint == null || !fingerprint.isString()) {
            return false;
        }
        try {
            Base64.getDecoder().decode(value.stringValue());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
