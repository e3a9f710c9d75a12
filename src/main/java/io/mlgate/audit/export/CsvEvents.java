package io.mlgate.audit.export;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * The CSV rendering of records: RFC 4180 (comma separated, CRLF line ends, a field holding a comma, quote, CR or LF
 * is quoted and its quotes doubled), UTF-8 without BOM, one header row of {@link #COLUMNS}. A cell that would start
 * with {@code = + - @}, tab or CR is prefixed with an apostrophe so spreadsheets do not evaluate it as a formula.
 * Missing values are empty cells; {@code resources} is the ARNs joined by {@code ;}; {@code policyDecision} is
 * {@code additionalEventData.policyDecision.outcome}.
 */
public final class CsvEvents {

    /** The header row, in column order. */
    public static final List<String> COLUMNS = List.of(
            "eventTime", "eventID", "eventSource", "eventName", "eventCategory", "readOnly",
            "userIdentity.type", "userIdentity.arn", "userIdentity.accountId", "userIdentity.accessKeyId",
            "userIdentity.userName", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "resources",
            "requestID", "policyDecision");

    private static final byte[] CRLF = {'\r', '\n'};

    private CsvEvents() {
    }

    static void writeHeader(OutputStream out) throws IOException {
        writeRow(COLUMNS, out);
    }

    static void writeRow(JsonNode r, OutputStream out) throws IOException {
        JsonNode id = r.path("userIdentity");
        StringBuilder resources = new StringBuilder();
        for (JsonNode res : r.path("resources")) {
            String arn = TrailJson.text(res, "ARN");
            if (arn != null) {
                if (!resources.isEmpty()) {
                    resources.append(';');
                }
                resources.append(arn);
            }
        }
        writeRow(List.of(
                cell(r.get("eventTime")), cell(r.get("eventID")), cell(r.get("eventSource")),
                cell(r.get("eventName")), cell(r.get("eventCategory")), cell(r.get("readOnly")),
                cell(id.get("type")), cell(id.get("arn")), cell(id.get("accountId")), cell(id.get("accessKeyId")),
                cell(id.get("userName")), cell(r.get("sourceIPAddress")), cell(r.get("userAgent")),
                cell(r.get("errorCode")), cell(r.get("errorMessage")), resources.toString(),
                cell(r.get("requestID")),
                cell(r.path("additionalEventData").path("policyDecision").get("outcome"))), out);
    }

    private static void writeRow(List<String> cells, OutputStream out) throws IOException {
        StringBuilder line = new StringBuilder(256);
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(field(cells.get(i)));
        }
        out.write(line.toString().getBytes(StandardCharsets.UTF_8));
        out.write(CRLF);
    }

    private static String cell(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "";
        }
        if (n.isString()) {
            return n.stringValue();
        }
        if (n.isBoolean()) {
            return Boolean.toString(n.booleanValue());
        }
        if (n.isNumber()) {
            return n.asString();
        }
        return new String(TrailJson.write(n), StandardCharsets.UTF_8);
    }

    /** One field: formula-neutralised, then quoted when RFC 4180 requires it. */
    static String field(String value) {
        String v = value;
        if (!v.isEmpty()) {
            char c = v.charAt(0);
            if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
                v = "'" + v;
            }
        }
        boolean quote = false;
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        return quote ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
