package io.mlgate.gateway;

import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CloudTrail record schema (shared/reference/cloudtrail.md §1-2, eventVersion 1.11) as a checker: which fields a
 * record must have, their types and allowed values, and which fields it may have. Returns every violation found, so a
 * failing test names all of them.
 */
final class CloudTrailRecordSchema {

    private static final Set<String> REQUIRED = Set.of("eventVersion", "userIdentity", "eventTime", "eventSource",
            "eventName", "awsRegion", "sourceIPAddress", "requestParameters", "responseElements", "requestID",
            "eventID", "eventType", "eventCategory", "managementEvent");
    private static final Set<String> OPTIONAL = Set.of("userAgent", "errorCode", "errorMessage",
            "additionalEventData", "readOnly", "resources", "apiVersion", "recipientAccountId", "sharedEventID",
            "vpcEndpointId", "serviceEventDetails", "addendum", "sessionCredentialFromConsole", "edgeDeviceDetails",
            "tlsDetails", "eventContext");
    private static final Set<String> IDENTITY_TYPES = Set.of("Root", "IAMUser", "AssumedRole", "Role",
            "FederatedUser", "Directory", "AWSAccount", "AWSService", "IdentityCenterUser", "SAMLUser",
            "WebIdentityUser", "Unknown");
    private static final Set<String> IDENTITY_FIELDS = Set.of("type", "principalId", "arn", "accountId",
            "accessKeyId", "userName", "sessionContext", "invokedBy", "identityProvider");
    private static final Set<String> EVENT_TYPES = Set.of("AwsApiCall", "AwsServiceEvent", "AwsConsoleAction",
            "AwsConsoleSignIn", "AwsCloudTrailInsight", "AwsVpceEvent");
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9-]+\\.(amazonaws\\.com|mlgate)");
    private static final Pattern RESOURCE_TYPE = Pattern.compile("AWS::[A-Za-z0-9]+::[A-Za-z0-9]+");
    private static final Map<String, Integer> TRUNCATED = Map.of("userAgent", 1024, "errorCode", 1024,
            "errorMessage", 1024);

    private CloudTrailRecordSchema() {
    }

    /** Every violation of the schema in {@code record}; empty when it conforms. */
    static List<String> violations(JsonNode record) {
        List<String> out = new ArrayList<>();
        if (record == null || !record.isObject()) {
            out.add("record is not a JSON object");
            return out;
        }
        for (String f : REQUIRED) {
            if (!record.has(f)) {
                out.add("missing " + f);
            }
        }
        for (Iterator<String> it = record.propertyNames().iterator(); it.hasNext(); ) {
            String f = it.next();
            if (!REQUIRED.contains(f) && !OPTIONAL.contains(f)) {
                out.add("unknown field " + f);
            }
            JsonNode v = record.get(f);
            if (v.isNull() && !f.equals("requestParameters") && !f.equals("responseElements")) {
                out.add(f + " is null (optional fields are omitted, not null)");
            }
        }
        text(record, "eventVersion", out, Pattern.compile("1\\.11"));
        text(record, "eventTime", out, TIME);
        text(record, "eventSource", out, SOURCE);
        text(record, "eventName", out, Pattern.compile("[A-Za-z][A-Za-z0-9]*"));
        text(record, "awsRegion", out, Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d"));
        text(record, "sourceIPAddress", out, Pattern.compile("[0-9a-fA-F:.]+|AWS Internal|[a-z0-9.-]+"));
        text(record, "requestID", out, Pattern.compile("[A-Za-z0-9-]{1,128}"));
        text(record, "eventID", out, UUID);
        text(record, "eventType", out, null);
        if (record.path("eventType").isString() && !EVENT_TYPES.contains(record.get("eventType").asString())) {
            out.add("eventType not one of " + EVENT_TYPES);
        }
        String category = record.path("eventCategory").asString("");
        if (!category.equals("Management") && !category.equals("Data")) {
            out.add("eventCategory must be Management or Data, was " + record.get("eventCategory"));
        }
        JsonNode management = record.get("managementEvent");
        if (management != null && (!management.isBoolean() || management.asBoolean() != category.equals("Management"))) {
            out.add("managementEvent must be a boolean agreeing with eventCategory");
        }
        for (String f : List.of("requestParameters", "responseElements")) {
            JsonNode v = record.get(f);
            if (v != null && !v.isNull() && !v.isObject()) {
                out.add(f + " must be an object or null");
            }
            if (v != null && v.toString().getBytes(StandardCharsets.UTF_8).length > 100 * 1024) {
                out.add(f + " larger than 100 KB");
            }
        }
        JsonNode additional = record.get("additionalEventData");
        if (additional != null && (!additional.isObject()
                || additional.toString().getBytes(StandardCharsets.UTF_8).length > 28 * 1024)) {
            out.add("additionalEventData must be an object of at most 28 KB");
        }
        JsonNode readOnly = record.get("readOnly");
        if (readOnly != null && !readOnly.isBoolean()) {
            out.add("readOnly must be a boolean");
        }
        if (record.has("errorCode") != record.has("errorMessage") && !record.has("errorCode")) {
            out.add("errorMessage without errorCode");
        }
        TRUNCATED.forEach((f, max) -> {
            JsonNode v = record.get(f);
            if (v != null && (!v.isString() || v.asString().getBytes(StandardCharsets.UTF_8).length > max)) {
                out.add(f + " must be a string of at most " + max + " bytes");
            }
        });
        JsonNode recipient = record.get("recipientAccountId");
        if (recipient != null && !(recipient.isString() && ACCOUNT.matcher(recipient.asString()).matches())) {
            out.add("recipientAccountId must be a 12-digit account id");
        }
        JsonNode resources = record.get("resources");
        if (resources != null) {
            if (!resources.isArray()) {
                out.add("resources must be an array");
            } else {
                for (JsonNode r : resources) {
                    if (!r.path("ARN").isString() || !r.path("ARN").asString().startsWith("arn:aws:")) {
                        out.add("resource without an ARN: " + r);
                    }
                    if (r.has("accountId") && !ACCOUNT.matcher(r.path("accountId").asString()).matches()) {
                        out.add("resource accountId must be 12 digits: " + r);
                    }
                    if (r.has("type") && !RESOURCE_TYPE.matcher(r.path("type").asString()).matches()) {
                        out.add("resource type must be AWS::<service>::<type>: " + r);
                    }
                }
            }
        }
        JsonNode tls = record.get("tlsDetails");
        if (tls != null && !tls.isObject()) {
            out.add("tlsDetails must be an object");
        }
        identity(record.get("userIdentity"), out);
        return out;
    }

    private static void identity(JsonNode identity, List<String> out) {
        if (identity == null || !identity.isObject()) {
            out.add("userIdentity must be an object");
            return;
        }
        String type = identity.path("type").asString("");
        if (!IDENTITY_TYPES.contains(type)) {
            out.add("userIdentity.type not one of " + IDENTITY_TYPES + ": " + type);
        }
        for (Iterator<String> it = identity.propertyNames().iterator(); it.hasNext(); ) {
            String f = it.next();
            if (!IDENTITY_FIELDS.contains(f)) {
                out.add("unknown userIdentity field " + f);
            }
        }
        JsonNode account = identity.get("accountId");
        if (account != null && !ACCOUNT.matcher(account.asString("")).matches()) {
            out.add("userIdentity.accountId must be 12 digits");
        }
        switch (type) {
            case "IAMUser" -> {
                require(identity, "arn", Pattern.compile("arn:aws:iam::\\d{12}:user/.+"), out);
                require(identity, "accountId", ACCOUNT, out);
            }
            case "AssumedRole" -> {
                require(identity, "arn", Pattern.compile("arn:aws:sts::\\d{12}:assumed-role/[^/]+/.+"), out);
                require(identity, "principalId", Pattern.compile("[A-Z0-9]+:.+"), out);
                JsonNode issuer = identity.path("sessionContext").path("sessionIssuer");
                if (!"Role".equals(issuer.path("type").asString(""))) {
                    out.add("AssumedRole needs sessionContext.sessionIssuer.type Role");
                }
                JsonNode attributes = identity.path("sessionContext").path("attributes");
                if (!attributes.path("mfaAuthenticated").isString()
                        || !TIME.matcher(attributes.path("creationDate").asString("")).matches()) {
                    out.add("sessionContext.attributes needs mfaAuthenticated (string) and creationDate");
                }
            }
            case "WebIdentityUser" -> {
                require(identity, "identityProvider", Pattern.compile(".+"), out);
                require(identity, "userName", Pattern.compile(".+"), out);
            }
            default -> {
            }
        }
    }

    private static void require(JsonNode node, String field, Pattern pattern, List<String> out) {
        JsonNode v = node.get(field);
        if (v == null || !v.isString() || !pattern.matcher(v.asString()).matches()) {
            out.add("userIdentity." + field + " must match " + pattern + ", was " + v);
        }
    }

    private static void text(JsonNode record, String field, List<String> out, Pattern pattern) {
        JsonNode v = record.get(field);
        if (v == null) {
            return;
        }
        if (!v.isString()) {
            out.add(field + " must be a string");
        } else if (pattern != null && !pattern.matcher(v.asString()).matches()) {
            out.add(field + " does not match " + pattern + ": " + v.asString());
        }
    }
}
