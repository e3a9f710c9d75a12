package io.mlgate.audit.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import io.mlgate.audit.AuditEvent;
import tools.jackson.databind.JsonNode;

/** Renders single records through the events-file derivation, for format tests. */
final class Records {

    static final ExportQuery ALL_JSONL = query(ExportFormat.JSONL);

    private Records() {
    }

    static ExportQuery query(ExportFormat format, EventFilter... filters) {
        return new ExportQuery(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"),
                List.of(filters), format);
    }

    static JsonNode tree(AuditEvent e) {
        return TrailJson.read(e.toJsonBytes());
    }

    static String render(ExportFormat format, byte[]... lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventsFile f = EventsFile.start(query(format), out);
        for (byte[] l : lines) {
            f.line(l, 0, l.length);
        }
        f.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    static JsonNode ocsf(AuditEvent e) throws IOException {
        String out = render(ExportFormat.OCSF, e.toJsonBytes());
        return TrailJson.read(out.getBytes(StandardCharsets.UTF_8));
    }
}
