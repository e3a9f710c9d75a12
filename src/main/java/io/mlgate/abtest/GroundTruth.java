package io.mlgate.abtest;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ground-truth labels by inference id, from either of two formats (told apart by the first character that is not
 * white space: <code>{</code> means JSON lines):
 * <ul>
 *   <li>CSV with the header {@code inference_id,label} (RFC 4180 quoting allowed, no line breaks inside fields);</li>
 *   <li>JSON lines, one object per line: {@code {"inferenceId":"row-1","label":"setosa"}} (a number as label is
 *       read as its text).</li>
 * </ul>
 * Blank lines are skipped. An id given twice, an empty id or label, or a malformed line is an error naming the
 * line. The ids are the inference ids of the captured calls (with {@code #k} for row k of a multi-row call; see
 * {@link CaptureReader}).
 */
public final class GroundTruth {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private GroundTruth() {
    }

    /**
     * Reads a labels file.
     *
     * @throws IllegalArgumentException naming the file and line of the first problem
     */
    public static Map<String, String> read(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n", -1);
        String first = text.strip();
        Map<String, String> labels = new LinkedHashMap<>();
        if (first.startsWith("{")) {
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    jsonLine(file, i + 1, lines[i], labels);
                }
            }
            return labels;
        }
        int header = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            List<String> cells = csv(file, i + 1, lines[i]);
            if (header < 0) {
                header = i;
                if (cells.size() != 2 || !cells.get(0).strip().toLowerCase(Locale.ROOT).equals("inference_id")
                        || !cells.get(1).strip().toLowerCase(Locale.ROOT).equals("label")) {
                    throw problem(file, i + 1, "the header must be inference_id,label");
                }
                continue;
            }
            if (cells.size() != 2) {
                throw problem(file, i + 1, "expected 2 fields (inference_id,label), found " + cells.size());
            }
            put(file, i + 1, cells.get(0).strip(), cells.get(1).strip(), labels);
        }
        if (header < 0) {
            throw problem(file, 1, "the file is empty; expected the header inference_id,label");
        }
        return labels;
    }

    private static void jsonLine(Path file, int line, String text, Map<String, String> labels) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            throw problem(file, line, "not a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw problem(file, line, "not a JSON object");
        }
        JsonNode id = node.get("inferenceId");
        JsonNode label = node.get("label");
        if (id == null || !id.isString()) {
            throw problem(file, line, "inferenceId must be a string");
        }
        if (label == null || !(label.isString() || label.isNumber() || label.isBoolean())) {
            throw problem(file, line, "label must be a string or a number");
        }
        put(file, line, id.asString(), label.asString(), labels);
    }

    private static void put(Path file, int line, String id, String label, Map<String, String> labels) {
        if (id.isEmpty()) {
            throw problem(file, line, "the inference id is empty");
        }
        if (label.isEmpty()) {
            throw problem(file, line, "the label of " + id + " is empty");
        }
        if (labels.putIfAbsent(id, label) != null) {
            throw problem(file, line, "inference id " + id + " is labelled twice");
        }
    }

    /** The fields of one CSV line: commas separate, double quotes quote, "" is a quote inside quotes. */
    private static List<String> csv(Path file, int line, String text) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.toString().isBlank() && !wasQuoted) {
                cell.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
                wasQuoted = false;
            } else if (wasQuoted && !Character.isWhitespace(c)) {
                throw problem(file, line, "text after a closing quote");
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw problem(file, line, "a quote is not closed");
        }
        cells.add(cell.toString());
        return cells;
    }

    private static IllegalArgumentException problem(Path file, int line, String what) {
        return new IllegalArgumentException(file + " line " + line + ": " + what);
    }
}
