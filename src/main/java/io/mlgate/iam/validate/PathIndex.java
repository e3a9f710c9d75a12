package io.mlgate.iam.validate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mlgate.iam.json.SourcePosition;
import io.mlgate.iam.json.SourceValue;

/** Maps source positions of a read JSON tree to paths such as {@code Statement[1].Action[0]}. */
final class PathIndex {

    private static final Pattern DUPLICATE_KEY = Pattern.compile("duplicate key '(.*)' \\(first defined at line (\\d+)\\)");
    private static final Comparator<SourcePosition> ORDER = Comparator.comparingInt(SourcePosition::line)
            .thenComparingInt(SourcePosition::column);

    private record Named(String name, SourcePosition namePosition, String path) {
    }

    private final Map<SourcePosition, String> byPosition = new HashMap<>();
    private final List<Named> members = new ArrayList<>();
    private final List<SourcePosition> ordered = new ArrayList<>();

    private PathIndex() {
    }

    static PathIndex of(SourceValue root, String basePath) {
        PathIndex index = new PathIndex();
        if (root != null) {
            index.walk(root, basePath);
        }
        index.ordered.addAll(index.byPosition.keySet());
        index.ordered.sort(ORDER);
        return index;
    }

    static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    static String element(String parent, int i) {
        return parent + "[" + i + "]";
    }

    private void walk(SourceValue v, String path) {
        byPosition.putIfAbsent(v.position(), path);
        if (v instanceof SourceValue.Obj obj) {
            for (SourceValue.Member m : obj.members().values()) {
                String p = child(path, m.name());
                byPosition.putIfAbsent(m.namePosition(), p);
                members.add(new Named(m.name(), m.namePosition(), p));
                walk(m.value(), p);
            }
        } else if (v instanceof SourceValue.Arr arr) {
            for (int i = 0; i < arr.elements().size(); i++) {
                walk(arr.elements().get(i), element(path, i));
            }
        }
    }

    /** The path of what a problem at {@code position} with {@code message} is about. */
    String pathOf(SourcePosition position, String message) {
        String exact = byPosition.get(position);
        if (exact != null) {
            return exact;
        }
        Matcher m = DUPLICATE_KEY.matcher(message);
        if (m.lookingAt()) {
            int line = Integer.parseInt(m.group(2));
            for (Named n : members) {
                if (n.name().equals(m.group(1)) && n.namePosition().line() == line) {
                    return n.path();
                }
            }
        }
        String preceding = ordered.isEmpty() ? "" : byPosition.get(ordered.get(0));
        for (SourcePosition p : ordered) {
            if (ORDER.compare(p, position) > 0) {
                break;
            }
            preceding = byPosition.get(p);
        }
        return preceding;
    }
}
