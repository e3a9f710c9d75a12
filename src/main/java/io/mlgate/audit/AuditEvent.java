package io.mlgate.audit;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

/**
 * One immutable audit record in the CloudTrail 1.11 record format (one API call, allowed, denied or rejected at
 * authentication, or one service event), serialized with a streaming JSON generator.
 *
 * <p>The builder accepts only typed metadata: identifiers, names, a truncated user agent and error message, and
 * {@link EventData} objects of scalars. It has no parameter for a request or response body, secret key, session
 * token or data key, so those cannot reach the audit log through this API; payloads are represented by a digest
 * (e.g. {@code additionalEventData.payloadSha256}).
 *
 * <p>Field presence follows the CloudTrail reference: {@code requestParameters} and {@code responseElements} are
 * always written ({@code null} when not set); optional fields ({@code userAgent}, {@code errorCode},
 * {@code errorMessage}, {@code additionalEventData}, {@code readOnly}, {@code resources}, {@code apiVersion},
 * {@code recipientAccountId}, {@code vpcEndpointId}, {@code tlsDetails}) are omitted when not set, never written as
 * null. {@code managementEvent} is derived from {@link EventCategory}.
 */
public final class AuditEvent {

    /** The {@code eventVersion} this model writes. */
    public static final String EVENT_VERSION = "1.11";
    /** CloudTrail's limit for {@code requestParameters} and {@code responseElements}. */
    public static final int MAX_PARAMETERS_BYTES = 100 * 1024;
    /** CloudTrail's limit for {@code additionalEventData}. */
    public static final int MAX_ADDITIONAL_DATA_BYTES = 28 * 1024;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static volatile FormattedSecond lastSecond = new FormattedSecond(Long.MIN_VALUE, "");

    private record FormattedSecond(long epochSecond, String text) {
    }

    // Field names pre-encoded once: writing them is then a copy, not a per-character escape check.
    private static final SerializableString NAME_ADDITIONAL_EVENT_DATA = new SerializedString("additionalEventData");
    private static final SerializableString NAME_API_VERSION = new SerializedString("apiVersion");
    private static final SerializableString NAME_AWS_REGION = new SerializedString("awsRegion");
    private static final SerializableString NAME_ERROR_CODE = new SerializedString("errorCode");
    private static final SerializableString NAME_ERROR_MESSAGE = new SerializedString("errorMessage");
    private static final SerializableString NAME_EVENT_CATEGORY = new SerializedString("eventCategory");
    private static final SerializableString NAME_EVENT_ID = new SerializedString("eventID");
    private static final SerializableString NAME_EVENT_NAME = new SerializedString("eventName");
    private static final SerializableString NAME_EVENT_SOURCE = new SerializedString("eventSource");
    private static final SerializableString NAME_EVENT_TIME = new SerializedString("eventTime");
    private static final SerializableString NAME_EVENT_TYPE = new SerializedString("eventType");
    private static final SerializableString NAME_EVENT_VERSION = new SerializedString("eventVersion");
    private static final SerializableString NAME_MANAGEMENT_EVENT = new SerializedString("managementEvent");
    private static final SerializableString NAME_READ_ONLY = new SerializedString("readOnly");
    private static final SerializableString NAME_RECIPIENT_ACCOUNT_ID = new SerializedString("recipientAccountId");
    private static final SerializableString NAME_REQUEST_ID = new SerializedString("requestID");
    private static final SerializableString NAME_REQUEST_PARAMETERS = new SerializedString("requestParameters");
    private static final SerializableString NAME_RESOURCES = new SerializedString("resources");
    private static final SerializableString NAME_RESPONSE_ELEMENTS = new SerializedString("responseElements");
    private static final SerializableString NAME_SOURCE_IPADDRESS = new SerializedString("sourceIPAddress");
    private static final SerializableString NAME_TLS_DETAILS = new SerializedString("tlsDetails");
    private static final SerializableString NAME_USER_AGENT = new SerializedString("userAgent");
    private static final SerializableString NAME_USER_IDENTITY = new SerializedString("userIdentity");
    private static final SerializableString NAME_VPC_ENDPOINT_ID = new SerializedString("vpcEndpointId");

