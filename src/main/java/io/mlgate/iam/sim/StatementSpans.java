package io.mlgate.iam.sim;

import java.util.HashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;

/**
 * Where each statement of a policy text starts and ends, as the IAM simulator reports it ({@code StartPosition} /
 * {@code EndPosition}): line from 1, and the column just after the statement's opening and closing brace (AWS's
 * documented example reports column 38 for a {@code {} at column 37).
 */
final class StatementSpans {

    /** A line and column of a policy text, as the simulator reports them. */
    record Position(int line, int column) {
    }

    /** The start and end of one statement. */
    record Span(Position start, Position end) {
    }

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private StatementSpans() {
    }

    /** Statement index (as in {@code Statement.index()}) to its span; empty if the text is not a policy object. */
    static Map<Integer, Span> of(String text) {
        Map<Integer, Span> out = new HashMap<>();
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals("Statement")) {
                    p.skipChildren();
                    continue;
                }
                if (value == JsonToken.START_OBJECT) {
                    out.put(0, span(p));
                } else if (value == JsonToken.START_ARRAY) {
                    int index = 0;
                    JsonToken e;
                    while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
                        if (e == JsonToken.START_OBJECT) {
                            out.put(index, span(p));
                        } else {
                            p.skipChildren();
                        }
                        index++;
                    }
                }
            }
        } catch (JacksonException e) {
            return out;
        }
        return out;
    }

    /** With the parser on a START_OBJECT: its span, leaving the parser on the matching END_OBJECT. */
    private static Span span(JsonParser p) {
        Position start = after(p.currentTokenLocation());
        p.skipChildren();
        return new Span(start, after(p.currentTokenLocation()));
    }

    private static Position after(TokenStreamLocation loc) {
        return new Position(loc.getLineNr(), loc.getColumnNr() + 1);
    }
}
