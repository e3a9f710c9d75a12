package io.mlgate.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import tools.jackson.core.JsonGenerator;

/**
 * An immutable, insertion-ordered JSON object of named scalars (strings, numbers, booleans), nested objects and
 * lists, used for {@code requestParameters}, {@code responseElements} and {@code additionalEventData}.
 *
 * <p>Values are typed at the call site ({@code put(name, String)}, {@code put(name, long)}, ...); there is no way to put
 * bytes, streams or arbitrary objects, so a request or response body cannot be attached except by a caller that
 * deliberately converts it to text. Payloads belong in the record only as a digest ({@code payloadSha256}).
 */
public final class EventData {

    private static final EventData EMPTY = new EventData(new String[0], new Object[0], 2);

    private final String[] names;
    private final Object[] values; // String, Long, Double, Boolean, EventData, List<String>, List<EventData>
    private final int approximateJsonBytes;

    private EventData(String[] names, Object[] values, int approximateJsonBytes) {
        this.names = names;
        this.values = values;
        this.approximateJsonBytes = approximateJsonBytes;
    }

    /** An object with no members, serialized as {@code {}}. */
    public static EventData empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of members. */
    public int size() {
        return names.length;
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    /** Member names in insertion order. */
    public List<String> names() {
        return List.of(names);
    }

    /**
     * The value of a member (String, Long, Double, Boolean, EventData, or an unmodifiable List of String or
     * EventData), or null when absent.
     */
    public Object get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** A read-only, ordered view of this object as plain Java values (nested objects become maps). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], plain(values[i]));
        }
        return Collections.unmodifiableMap(m);
    }

    private static Object plain(Object v) {
        if (v instanceof EventData d) {
            return d.toMap();
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(plain(o));
            }
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    /** Size of the serialized object in bytes, ignoring escape sequences; used to enforce CloudTrail's limits. */
    public int approximateJsonBytes() {
        return approximateJsonBytes;
    }

    /** Writes this object as one JSON object value. */
    public void writeJson(JsonGenerator g) {
        g.writeStartObject();
        for (int i = 0; i < names.length; i++) {
            g.writeName(names[i]);
            writeValue(g, values[i]);
        }
        g.writeEndObject();
    }

    private static void writeValue(JsonGenerator g, Object v) {
        if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            g.writeNumber(l.longValue());
        } else if (v instanceof Double d) {
            g.writeNumber(d.doubleValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof EventData d) {
            d.writeJson(g);
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            throw new IllegalStateException("unsupported value type " + v.getClass());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventData other && toMap().equals(other.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    /** Lists member names only: values may be caller data and are not echoed into logs. */
    @Override
    public String toString() {
        return "EventData" + names();
    }

    /** Collects members in order; rejects duplicate names, nulls and non-finite numbers. Not thread-safe. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();
        private final Set<String> seen = new HashSet<>();
        private int bytes = 2;

        private Builder() {
        }

        public Builder put(String name, String value) {
            Objects.requireNonNull(value, "value");
            String v = EventText.wellFormed(value);
            return add(name, v, EventText.utf8Length(v) + 2);
        }

        public Builder put(String name, long value) {
            return add(name, value, 20);
        }

        public Builder put(String name, double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("number must be finite: " + name);
            }
            return add(name, value, 24);
        }

        public Builder put(String name, boolean value) {
            return add(name, value, 5);
        }

        public Builder put(String name, EventData value) {
            Objects.requireNonNull(value, "value");
            return add(name, value, value.approximateJsonBytes);
        }

        /** A JSON array of strings. */
        public Builder putStrings(String name, List<String> value) {
            Objects.requireNonNull(value, "value");
            List<String> copy = new ArrayList<>(value.size());
            int size = 2;
            for (String s : value) {
                String v = EventText.wellFormed(Objects.requireNonNull(s, "list element"));
                copy.add(v);
                size += EventText.utf8Length(v) + 2 + (copy.size() > 1 ? 1 : 0);
            }
            return add(name, Collections.unmodifiableList(copy), size);
        }

        /** A JSON array of objects. */
        public Builder putObjects(String name, List<EventData> value) {
            Objects.requireNonNull(value, "value");
            List<EventData> copy = List.copyOf(value);
            int size = 2 + Math.max(0, copy.size() - 1);
            for (EventData d : copy) {
                size += d.approximateJsonBytes;
            }
            return add(name, copy, size);
        }

        private Builder add(String name, Object value, int valueBytes) {
            String n = EventText.require(name, "name");
            if (!seen.add(n)) {
                throw new IllegalArgumentException("duplicate member name: " + n);
            }
            bytes += EventText.utf8Length(n) + 3 + valueBytes + (names.isEmpty() ? 0 : 1);
            names.add(n);
            values.add(value);
            return this;
        }

        public EventData build() {
            if (names.isEmpty()) {
                return EMPTY;
            }
            return new EventData(names.toArray(new String[0]), values.toArray(), bytes);
        }
    }
}