    private final UserIdentity userIdentity;
    private final Instant eventTime;
    private final String eventSource;
    private final String eventName;
    private final String awsRegion;
    private final String sourceIPAddress;
    private final String userAgent;
    private final String errorCode;
    private final String errorMessage;
    private final EventData requestParameters;
    private final EventData responseElements;
    private final EventData additionalEventData;
    private final String requestID;
    private final UUID eventID;
    private final Boolean readOnly;
    private final List<EventResource> resources;
    private final EventType eventType;
    private final String apiVersion;
    private final EventCategory eventCategory;
    private final String recipientAccountId;
    private final String vpcEndpointId;
    private final TlsDetails tlsDetails;

    private AuditEvent(Builder b) {
        this.userIdentity = b.userIdentity;
        this.eventTime = b.eventTime;
        this.eventSource = b.eventSource;
        this.eventName = b.eventName;
        this.awsRegion = b.awsRegion;
        this.sourceIPAddress = b.sourceIPAddress;
        this.userAgent = b.userAgent;
        this.errorCode = b.errorCode;
        this.errorMessage = b.errorMessage;
        this.requestParameters = b.requestParameters;
        this.responseElements = b.responseElements;
        this.additionalEventData = b.additionalEventData;
        this.requestID = b.requestID;
        this.eventID = b.eventID != null ? b.eventID : UUID.randomUUID();
        this.readOnly = b.readOnly;
        this.resources = List.copyOf(b.resources);
        this.eventType = b.eventType;
        this.apiVersion = b.apiVersion;
        this.eventCategory = b.eventCategory;
        this.recipientAccountId = b.recipientAccountId;
        this.vpcEndpointId = b.vpcEndpointId;
        this.tlsDetails = b.tlsDetails;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder for an event the gateway itself causes (configuration reload, key loss, retention, recovery):
     * {@code AwsServiceEvent}, management category, {@code userIdentity} AWSService invoked by {@code gateway.mlgate},
     * event source and source address {@code gateway.mlgate}, a fresh request id; the caller adds details.
     */
    public static Builder serviceEvent(String eventName, java.time.Instant time, String region, String accountId) {
        Builder b = new Builder()
                .eventType(EventType.AWS_SERVICE_EVENT)
                .eventCategory(EventCategory.MANAGEMENT)
                .userIdentity(UserIdentity.builder(IdentityType.AWS_SERVICE).invokedBy("gateway.mlgate").build())
                .eventTime(time)
                .eventSource("gateway.mlgate")
                .eventName(eventName)
                .awsRegion(region)
                .sourceIPAddress("gateway.mlgate")
                .requestID(UUID.randomUUID().toString());
        if (accountId != null) {
            b.recipientAccountId(accountId);
        }
        return b;
    }

    /** Formats an instant as CloudTrail does: UTC, second precision, e.g. {@code 2016-07-14T19:15:45Z}. */
    public static String formatTime(Instant t) {
        long s = t.getEpochSecond();
        FormattedSecond cached = lastSecond;
        if (cached.epochSecond == s) {
            return cached.text;
        }
        String text = TIME.format(Instant.ofEpochSecond(s));
        lastSecond = new FormattedSecond(s, text);
        return text;
    }

    /**
     * Writes this record as one JSON object value to {@code g} (fields in CloudTrail's usual order).
     *
     * @throws tools.jackson.core.JacksonException if the generator fails
     */
    public void writeJson(JsonGenerator g) {
        g.writeStartObject();
        g.writeName(NAME_EVENT_VERSION);
        g.writeString(EVENT_VERSION);
        g.writeName(NAME_USER_IDENTITY);
        userIdentity.writeJson(g);
        g.writeName(NAME_EVENT_TIME);
        g.writeString(formatTime(eventTime));
        g.writeName(NAME_EVENT_SOURCE);
        g.writeString(eventSource);
        g.writeName(NAME_EVENT_NAME);
        g.writeString(eventName);
        g.writeName(NAME_AWS_REGION);
        g.writeString(awsRegion);
        g.writeName(NAME_SOURCE_IPADDRESS);
        g.writeString(sourceIPAddress);
        UserIdentity.optional(g, NAME_USER_AGENT, userAgent);
        UserIdentity.optional(g, NAME_ERROR_CODE, errorCode);
        UserIdentity.optional(g, NAME_ERROR_MESSAGE, errorMessage);
        g.writeName(NAME_REQUEST_PARAMETERS);
        writeNullable(g, requestParameters);
        g.writeName(NAME_RESPONSE_ELEMENTS);
        writeNullable(g, responseElements);
        if (additionalEventData != null) {
            g.writeName(NAME_ADDITIONAL_EVENT_DATA);
            additionalEventData.writeJson(g);
        }
        g.writeName(NAME_REQUEST_ID);
        g.writeString(requestID);
        g.writeName(NAME_EVENT_ID);
        g.writeString(eventID.toString());
        if (readOnly != null) {
            g.writeName(NAME_READ_ONLY);
            g.writeBoolean(readOnly);
        }
        if (!resources.isEmpty()) {
            g.writeName(NAME_RESOURCES);
            g.writeStartArray();
            for (EventResource r : resources) {
                r.writeJson(g);
            }
            g.writeEndArray();
        }
        g.writeName(NAME_EVENT_TYPE);
        g.writeString(eventType.wireName());
        UserIdentity.optional(g, NAME_API_VERSION, apiVersion);
        g.writeName(NAME_MANAGEMENT_EVENT);
        g.writeBoolean(eventCategory == EventCategory.MANAGEMENT);
        UserIdentity.optional(g, NAME_RECIPIENT_ACCOUNT_ID, recipientAccountId);
        UserIdentity.optional(g, NAME_VPC_ENDPOINT_ID, vpcEndpointId);
        g.writeName(NAME_EVENT_CATEGORY);
        g.writeString(eventCategory.wireName());
        if (tlsDetails != null) {
            g.writeName(NAME_TLS_DETAILS);
            tlsDetails.writeJson(g);
        }
        g.writeEndObject();
    }

    private static void writeNullable(JsonGenerator g, EventData d) {
        if (d == null) {
            g.writeNull();
        } else {
            d.writeJson(g);
        }
    }

    /** This record as compact UTF-8 JSON, without a trailing newline. */
    public byte[] toJsonBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        writeTo(out);
        return out.toByteArray();
    }

