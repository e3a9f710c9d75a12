package io.mlgate.runtime;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A parsed {@code type/subtype; name=value} header value (Content-Type or one Accept media range). */
record MediaType(String type, String subtype, Map<String, String> parameters) {

    MediaType {
        parameters = Map.copyOf(parameters);
    }

    /** Parses one media type; returns {@code null} when it is not of the form type/subtype. */
    static MediaType parse(String value) {
        String[] parts = value.split(";");
        String essence = parts[0].trim().toLowerCase(Locale.ROOT);
        int slash = essence.indexOf('/');
        if (slash <= 0 || slash == essence.length() - 1 || essence.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String v = eq < 0 ? "" : p.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            params.put(name, v);
        }
        return new MediaType(essence.substring(0, slash).trim(), essence.substring(slash + 1).trim(), params);
    }

    boolean is(String type, String subtype) {
        return this.type.equals(type) && this.subtype.equals(subtype);
    }

    String essence() {
        return type + "/" + subtype;
    }
}
