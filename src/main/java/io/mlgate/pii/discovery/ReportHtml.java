package io.mlgate.pii.discovery;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.mlgate.audit.AuditEvent;

/**
 * The HTML summary of a {@link DiscoveryReport}: one self-contained page (inline style, no script, no external
 * asset, no link) with the job, the counts by type, the files with findings (counts by type and by column or field,
 * sample locations), and the skipped and failed files. Every text written into the page is HTML-escaped; the page
 * holds what the report holds (locations and counts, no values).
 */
public final class ReportHtml {

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
            + "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:left;vertical-align:top}"
            + "th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}"
            + ".bar{display:inline-block;height:0.8em;background:#c0392b}"
            + "code{font-size:0.9em}h2{margin-top:1.5em}";

    private ReportHtml() {
    }

    public static byte[] render(DiscoveryReport r) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">")
                .append("<title>PII discovery job ").append(esc(r.jobId())).append("</title><style>")
                .append(STYLE).append("</style></head><body>\n");
        h.append("<h1>PII discovery job <code>").append(esc(r.jobId())).append("</code></h1>\n");
        h.append("<table>");
        row(h, "started", AuditEvent.formatTime(r.startTime()));
        row(h, "ended", AuditEvent.formatTime(r.endTime()));
        row(h, "roots", r.roots().isEmpty() ? "(none)" : String.join("\n", r.roots()));
        row(h, "model store", r.modelStore() == null ? "not scanned" : r.modelStore());
        row(h, "files scanned", Long.toString(r.filesScanned()));
        row(h, "files skipped", Long.toString(r.filesSkipped()));
        row(h, "files failed", Long.toString(r.filesFailed()));
        row(h, "bytes scanned", Long.toString(r.bytesScanned()));
        row(h, "findings", Long.toString(r.findings()));
        row(h, "detectors", "built-in: " + String.join(", ", r.detectors().builtIn())
                + (r.detectors().custom().isEmpty() ? "" : "; custom: " + String.join(", ", r.detectors().custom()))
                + "; phone regions: " + String.join(", ", r.detectors().phoneRegions())
                + "; minimum confidence " + r.detectors().minConfidence());
        h.append("</table>\n");

        h.append("<h2>Findings by type</h2>\n");
        if (r.countsByType().isEmpty()) {
            h.append("<p>No PII found.</p>\n");
        } else {
            long max = r.countsByType().values().stream().mapToLong(Long::longValue).max().orElse(1);
            h.append("<table><tr><th>type</th><th>findings</th><th></th></tr>");
            r.countsByType().forEach((type, n) -> h.append("<tr><td>").append(esc(type)).append("</td><td class=\"n\">")
                    .append(n).append("</td><td><span class=\"bar\" style=\"width:")
                    .append(Math.max(1, (int) (200 * n / max))).append("px\"></span></td></tr>"));
            h.append("</table>\n");
        }

        if (!r.files().isEmpty()) {
            h.append("<h2>Files with findings</h2>\n<table><tr><th>file</th><th>format</th><th>bytes</th>")
                    .append("<th>findings</th><th>by type</th><th>by column / field</th></tr>");
            for (DiscoveryReport.FileReport f : r.files()) {
                h.append("<tr><td><code>").append(esc(f.path())).append("</code>");
                for (String note : f.notes()) {
                    h.append("<br><small>").append(esc(note)).append("</small>");
                }
                h.append("</td><td>").append(f.format()).append("</td><td class=\"n\">").append(f.bytes())
                        .append("</td><td class=\"n\">").append(f.findings()).append("</td><td>")
                        .append(esc(counts(f.countsByType()))).append("</td><td>");
                StringJoiner fields = new StringJoiner("<br>");
                f.fields().forEach((name, byType) -> fields.add("<code>" + esc(name) + "</code>: "
                        + esc(counts(byType))));
                h.append(fields).append("</td></tr>");
            }
            h.append("</table>\n<h2>Sample locations</h2>\n<table><tr><th>file</th><th>type</th><th>line</th>")
                    .append("<th>column / field</th><th>byte offset</th></tr>");
            for (DiscoveryReport.FileReport f : r.files()) {
                for (DiscoveryReport.Sample s : f.samples()) {
                    h.append("<tr><td><code>").append(esc(f.path())).append("</code></td><td>").append(esc(s.type()))
                            .append("</td><td class=\"n\">").append(s.line()).append("</td><td>")
                            .append(s.field() == null ? "" : "<code>" + esc(s.field()) + "</code>")
                            .append("</td><td class=\"n\">").append(s.byteOffset()).append("</td></tr>");
                }
            }
            h.append("</table>\n");
        }
        reasons(h, "Skipped files", r.skipped(), r.skippedNotListed());
        reasons(h, "Files that could not be scanned", r.failed(), 0);
        h.append("<p><small>This page lists where personal data was found, never the data itself.</small></p>\n")
                .append("</body></html>\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void reasons(StringBuilder h, String title, List<DiscoveryReport.PathReason> list, long more) {
        if (list.isEmpty()) {
            return;
        }
        h.append("<h2>").append(esc(title)).append("</h2>\n<table><tr><th>file</th><th>reason</th></tr>");
        for (DiscoveryReport.PathReason p : list) {
            h.append("<tr><td><code>").append(esc(p.path())).append("</code></td><td>").append(esc(p.reason()))
                    .append("</td></tr>");
        }
        h.append("</table>\n");
        if (more > 0) {
            h.append("<p>and ").append(more).append(" more (not listed).</p>\n");
        }
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>")
                .append(esc(value).replace("\n", "<br>")).append("</td></tr>");
    }

    private static String counts(Map<String, Long> counts) {
        StringJoiner j = new StringJoiner(", ");
        counts.forEach((t, n) -> j.add(t + " " + n));
        return j.toString();
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