    /**
     * This record as compact UTF-8 JSON followed by {@code '\n'}: one line of an event log segment. Serializes into a
     * per-thread buffer (the append hot path), so the only allocation left is the exact-size result.
     */
    byte[] toJsonLine() {
        LineBuffer out = LINE_BUFFER.get();
        out.reset();
        try {
            writeTo(out);
            out.write('\n');
            return out.toByteArray();
        } finally {
            if (out.capacity() > LineBuffer.KEEP_BYTES) {
                LINE_BUFFER.remove(); // a rare huge record: do not keep its buffer per thread
            }
        }
    }

    private static final ThreadLocal<LineBuffer> LINE_BUFFER = ThreadLocal.withInitial(LineBuffer::new);

    /** An unsynchronized growable byte buffer, reused per thread. */
    private static final class LineBuffer extends java.io.OutputStream {
        static final int KEEP_BYTES = 64 * 1024;
        private byte[] buf = new byte[4096];
        private int size;

        void reset() {
            size = 0;
        }

        int capacity() {
            return buf.length;
        }

        @Override
        public void write(int b) {
            if (size == buf.length) {
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > buf.length - size) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + len));
            }
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(buf, size);
        }
    }

    private void writeTo(java.io.OutputStream out) {
        try (JsonGenerator g = EventText.JSON.createGenerator(out)) {
            writeJson(g);
        }
    }

    public UserIdentity userIdentity() {
        return userIdentity;
    }

    public Instant eventTime() {
        return eventTime;
    }

    public String eventSource() {
        return eventSource;
    }

    public String eventName() {
        return eventName;
    }

    public String awsRegion() {
        return awsRegion;
    }

    public String sourceIPAddress() {
        return sourceIPAddress;
    }

    /** The user agent, already truncated to at most 1 KB of UTF-8; null when not set. */
    public String userAgent() {
        return userAgent;
    }

    public String errorCode() {
        return errorCode;
    }

    /** The error message, already truncated to at most 1 KB of UTF-8; null when not set. */
    public String errorMessage() {
        return errorMessage;
    }

    public EventData requestParameters() {
        return requestParameters;
    }

    public EventData responseElements() {
        return responseElements;
    }

    public EventData additionalEventData() {
        return additionalEventData;
    }

    public String requestID() {
        return requestID;
    }

    public UUID eventID() {
        return eventID;
    }

    /** {@code readOnly}, or null when not set (then omitted from the JSON). */
    public Boolean readOnly() {
        return readOnly;
    }

    public List<EventResource> resources() {
        return resources;
    }

    public EventType eventType() {
        return eventType;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public EventCategory eventCategory() {
        return eventCategory;
    }

    public boolean managementEvent() {
        return eventCategory == EventCategory.MANAGEMENT;
    }

    public String recipientAccountId() {
        return recipientAccountId;
    }

    public String vpcEndpointId() {
        return vpcEndpointId;
    }

    public TlsDetails tlsDetails() {
        return tlsDetails;
    }

    @Override
    public String toString() {
        return "AuditEvent[" + eventName + " " + eventID + " " + Objects.toString(errorCode, "ok") + "]";
    }

    /**
     * Collects a record's fields. Required: userIdentity, eventTime, eventSource, eventName, awsRegion,
     * sourceIPAddress, requestID, eventCategory. {@code eventType} defaults to {@code AwsApiCall}; {@code eventID}
     * to a random UUID. Not thread-safe.
     */
    public static final class Builder {
        private UserIdentity userIdentity;
        private Instant eventTime;
        private String eventSource;
        private String eventName;
        private String awsRegion;
        private String sourceIPAddress;
        private String userAgent;
        private String errorCode;
        private String errorMessage;
        private EventData requestParameters;
        private EventData responseElements;
        private EventData additionalEventData;
        private String requestID;
        private UUID eventID;
        private Boolean readOnly;
        private final List<EventResource> resources = new ArrayList<>(1);
        private EventType eventType = EventType.AWS_API_CALL;
        private String apiVersion;
        private EventCategory eventCategory;
        private String recipientAccountId;
        private String vpcEndpointId;
        private TlsDetails tlsDetails;

        private Builder() {
        }

        public Builder userIdentity(UserIdentity v) {
            this.userIdentity = Objects.requireNonNull(v, "userIdentity");
            return this;
        }

        /** When the request completed; written in UTC with second precision. */
        public Builder eventTime(Instant v) {
            this.eventTime = Objects.requireNonNull(v, "eventTime").truncatedTo(ChronoUnit.SECONDS);
            return this;
        }

        /** The service, e.g. {@code sagemaker.amazonaws.com}. */
        public Builder eventSource(String v) {
            this.eventSource = EventText.require(v, "eventSource");
            return this;
        }

        /** The API action, e.g. {@code InvokeEndpoint}. */
        public Builder eventName(String v) {
            this.eventName = EventText.require(v, "eventName");
            return this;
        }

        public Builder awsRegion(String v) {
            this.awsRegion = EventText.require(v, "awsRegion");
            return this;
        }

        /** The client's IP address (or a service DNS name for service events). */
        public Builder sourceIPAddress(String v) {
            this.sourceIPAddress = EventText.require(v, "sourceIPAddress");
            return this;
        }

        /** The raw User-Agent header, truncated to 1 KB of UTF-8 at a character boundary; null to omit. */
        public Builder userAgent(String v) {
            this.userAgent = EventText.truncateUtf8(v, EventText.MAX_SHORT_TEXT_BYTES);
            return this;
        }

        /**
         * Marks the call as failed (including AccessDenied and authentication failures). The message is truncated to
         * 1 KB of UTF-8 and may be null; it must never contain secrets or request content.
         */
        public Builder error(String code, String message) {
            this.errorCode = EventText.require(code, "errorCode");
            this.errorMessage = EventText.truncateUtf8(message, EventText.MAX_SHORT_TEXT_BYTES);
            return this;
        }

        /** The call's parameters (camelCase names; never a body or secret); null writes {@code null}. */
        public Builder requestParameters(EventData v) {
            this.requestParameters = v;
            return this;
        }

        /** The call's result for mutating calls; null (the default) writes {@code null}. */
        public Builder responseElements(EventData v) {
            this.responseElements = v;
            return this;
        }

        /** Extra facts: policy decision and explanation, invokedProductionVariant, modelLatencyMs, payloadSha256. */
        public Builder additionalEventData(EventData v) {
            this.additionalEventData = v;
            return this;
        }

        /** The request id returned to the client ({@code x-amzn-RequestId}). */
        public Builder requestID(String v) {
            this.requestID = EventText.require(v, "requestID");
            return this;
        }

        /** Overrides the random event id (e.g. when re-emitting a record); rarely needed. */
        public Builder eventID(UUID v) {
            this.eventID = Objects.requireNonNull(v, "eventID");
            return this;
        }

        public Builder readOnly(boolean v) {
            this.readOnly = v;
            return this;
        }

        public Builder addResource(EventResource v) {
            this.resources.add(Objects.requireNonNull(v, "resource"));
            return this;
        }

        public Builder eventType(EventType v) {
            this.eventType = Objects.requireNonNull(v, "eventType");
            return this;
        }

        public Builder apiVersion(String v) {
            this.apiVersion = EventText.wellFormed(v);
            return this;
        }

        /** Management or Data; also determines {@code managementEvent}. */
        public Builder eventCategory(EventCategory v) {
            this.eventCategory = Objects.requireNonNull(v, "eventCategory");
            return this;
        }

        public Builder recipientAccountId(String v) {
            this.recipientAccountId = EventText.wellFormed(v);
            return this;
        }

        public Builder vpcEndpointId(String v) {
            this.vpcEndpointId = EventText.wellFormed(v);
            return this;
        }

        public Builder tlsDetails(TlsDetails v) {
            this.tlsDetails = v;
            return this;
        }

        /**
         * Builds the record.
         *
         * @throws IllegalStateException    if a required field is missing
         * @throws IllegalArgumentException if requestParameters/responseElements exceed 100 KB or
         *                                  additionalEventData exceeds 28 KB
         */
        public AuditEvent build() {
            List<String> missing = new ArrayList<>();
            if (userIdentity == null) {
                missing.add("userIdentity");
            }
            if (eventTime == null) {
                missing.add("eventTime");
            }
            if (eventSource == null) {
                missing.add("eventSource");
            }
            if (eventName == null) {
                missing.add("eventName");
            }
            if (awsRegion == null) {
                missing.add("awsRegion");
            }
            if (sourceIPAddress == null) {
                missing.add("sourceIPAddress");
            }
            if (requestID == null) {
                missing.add("requestID");
            }
            if (eventCategory == null) {
                missing.add("eventCategory");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException("audit event is missing required fields " + missing);
            }
            checkSize(requestParameters, MAX_PARAMETERS_BYTES, "requestParameters");
            checkSize(responseElements, MAX_PARAMETERS_BYTES, "responseElements");
            checkSize(additionalEventData, MAX_ADDITIONAL_DATA_BYTES, "additionalEventData");
            return new AuditEvent(this);
        }

        private static void checkSize(EventData d, int max, String field) {
            if (d != null && d.approximateJsonBytes() > max) {
                throw new IllegalArgumentException(field + " is about " + d.approximateJsonBytes()
                        + " bytes, over the " + max + "-byte limit");
            }
        }
    }
}
