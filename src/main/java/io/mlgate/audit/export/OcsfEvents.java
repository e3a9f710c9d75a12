package io.mlgate.audit.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * The OCSF 1.1.0 rendering of a CloudTrail record as an API Activity event (class_uid 6003, category_uid 6), one
 * compact JSON object per line, members in a fixed order.
 *
 * <p>Mapping (after the OCSF project's CloudTrail mapping): {@code activity_id} from the operation name's leading
 * verb ({@link #activityId}); {@code type_uid} = 600300 + activity_id; {@code time} = eventTime in epoch ms;
 * {@code status}/{@code status_id} Success (1) without errorCode, else Failure (2) with {@code status_code} =
 * errorCode and {@code status_detail} = errorMessage; {@code actor.user} from userIdentity (uid = ARN, uid_alt =
 * principalId, name, type/type_id, account.uid, credential_uid = accessKeyId), {@code actor.session} from
 * sessionContext, {@code actor.invoked_by}, {@code actor.idp.name}; {@code api.operation} = eventName,
 * {@code api.service.name} = eventSource, {@code api.version}, {@code api.request.uid} = requestID,
 * {@code api.request.data} = requestParameters, {@code api.response.error}/{@code error_message}/{@code data};
 * {@code src_endpoint.ip} (or {@code .domain} for a service name) and {@code .uid} = vpcEndpointId;
 * {@code http_request.user_agent}; {@code cloud.provider} = {@code mlgate} (the records come from mlgate, not AWS),
 * {@code cloud.region}, {@code cloud.account.uid} = recipientAccountId or the caller's account;
 * {@code resources[]} = {uid: ARN, name, type, owner.account.uid}; {@code metadata.version} 1.1.0,
 * {@code metadata.product} (name and vendor mlgate, version = eventVersion, feature.name = eventCategory),
 * {@code metadata.uid} = eventID, {@code metadata.original_time} = eventTime text, {@code metadata.event_code} =
 * eventType. Every other top-level member (additionalEventData with the policy decision, readOnly, managementEvent,
 * tlsDetails, ...) and every unmapped userIdentity member (sessionContext, ...) is copied into {@code unmapped}.
 */
public final class OcsfEvents {

    /** OCSF schema version written to {@code metadata.version}. */
    public static final String OCSF_VERSION = "1.1.0";
    /** API Activity. */
    public static final int CLASS_UID = 6003;
    /** Application Activity. */
    public static final int CATEGORY_UID = 6;

    private static final Map<Integer, List<String>> VERBS = Map.of(
            1, List.of("Create", "Add", "Register", "Import", "Allocate"),
            2, List.of("Describe", "Get", "List", "Lookup", "Search", "Query"),
            3, List.of("Update", "Put", "Modify", "Set", "Attach", "Detach", "Associate", "Disassociate", "Enable",
                    "Disable", "Tag", "Untag", "Change", "Reset", "Rotate", "Replace"),
            4, List.of("Delete", "Remove", "Deregister", "Revoke", "Terminate", "Purge", "Destroy"));

    private static final Set<String> MAPPED_TOP = Set.of("eventVersion", "userIdentity", "eventTime", "eventSource",
            "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
            "responseElements", "requestID", "eventID", "resources", "eventType", "apiVersion", "recipientAccountId",
            "vpcEndpointId", "eventCategory");
    private static final Set<String> MAPPED_IDENTITY = Set.of("type", "principalId", "arn", "accountId",
            "accessKeyId", "userName", "invokedBy", "identityProvider");

    private OcsfEvents() {
    }

    /**
     * The OCSF activity of an operation from its leading verb: 1 Create (Create, Add, Register, Import, Allocate),
     * 2 Read (Describe, Get, List, Lookup, Search, Query), 3 Update (Update, Put, Modify, Set, Attach, Detach,
     * Associate, Disassociate, Enable, Disable, Tag, Untag, Change, Reset, Rotate, Replace), 4 Delete (Delete,
     * Remove, Deregister, Revoke, Terminate, Purge, Destroy), 99 Other (e.g. InvokeEndpoint, AssumeRole, Decrypt);
     * 0 Unknown for an empty name. The verb must be followed by an upper-case letter or the end of the name.
     */
    public static int activityId(String operation) {
        if (operation == null || operation.isEmpty()) {
            return 0;
        }
        for (int id = 1; id <= 4; id++) {
            for (String verb : VERBS.get(id)) {
                if (operation.startsWith(verb) && (operation.length() == verb.length()
                        || Character.isUpperCase(operation.charAt(verb.length())))) {
                    return id;
                }
            }
        }
        return 99;
    }

    static String activityName(int id) {
        return switch (id) {
            case 0 -> "Unknown";
            case 1 -> "Create";
            case 2 -> "Read";
            case 3 -> "Update";
            case 4 -> "Delete";
            default -> "Other";
        };
    }

    static void write(JsonNode r, Instant time, OutputStream out) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(2048);
        try (JsonGenerator g = TrailJson.MAPPER.createGenerator(buf)) {
            write(r, time, g);
        }
        buf.write('\n');
        buf.writeTo(out);
    }

    private static void write(JsonNode r, Instant time, JsonGenerator g) {
        String operation = TrailJson.text(r, "eventName");
        int activity = activityId(operation);
        String errorCode = TrailJson.text(r, "errorCode");
        String errorMessage = TrailJson.text(r, "errorMessage");
        JsonNode id = r.path("userIdentity");

        g.writeStartObject();
        g.writeNumberProperty("activity_id", activity);
        g.writeStringProperty("activity_name", activityName(activity));
        g.writeNumberProperty("category_uid", CATEGORY_UID);
        g.writeStringProperty("category_name", "Application Activity");
        g.writeNumberProperty("class_uid", CLASS_UID);
        g.writeStringProperty("class_name", "API Activity");
        g.writeNumberProperty("type_uid", CLASS_UID * 100L + activity);
        g.writeStringProperty("type_name", "API Activity: " + activityName(activity));
        g.writeNumberProperty("severity_id", 1);
        g.writeStringProperty("severity", "Informational");
        g.writeNumberProperty("time", time.toEpochMilli());
        if (errorCode == null) {
            g.writeNumberProperty("status_id", 1);
            g.writeStringProperty("status", "Success");
        } else {
            g.writeNumberProperty("status_id", 2);
            g.writeStringProperty("status", "Failure");
            g.writeStringProperty("status_code", errorCode);
            optional(g, "status_detail", errorMessage);
        }

        g.writeName("actor");
        g.writeStartObject();
        writeUser(id, g);
        writeSession(id.path("sessionContext"), g);
        optional(g, "invoked_by", TrailJson.text(id, "invokedBy"));
        String idp = TrailJson.text(id, "identityProvider");
        if (idp == null) {
            idp = TrailJson.text(id.path("sessionContext").path("webIdFederationData"), "federatedProvider");
        }
        if (idp != null) {
            g.writeName("idp");
            g.writeStartObject();
            g.writeStringProperty("name", idp);
            g.writeEndObject();
        }
        g.writeEndObject();

        g.writeName("api");
        g.writeStartObject();
        optional(g, "operation", operation);
        g.writeName("service");
        g.writeStartObject();
        optional(g, "name", TrailJson.text(r, "eventSource"));
        g.writeEndObject();
        optional(g, "version", TrailJson.text(r, "apiVersion"));
        g.writeName("request");
        g.writeStartObject();
        optional(g, "uid", TrailJson.text(r, "requestID"));
        tree(g, "data", r.get("requestParameters"));
        g.writeEndObject();
        g.writeName("response");
        g.writeStartObject();
        optional(g, "error", errorCode);
        optional(g, "error_message", errorMessage);
        tree(g, "data", r.get("responseElements"));
        g.writeEndObject();
        g.writeEndObject();

        String source = TrailJson.text(r, "sourceIPAddress");
        String vpce = TrailJson.text(r, "vpcEndpointId");
        if (source != null || vpce != null) {
            g.writeName("src_endpoint");
            g.writeStartObject();
            if (source != null) {
                g.writeStringProperty(looksLikeIp(source) ? "ip" : "domain", source);
            }
            optional(g, "uid", vpce);
            g.writeEndObject();
        }
        String userAgent = TrailJson.text(r, "userAgent");
        if (userAgent != null) {
            g.writeName("http_request");
            g.writeStartObject();
            g.writeStringProperty("user_agent", userAgent);
            g.writeEndObject();
        }

        g.writeName("cloud");
        g.writeStartObject();
        g.writeStringProperty("provider", "mlgate");
        optional(g, "region", TrailJson.text(r, "awsRegion"));
        String account = TrailJson.text(r, "recipientAccountId");
        if (account == null) {
            account = TrailJson.text(id, "accountId");
        }
        if (account != null) {
            g.writeName("account");
            g.writeStartObject();
            g.writeStringProperty("uid", account);
            g.writeEndObject();
        }
        g.writeEndObject();

        JsonNode resources = r.get("resources");
        if (resources != null && resources.isArray()) {
            g.writeName("resources");
            g.writeStartArray();
            for (JsonNode res : resources) {
                g.writeStartObject();
                String arn = TrailJson.text(res, "ARN");
                optional(g, "uid", arn);
                optional(g, "name", arn == null ? null : EventFilter.resourceName(arn));
                optional(g, "type", TrailJson.text(res, "type"));
                String owner = TrailJson.text(res, "accountId");
                if (owner != null) {
                    g.writeName("owner");
                    g.writeStartObject();
                    g.writeName("account");
                    g.writeStartObject();
                    g.writeStringProperty("uid", owner);
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }

        g.writeName("metadata");
        g.writeStartObject();
        g.writeStringProperty("version", OCSF_VERSION);
        g.writeName("product");
        g.writeStartObject();
        g.writeStringProperty("name", "mlgate");
        g.writeStringProperty("vendor_name", "mlgate");
        optional(g, "version", TrailJson.text(r, "eventVersion"));
        String category = TrailJson.text(r, "eventCategory");
        if (category != null) {
            g.writeName("feature");
            g.writeStartObject();
            g.writeStringProperty("name", category);
            g.writeEndObject();
        }
        g.writeEndObject();
        optional(g, "uid", TrailJson.text(r, "eventID"));
        optional(g, "original_time", TrailJson.text(r, "eventTime"));
        optional(g, "event_code", TrailJson.text(r, "eventType"));
        g.writeName("profiles");
        g.writeStartArray();
        g.writeString("cloud");
        g.writeEndArray();
        g.writeEndObject();

        writeUnmapped(r, id, g);
        g.writeEndObject();
    }

    private static void writeUser(JsonNode id, JsonGenerator g) {
        g.writeName("user");
        g.writeStartObject();
        String type = TrailJson.text(id, "type");
        optional(g, "type", type);
        g.writeNumberProperty("type_id", userTypeId(type));
        optional(g, "uid", TrailJson.text(id, "arn"));
        optional(g, "uid_alt", TrailJson.text(id, "principalId"));
        optional(g, "name", EventFilter.username(id));
        optional(g, "credential_uid", TrailJson.text(id, "accessKeyId"));
        String account = TrailJson.text(id, "accountId");
        if (account != null) {
            g.writeName("account");
            g.writeStartObject();
            g.writeStringProperty("uid", account);
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** OCSF user type_id: 0 Unknown, 1 User, 2 Admin (Root), 3 System (AWSService), 99 Other (no type). */
    private static int userTypeId(String type) {
        if (type == null) {
            return 99;
        }
        return switch (type) {
            case "Unknown" -> 0;
            case "Root" -> 2;
            case "AWSService" -> 3;
            default -> 1;
        };
    }

    private static void writeSession(JsonNode context, JsonGenerator g) {
        if (!context.isObject()) {
            return;
        }
        String issuer = TrailJson.text(context.path("sessionIssuer"), "arn");
        String mfa = TrailJson.text(context.path("attributes"), "mfaAuthenticated");
        String created = TrailJson.text(context.path("attributes"), "creationDate");
        Long createdMs = null;
        if (created != null) {
            try {
                createdMs = Instant.parse(created).toEpochMilli();
            } catch (DateTimeParseException e) {
                createdMs = null; // kept in unmapped.userIdentity.sessionContext as written
            }
        }
        g.writeName("session");
        g.writeStartObject();
        optional(g, "issuer", issuer);
        if (mfa != null) {
            g.writeBooleanProperty("is_mfa", "true".equals(mfa));
        }
        if (createdMs != null) {
            g.writeNumberProperty("created_time", createdMs);
        }
        g.writeEndObject();
    }

    private static void writeUnmapped(JsonNode r, JsonNode id, JsonGenerator g) {
        g.writeName("unmapped");
        g.writeStartObject();
        if (id.isObject()) {
            boolean open = false;
            for (Map.Entry<String, JsonNode> e : id.properties()) {
                if (!MAPPED_IDENTITY.contains(e.getKey())) {
                    if (!open) {
                        g.writeName("userIdentity");
                        g.writeStartObject();
                        open = true;
                    }
                    g.writeName(e.getKey());
                    g.writeTree(e.getValue());
                }
            }
            if (open) {
                g.writeEndObject();
            }
        }
        for (Map.Entry<String, JsonNode> e : r.properties()) {
            if (!MAPPED_TOP.contains(e.getKey())) {
                g.writeName(e.getKey());
                g.writeTree(e.getValue());
            }
        }
        g.writeEndObject();
    }

    private static void tree(JsonGenerator g, String name, JsonNode value) {
        if (value != null && !value.isNull()) {
            g.writeName(name);
            g.writeTree(value);
        }
    }

    private static void optional(JsonGenerator g, String name, String value) {
        if (value != null) {
            g.writeStringProperty(name, value);
        }
    }

    /** IPv4 dotted quad or an IPv6 literal (hex digits, ':' and '.'), as opposed to a service DNS name. */
    static boolean looksLikeIp(String s) {
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            return true;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
