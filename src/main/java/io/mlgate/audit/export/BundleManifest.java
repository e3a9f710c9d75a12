package io.mlgate.audit.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * The manifest of a bundle ({@code manifest.json}, signed by {@code manifest.sig}): bundle format version, creation
 * time, the query (range, filters, format), the number of exported events, the fingerprint of the signing key and
 * the SHA-256 and size of every other entry of the zip.
 */
public record BundleManifest(int formatVersion, Instant createdTime, ExportQuery query, long eventCount,
                             String signingKeyFingerprint, List<Entry> entries) {

    /** The bundle format this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** One zip entry: its name, lowercase hex SHA-256 of its bytes, and its size in bytes. */
    public record Entry(String name, String sha256, long size) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    public BundleManifest {
        Objects.requireNonNull(createdTime, "createdTime");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(signingKeyFingerprint, "signingKeyFingerprint");
        entries = List.copyOf(entries);
    }

    /** The entry named {@code name}, or null. */
    public Entry entry(String name) {
        for (Entry e : entries) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** The manifest's bytes: compact JSON, members in a fixed order, followed by a newline. */
    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = TrailJson.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("bundleFormatVersion", formatVersion);
            g.writeStringProperty("createdTime", createdTime.toString());
            g.writeName("range");
            g.writeStartObject();
            g.writeStringProperty("from", query.from().toString());
            g.writeStringProperty("to", query.to().toString());
            g.writeEndObject();
            g.writeName("filters");
            g.writeStartArray();
            for (EventFilter f : query.filters()) {
                g.writeString(f.toString());
            }
            g.writeEndArray();
            g.writeStringProperty("format", query.format().wireName());
            g.writeStringProperty("eventsFile", query.format().entryName());
            g.writeNumberProperty("eventCount", eventCount);
            g.writeStringProperty("signingKeyFingerprint", signingKeyFingerprint);
            g.writeStringProperty("signatureAlgorithm", RsaSignatures.ALGORITHM);
            g.writeName("entries");
            g.writeStartArray();
            for (Entry e : entries) {
                g.writeStartObject();
                g.writeStringProperty("name", e.name);
                g.writeStringProperty("sha256", e.sha256);
                g.writeNumberProperty("size", e.size);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Reads a manifest.
     *
     * @throws IOException if it is not a manifest of a supported format version
     */
    static BundleManifest parse(byte[] bytes) throws IOException {
        JsonNode n;
        try {
            n = TrailJson.read(bytes);
        } catch (JacksonException e) {
            throw new IOException("manifest.json is not JSON");
        }
        JsonNode version = n.get("bundleFormatVersion");
        if (version == null || !version.isIntegralNumber() || version.intValue() != FORMAT_VERSION) {
            throw new IOException("manifest.json has an unsupported bundleFormatVersion");
        }
        try {
            List<EventFilter> filters = new ArrayList<>();
            for (JsonNode f : n.path("filters")) {
                filters.add(EventFilter.parse(f.stringValue()));
            }
            ExportFormat format = ExportFormat.fromWireName(TrailJson.text(n, "format"));
            if (!format.entryName().equals(TrailJson.text(n, "eventsFile"))) {
                throw new IOException("manifest.json names an events file that does not match its format");
            }
            ExportQuery query = new ExportQuery(Instant.parse(TrailJson.text(n.path("range"), "from")),
                    Instant.parse(TrailJson.text(n.path("range"), "to")), filters, format);
            List<Entry> entries = new ArrayList<>();
            for (JsonNode e : n.path("entries")) {
                JsonNode size = e.get("size");
                entries.add(new Entry(TrailJson.text(e, "name"), TrailJson.text(e, "sha256"),
                        size != null && size.isIntegralNumber() ? size.longValue() : -1));
            }
            JsonNode count = n.get("eventCount");
            if (count == null || !count.isIntegralNumber()) {
                throw new IOException("manifest.json lacks eventCount");
            }
            String fingerprint = TrailJson.text(n, "signingKeyFingerprint");
            if (fingerprint == null) {
                throw new IOException("manifest.json lacks signingKeyFingerprint");
            }
            return new BundleManifest(FORMAT_VERSION, Instant.parse(TrailJson.text(n, "createdTime")), query,
                    count.longValue(), fingerprint, entries);
        } catch (DateTimeParseException | IllegalArgumentException | NullPointerException | JacksonException e) {
            throw new IOException("manifest.json is malformed (" + e.getClass().getSimpleName() + ")");
        }
    }
}
