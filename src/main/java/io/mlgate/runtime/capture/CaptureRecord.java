package io.mlgate.runtime.capture;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;

/**
 * One captured InvokeEndpoint call as the hook hands it to the writer: the raw payloads and their content types,
 * the endpoint and the variant that served it, the event id, the caller's inference id (or null), the time, and the
 * {@link CaptureRedaction} its payloads must go through. {@link #toJsonLine()} redacts the payloads and renders
 * SageMaker's capture record, on the writer thread (there is no way to render a record without its redaction):
 * <pre>{@code
 * {"captureData":{
 *    "endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"5.1,3.5,1.4,0.2","encoding":"CSV"},
 *    "endpointOutput":{"observedContentType":"application/json","mode":"OUTPUT","data":"{...}","encoding":"JSON"}},
 *  "eventMetadata":{"eventId":"…","inferenceId":"…","inferenceTime":"2026-11-27T03:00:00Z"},
 *  "eventVersion":"0"}
 * }</pre>
 * {@code endpointInput}/{@code endpointOutput} are present as the policy's capture modes say; {@code inferenceId}
 * only when the caller sent one. A CSV or JSON payload that is not valid UTF-8 is written as BASE64.
 */
public record CaptureRecord(CapturePolicy policy, String endpointName, String variantName, String eventId,
                            String inferenceId, Instant time, byte[] input, String inputContentType, byte[] output,
                            String outputContentType, CaptureRedaction redaction) {

    /**
     * The redaction threw or returned null: the record must not be written. The message names the endpoint and the
     * exception's class only (an exception's message may quote the payload).
     */
    public static final class RedactionFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RedactionFailedException(String message) {
            super(message, null, false, false);
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final DateTimeFormatter INFERENCE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    /** What a record costs besides its payloads, for the queue's byte budget. */
    static final int OVERHEAD_BYTES = 512;

    public CaptureRecord {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(variantName, "variantName");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(redaction, "redaction");
        if (policy.input()) {
            Objects.requireNonNull(input, "input");
        }
        if (policy.output()) {
            Objects.requireNonNull(output, "output");
        }
    }

    /** The folder of this record's variant: {@code <destination>/<endpoint>/<variant>}. */
    public Path variantFolder() {
        return policy.folder().resolve(endpointName).resolve(variantName);
    }

    /** The start of the UTC hour the record belongs to (its file's hour). */
    public Instant hour() {
        return time.truncatedTo(ChronoUnit.HOURS);
    }

    /** About how much memory the queued record holds. */
    long estimatedBytes() {
        return OVERHEAD_BYTES + (policy.input() ? input.length : 0) + (policy.output() ? output.length : 0);
    }

    /**
     * The capture record as one JSON line, newline included, its payloads as the redaction returned them.
     *
     * @throws RedactionFailedException if the redaction throws or returns null for either payload
     */
    public byte[] toJsonLine() {
        byte[] in = policy.input() ? redacted(input, inputContentType) : null;
        byte[] out0 = policy.output() ? redacted(output, outputContentType) : null;
        ByteArrayOutputStream out = new ByteArrayOutputStream(OVERHEAD_BYTES
                + (in != null ? in.length * 2 : 0) + (out0 != null ? out0.length * 2 : 0));
        try (JsonGenerator g = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            g.writeStartObject();
            g.writeName("captureData");
            g.writeStartObject();
            if (in != null) {
                payload(g, "endpointInput", "INPUT", in, inputContentType);
            }
            if (out0 != null) {
                payload(g, "endpointOutput", "OUTPUT", out0, outputContentType);
            }
            g.writeEndObject();
            g.writeName("eventMetadata");
            g.writeStartObject();
            g.writeStringProperty("eventId", eventId);
            if (inferenceId != null) {
                g.writeStringProperty("inferenceId", inferenceId);
            }
            g.writeStringProperty("inferenceTime", INFERENCE_TIME.format(time));
            g.writeEndObject();
            g.writeStringProperty("eventVersion", "0");
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    private byte[] redacted(byte[] payload, String contentType) {
        byte[] result;
        try {
            result = redaction.apply(endpointName, payload, contentType);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vm) {
                throw vm;
            }
            throw new RedactionFailedException("the capture redaction of endpoint " + endpointName + " failed ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (result == null) {
            throw new RedactionFailedException("the capture redaction of endpoint " + endpointName
                    + " returned no payload");
        }
        return result;
    }

    private void payload(JsonGenerator g, String name, String mode, byte[] data, String contentType) {
        String encoding = policy.encodingOf(contentType);
        String text = encoding.equals(CapturePolicy.BASE64) ? null : utf8(data);
        if (text == null) {
            encoding = CapturePolicy.BASE64;
            text = Base64.getEncoder().encodeToString(data);
        }
        g.writeName(name);
        g.writeStartObject();
        g.writeStringProperty("observedContentType", contentType == null ? "" : contentType);
        g.writeStringProperty("mode", mode);
        g.writeStringProperty("data", text);
        g.writeStringProperty("encoding", encoding);
        g.writeEndObject();
    }

    /** The bytes as UTF-8 text, or null if they are not valid UTF-8. */
    private static String utf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        // never the payloads: records must not reach a log by accident
        return "CaptureRecord[" + endpointName + "/" + variantName + " " + eventId + " at " + time + "]";
    }
}
