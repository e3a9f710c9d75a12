package io.mlgate.protocol.query;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes the XML of a query-protocol result: nested elements with escaped text, timestamps in ISO-8601 UTC, lists as
 * {@code <member>} elements. Element names are the model's member names and are written as given.
 */
public final class XmlWriter {

    private final StringBuilder out = new StringBuilder(512);
    private final Deque<String> open = new ArrayDeque<>();

    /** Opens an element; close it with {@link #end()}. */
    public XmlWriter start(String name) {
        out.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    /** Closes the innermost open element. */
    public XmlWriter end() {
        if (open.isEmpty()) {
            throw new IllegalStateException("no element is open");
        }
        out.append("</").append(open.pop()).append('>');
        return this;
    }

    /** A text element; nothing is written when {@code value} is null (absent members are omitted). */
    public XmlWriter element(String name, String value) {
        if (value != null) {
            out.append('<').append(name).append('>');
            escape(value, out);
            out.append("</").append(name).append('>');
        }
        return this;
    }

    public XmlWriter element(String name, long value) {
        out.append('<').append(name).append('>').append(value).append("</").append(name).append('>');
        return this;
    }

    public XmlWriter element(String name, boolean value) {
        out.append('<').append(name).append('>').append(value).append("</").append(name).append('>');
        return this;
    }

    /** A timestamp element, ISO-8601 in UTC with second precision ({@code 2026-11-26T12:00:00Z}). */
    public XmlWriter element(String name, Instant value) {
        if (value != null) {
            element(name, value.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        return this;
    }

    /** True when nothing has been written. */
    public boolean isEmpty() {
        return out.length() == 0;
    }

    /** The XML written so far; every element must be closed. */
    public String xml() {
        if (!open.isEmpty()) {
            throw new IllegalStateException("unclosed element <" + open.peek() + ">");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** Escapes text for element content and attribute values; drops characters XML 1.0 cannot carry. */
    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        escape(text, b);
        return b.toString();
    }

    static void escape(String text, StringBuilder b) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                case '\r' -> b.append("&#xD;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        if (Character.isSurrogate(c)) {
                            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                                b.append(c).append(text.charAt(++i));
                            } else {
                                b.append('\uFFFD');
                            }
                        } else if (c == 0xFFFE || c == 0xFFFF) {
                            b.append('\uFFFD');
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
        }
    }
}
