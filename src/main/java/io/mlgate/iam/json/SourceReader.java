package io.mlgate.iam.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads JSON text into {@link SourceValue} trees with line and column for every value, using Jackson's streaming
 * parser. Syntax errors and duplicate object keys are reported as problems rather than thrown.
 */
public final class SourceReader {

    private static final int MAX_DEPTH = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxStringLength(1 << 20)
                    .build())
            .build();

    private SourceReader() {
    }

    /**
     * Parses {@code text}; returns the root value, or {@code null} if the text is not well-formed JSON (the syntax
     * error is then added to {@code diagnostics}). Duplicate keys are added to {@code diagnostics} but do not stop
     * reading; the first occurrence is kept.
     */
    public static SourceValue read(String text, String sourceName, Diagnostics diagnostics) {
        return read(text, sourceName, 1, diagnostics);
    }

    /**
     * Like {@link #read(String, String, Diagnostics)} for text that starts at line {@code firstLine} of its source
     * (e.g. one line of a JSON Lines file): reported lines are counted from there.
     */
    public static SourceValue read(String text, String sourceName, int firstLine, Diagnostics diagnostics) {
        String src = sourceName;
        int lineOffset = firstLine - 1;
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                diagnostics.error(new SourcePosition(src, firstLine, 1), "empty document: expected a JSON object");
                return null;
            }
            SourceValue root = readValue(p, first, new Where(src, lineOffset), diagnostics);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                diagnostics.error(at(p.currentTokenLocation(), new Where(src, lineOffset)), "unexpected content after the end of the document");
            }
            return root;
        } catch (JacksonException e) {
            TokenStreamLocation loc = e.getLocation();
            String message = e.getOriginalMessage();
            diagnostics.error(loc == null ? SourcePosition.wholeSource(src) : at(loc, new Where(src, lineOffset)),
                    "malformed JSON: " + firstLine(message));
            return null;
        }
    }

    private static SourceValue readValue(JsonParser p, JsonToken t, Where src, Diagnostics d) {
        SourcePosition pos = at(p.currentTokenLocation(), src);
        switch (t) {
            case START_OBJECT: {
                Map<String, SourceValue.Member> members = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = p.currentName();
                    SourcePosition namePos = at(p.currentTokenLocation(), src);
                    SourceValue value = readValue(p, p.nextToken(), src, d);
                    if (members.containsKey(name)) {
                        d.error(namePos, "duplicate key '" + name + "' (first defined at line "
                                + members.get(name).namePosition().line() + ")");
                    } else {
                        members.put(name, new SourceValue.Member(name, namePos, value));
                    }
                }
                return new SourceValue.Obj(pos, members);
            }
            case START_ARRAY: {
                List<SourceValue> elements = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    elements.add(readValue(p, n, src, d));
                }
                return new SourceValue.Arr(pos, elements);
            }
            case VALUE_STRING:
                return new SourceValue.Str(pos, p.getString());
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new SourceValue.Num(pos, p.getString());
            case VALUE_TRUE:
                return new SourceValue.Bool(pos, true);
            case VALUE_FALSE:
                return new SourceValue.Bool(pos, false);
            case VALUE_NULL:
                return new SourceValue.Null(pos);
            default:
                throw new IllegalStateException("unexpected JSON token " + t);
        }
    }

    private record Where(String source, int lineOffset) {
    }

    private static SourcePosition at(TokenStreamLocation loc, Where src) {
        return new SourcePosition(src.source(), loc.getLineNr() + src.lineOffset(), loc.getColumnNr());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
