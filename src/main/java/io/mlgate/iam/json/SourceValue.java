package io.mlgate.iam.json;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON value read from a configuration source that remembers where it was written, so validation can point at the
 * exact line and column of anything wrong.
 */
public sealed interface SourceValue {

    SourcePosition position();

    /** What kind of JSON value this is, for messages ("a string", "an object", ...). */
    String kind();

    /** A JSON object; members keep their source order and the position of their names. */
    record Obj(SourcePosition position, Map<String, Member> members) implements SourceValue {
        public Obj {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        public Optional<Member> member(String name) {
            return Optional.ofNullable(members.get(name));
        }

        @Override
        public String kind() {
            return "an object";
        }
    }

    /** One member of an object: its name, where the name is written, and its value. */
    record Member(String name, SourcePosition namePosition, SourceValue value) {
    }

    /** A JSON array. */
    record Arr(SourcePosition position, List<SourceValue> elements) implements SourceValue {
        public Arr {
            elements = List.copyOf(elements);
        }

        @Override
        public String kind() {
            return "an array";
        }
    }

    /** A JSON string. */
    record Str(SourcePosition position, String value) implements SourceValue {
        @Override
        public String kind() {
            return "a string";
        }
    }

    /** A JSON number, kept as written. */
    record Num(SourcePosition position, String text) implements SourceValue {
        @Override
        public String kind() {
            return "a number";
        }
    }

    /** A JSON boolean. */
    record Bool(SourcePosition position, boolean value) implements SourceValue {
        @Override
        public String kind() {
            return "a boolean";
        }
    }

    /** A JSON null. */
    record Null(SourcePosition position) implements SourceValue {
        @Override
        public String kind() {
            return "null";
        }
    }
}
