package io.mlgate.sagemaker.transform;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a failed record is reported, by transform jobs and by {@code ./mlgate batch-transform} alike: a marker in the
 * output in the record's place ({@code {"error":{"code":"ValidationError","line":17}}}, so output line N still
 * answers input line N) and a line in the errors file ({@code {"line":17,"code":"ValidationError","message":"..."}})
 * whose message quotes no record content.
 */
public final class FailedRecords {

    /** The longest message kept. */
    public static final int MAX_MESSAGE = 512;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FailedRecords() {}

    /** The output record in place of a failed one (no separator). */
    public static byte[] marker(String code, long line) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("error").put("code", code).put("line", line);
        return JSON.writeValueAsBytes(n);
    }

    /** One line of an errors file, with its line end. */
    public static byte[] errorLine(long line, String code, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("line", line);
        n.put("code", code);
        n.put("message", safeMessage(message));
        byte[] json = JSON.writeValueAsBytes(n);
        byte[] withEnd = new byte[json.length + 1];
        System.arraycopy(json, 0, withEnd, 0, json.length);
        withEnd[json.length] = '\n';
        return withEnd;
    }

    /**
     * An error message as an errors file may hold it: quoted runs (where the runtime quotes a value of the record)
     * replaced by {@code ***}, control characters dropped, at most {@value #MAX_MESSAGE} characters.
     */
    public static String safeMessage(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(message.length(), MAX_MESSAGE));
        boolean quoted = false;
        for (int i = 0; i < message.length() && out.length() < MAX_MESSAGE; i++) {
            char c = message.charAt(i);
            if (c == '"') {
                out.append(quoted ? "***\"" : "\"");
                quoted = !quoted;
            } else if (!quoted && c >= 0x20 && c != 0x7F) {
                out.append(c);
            }
        }
        if (quoted) {
            out.append("***\"");
        }
        return out.toString();
    }
}
