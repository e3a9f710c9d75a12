package io.mlgate.protocol.query;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The parameters of one query-protocol request, as the wire flattens them: {@code Action}, {@code Version} and the
 * operation's members, lists as {@code Name.member.N} and structures inside lists as {@code Name.member.N.Field}.
 * Parsed strictly from a form-encoded body (or a query string): bad percent-escapes, invalid UTF-8 and repeated
 * names are refused, so what the handler sees is exactly what the client signed.
 */
public final class QueryParameters {

    /** At most this many name=value pairs in one request. */
    public static final int MAX_PARAMETERS = 4096;

    private final TreeMap<String, String> values;

    private QueryParameters(TreeMap<String, String> values) {
        this.values = values;
    }

    /** Parses an {@code application/x-www-form-urlencoded} body in UTF-8. */
    public static QueryParameters parseForm(byte[] body) throws QueryException {
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            text = utf8.decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw malformed("The request body is not valid UTF-8.");
        }
        return parse(text);
    }

    /** Parses a raw (still percent-encoded) query string; null or empty gives no parameters. */
    public static QueryParameters parse(String raw) throws QueryException {
        TreeMap<String, String> values = new TreeMap<>();
        if (raw == null || raw.isEmpty()) {
            return new QueryParameters(values);
        }
        int start = 0;
        int count = 0;
        while (start <= raw.length()) {
            int amp = raw.indexOf('&', start);
            int end = amp < 0 ? raw.length() : amp;
            if (end > start) {
                if (++count > MAX_PARAMETERS) {
                    throw malformed("The request has more than " + MAX_PARAMETERS + " parameters.");
                }
                int eq = raw.indexOf('=', start);
                String name;
                String value;
                if (eq < 0 || eq > end) {
                    name = decode(raw, start, end);
                    value = "";
                } else {
                    name = decode(raw, start, eq);
                    value = decode(raw, eq + 1, end);
                }
                if (name.isEmpty()) {
                    throw malformed("The request has a parameter without a name.");
                }
                if (values.putIfAbsent(name, value) != null) {
                    throw malformed("The parameter " + printable(name) + " appears more than once.");
                }
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return new QueryParameters(values);
    }

    private static String decode(String raw, int from, int to) throws QueryException {
        int percent = raw.indexOf('%', from);
        int plus = raw.indexOf('+', from);
        if ((percent < 0 || percent >= to) && (plus < 0 || plus >= to)) {
            return raw.substring(from, to);
        }
        ByteBuffer bytes = ByteBuffer.allocate(to - from);
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    throw malformed("The request has an incomplete percent-escape.");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed("The request has an invalid percent-escape.");
                }
                bytes.put((byte) ((hi << 4) | lo));
                i += 2;
            } else if (c == '+') {
                bytes.put((byte) ' ');
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                throw malformed("The request has an unescaped non-ASCII character.");
            }
        }
        bytes.flip();
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw malformed("The request has a percent-escaped value that is not valid UTF-8.");
        }
    }

    private static QueryException malformed(String message) {
        return new QueryException("MalformedQueryString", 400, message);
    }

    /** The operation name ({@code Action}), or null. */
    public String action() {
        return values.get("Action");
    }

    /** The API version ({@code Version}), or null. */
    public String version() {
        return values.get("Version");
    }

    /** The value of a scalar member, or null when absent. */
    public String get(String name) {
        return values.get(name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * The value of a required member; absent gives the model's {@code ValidationError}. {@code member} is the name
     * the error shows (the model's lower-camel spelling, e.g. {@code userName}).
     */
    public String required(String name, String member) throws QueryException {
        String value = values.get(name);
        if (value == null) {
            throw QueryException.constraint(member, null, "Member must not be null");
        }
        return value;
    }

    /** An integer member, or {@code fallback} when absent; a non-number is a {@code ValidationError}. */
    public int integer(String name, String member, int fallback) throws QueryException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw QueryException.constraint(member, value, "Member must be a number");
        }
    }

    /** A boolean member ({@code true}/{@code false}), or {@code fallback} when absent. */
    public boolean bool(String name, String member, boolean fallback) throws QueryException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        if (value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw QueryException.constraint(member, value, "Member must be true or false");
    }

    /**
     * A list of scalars, {@code Name.member.1 .. Name.member.N} in order (an empty {@code Name=} is an empty list).
     * Numbering must start at 1 and have no gaps, as every AWS client serializes it.
     */
    public List<String> list(String name) throws QueryException {
        List<String> out = new ArrayList<>();
        for (int i = 1; ; i++) {
            String value = values.get(name + ".member." + i);
            if (value == null) {
                break;
            }
            out.add(value);
        }
        checkNoStray(name, out.size(), false);
        return List.copyOf(out);
    }

    /** A list of structures: one view per {@code Name.member.N}, whose names are the fields below it. */
    public List<QueryParameters> structures(String name) throws QueryException {
        List<QueryParameters> out = new ArrayList<>();
        for (int i = 1; ; i++) {
            QueryParameters item = under(name + ".member." + i);
            if (item.values.isEmpty()) {
                break;
            }
            out.add(item);
        }
        checkNoStray(name, out.size(), true);
        return List.copyOf(out);
    }

    /** The members below {@code prefix.} as their own parameters (prefix removed). */
    public QueryParameters under(String prefix) {
        String from = prefix + ".";
        TreeMap<String, String> sub = new TreeMap<>();
        for (Map.Entry<String, String> e : values.tailMap(from, true).entrySet()) {
            if (!e.getKey().startsWith(from)) {
                break;
            }
            sub.put(e.getKey().substring(from.length()), e.getValue());
        }
        return new QueryParameters(sub);
    }

    private void checkNoStray(String name, int found, boolean structures) throws QueryException {
        String prefix = name + ".member.";
        for (String key : values.tailMap(prefix, true).keySet()) {
            if (!key.startsWith(prefix)) {
                break;
            }
            String rest = key.substring(prefix.length());
            int dot = rest.indexOf('.');
            String index = dot < 0 ? rest : rest.substring(0, dot);
            int n;
            try {
                n = Integer.parseInt(index);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > found || (dot >= 0) != structures) {
                throw malformed("The list " + printable(name) + " is not numbered 1.." + found
                        + " (found " + printable(key) + ").");
            }
        }
    }

    /** Every parameter name, sorted. */
    public Set<String> names() {
        return Collections.unmodifiableSet(values.keySet());
    }

    public int size() {
        return values.size();
    }

    /** A value shortened to 80 printable ASCII characters, for error messages. */
    static String printable(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) : value;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
