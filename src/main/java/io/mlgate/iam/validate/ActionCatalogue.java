package io.mlgate.iam.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import io.mlgate.iam.policy.ActionPattern;

/**
 * The IAM services and actions the validator knows (built from AWS service models into {@code iam/actions.txt});
 * lookups ignore case, as IAM does. Immutable.
 */
public final class ActionCatalogue {

    private static final String RESOURCE = "/iam/actions.txt";
    private static volatile ActionCatalogue builtIn;

    /** lower-case service prefix -> (lower-case action name -> action as spelled by AWS). */
    private final Map<String, Map<String, String>> services;

    private ActionCatalogue(Map<String, Map<String, String>> services) {
        this.services = services;
    }

    /** A catalogue of the given {@code service:Action} entries. */
    public static ActionCatalogue of(List<String> actions) {
        Map<String, Map<String, String>> m = new HashMap<>();
        for (String a : actions) {
            int colon = a.indexOf(':');
            if (colon <= 0 || colon == a.length() - 1) {
                throw new IllegalArgumentException("catalogue entry '" + a + "' is not service:Action");
            }
            m.computeIfAbsent(a.substring(0, colon).toLowerCase(Locale.ROOT), k -> new TreeMap<>())
                    .put(a.substring(colon + 1).toLowerCase(Locale.ROOT), a);
        }
        m.replaceAll((k, v) -> Map.copyOf(v));
        return new ActionCatalogue(Map.copyOf(m));
    }

    /** The catalogue shipped in {@code iam/actions.txt}. */
    public static ActionCatalogue builtIn() {
        ActionCatalogue c = builtIn;
        if (c == null) {
            c = load();
            builtIn = c;
        }
        return c;
    }

    private static ActionCatalogue load() {
        try (InputStream in = ActionCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("action catalogue " + RESOURCE + " is missing from the class path");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return of(text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the service prefix (e.g. {@code sagemaker}) is in the catalogue. */
    public boolean knowsService(String prefix) {
        return services.containsKey(prefix.toLowerCase(Locale.ROOT));
    }

    /** The service prefixes in the catalogue, lower-cased. */
    public Set<String> services() {
        return services.keySet();
    }

    /**
     * Whether some catalogued action of the service matches {@code pattern} ({@code service:Action}, wildcards
     * allowed in the action part).
     */
    public boolean matchesAny(String service, String actionPattern) {
        Map<String, String> actions = services.get(service.toLowerCase(Locale.ROOT));
        if (actions == null) {
            return false;
        }
        String lower = actionPattern.toLowerCase(Locale.ROOT);
        if (lower.indexOf('*') < 0 && lower.indexOf('?') < 0) {
            return actions.containsKey(lower);
        }
        ActionPattern p = ActionPattern.of(service + ":" + actionPattern);
        String prefix = service.toLowerCase(Locale.ROOT) + ":";
        for (String a : actions.keySet()) {
            if (p.matches(prefix + a)) {
                return true;
            }
        }
        return false;
    }

    /** The closest catalogued action of the service (at most two edits away), spelled as AWS does; or null. */
    public String suggest(String service, String action) {
        Map<String, String> actions = services.get(service.toLowerCase(Locale.ROOT));
        if (actions == null) {
            return null;
        }
        String lower = action.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = 3;
        for (Map.Entry<String, String> e : actions.entrySet()) {
            int d = distance(lower, e.getKey(), bestDistance);
            if (d < bestDistance) {
                bestDistance = d;
                best = e.getValue();
            }
        }
        return best;
    }

    /** Levenshtein distance, giving up (returning {@code limit}) once it cannot be below {@code limit}. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return Math.min(prev[b.length()], limit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ActionCatalogue c && c.services.equals(services);
    }

    @Override
    public int hashCode() {
        return Objects.hash(services);
    }
}
