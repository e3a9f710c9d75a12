package io.mlgate.pii.discovery;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mlgate.pii.CustomDetectorSpec;
import io.mlgate.pii.DetectorSettings;
import io.mlgate.pii.PiiType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the detector settings of a discovery job (and of log redaction) from a file, so that they can be the
 * gateway's: either the gateway's own properties file (any {@code *.properties}: the {@code mlgate.pii.*} detector
 * keys {@code disabled-types}, {@code phone-regions}, {@code min-confidence}, {@code max-json-depth} and
 * {@code custom[i].name|pattern|dictionary|checksum|confidence|context-words|negative-context-words|context-window},
 * kebab-case or camelCase, lists comma-separated or indexed; every other key is ignored), or a JSON file with the
 * same settings in camelCase ({@code {"disabledTypes": [], "phoneRegions": [], "minConfidence": 0.5,
 * "maxJsonDepth": 64, "custom": [{...}]}}, or just the array of custom detectors). Unset values take the gateway's
 * defaults: every built-in type, {@link DetectorSettings#DEFAULT_PHONE_REGIONS}, confidence 0.5, depth 64; a custom
 * detector's checksum NONE, confidence 0.8, context window 40. Unknown JSON members and malformed values are errors
 * naming the setting.
 */
public final class DetectorConfig {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PREFIX = "mlgate.pii.";
    private static final Pattern CUSTOM_KEY = Pattern.compile("custom\\[(\\d{1,4})]\\.([a-z]+)(?:\\[(\\d{1,6})])?");
    private static final Pattern LIST_KEY = Pattern.compile("([a-z]+)(?:\\[(\\d{1,6})])?");
    private static final Set<String> TOP = Set.of("disabledtypes", "phoneregions", "minconfidence", "maxjsondepth",
            "custom");
    private static final Set<String> CUSTOM_FIELDS = Set.of("name", "pattern", "dictionary", "checksum",
            "confidence", "contextwords", "negativecontextwords", "contextwindow");

    private DetectorConfig() {
    }

    /** The settings in {@code file} ({@code .properties} or JSON); {@code null} gives the defaults. */
    public static DetectorSettings load(Path file) throws IOException {
        if (file == null) {
            return DetectorSettings.defaults();
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            return name.endsWith(".properties") ? fromProperties(file) : fromJson(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The settings in a JSON document (see the class comment). */
    public static DetectorSettings fromJson(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        Raw raw = new Raw();
        if (root != null && root.isArray()) {
            readCustomArray(root, raw);
            return raw.settings();
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object or an array of custom detectors");
        }
        for (Iterator<String> it = root.propertyNames().iterator(); it.hasNext(); ) {
            String key = it.next();
            JsonNode v = root.get(key);
            switch (key) {
                case "disabledTypes" -> raw.disabledTypes = strings(v, key);
                case "phoneRegions" -> raw.phoneRegions = strings(v, key);
                case "minConfidence" -> raw.minConfidence = number(v, key);
                case "maxJsonDepth" -> raw.maxJsonDepth = (int) number(v, key);
                case "custom" -> readCustomArray(v, raw);
                default -> throw new IllegalArgumentException("unknown setting " + key + " (known: disabledTypes, "
                        + "phoneRegions, minConfidence, maxJsonDepth, custom)");
            }
        }
        return raw.settings();
    }

    private static void readCustomArray(JsonNode array, Raw raw) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("custom must be an array of detectors");
        }
        int i = 0;
        for (JsonNode d : array) {
            String at = "custom[" + i + "]";
            if (!d.isObject()) {
                throw new IllegalArgumentException(at + " must be an object");
            }
            RawCustom c = raw.custom(i);
            for (Iterator<String> it = d.propertyNames().iterator(); it.hasNext(); ) {
                String key = it.next();
                JsonNode v = d.get(key);
                String where = at + "." + key;
                switch (key) {
                    case "name" -> c.name = text(v, where);
                    case "pattern" -> c.pattern = text(v, where);
                    case "dictionary" -> c.dictionary = strings(v, where);
                    case "checksum" -> c.checksum = text(v, where);
                    case "confidence" -> c.confidence = number(v, where);
                    case "contextWords" -> c.contextWords = strings(v, where);
                    case "negativeContextWords" -> c.negativeContextWords = strings(v, where);
                    case "contextWindow" -> c.contextWindow = (int) number(v, where);
                    default -> throw new IllegalArgumentException("unknown setting " + where + " (known: name, "
                            + "pattern, dictionary, checksum, confidence, contextWords, negativeContextWords, "
                            + "contextWindow)");
                }
            }
            i++;
        }
    }

    private static DetectorSettings fromProperties(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Raw raw = new Raw();
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length()).replace("-", "").toLowerCase(Locale.ROOT);
            String value = p.getProperty(key).trim();
            Matcher custom = CUSTOM_KEY.matcher(rest);
            if (custom.matches()) {
                String field = custom.group(2);
                if (!CUSTOM_FIELDS.contains(field)) {
                    continue; // not a detector setting this reader knows; the gateway validates its own
                }
                RawCustom c = raw.custom(Integer.parseInt(custom.group(1)));
                String where = key;
                switch (field) {
                    case "name" -> c.name = value;
                    case "pattern" -> c.pattern = p.getProperty(key); // a pattern keeps its spaces
                    case "dictionary" -> c.dictionary = merge(c.dictionary, custom.group(3), value);
                    case "checksum" -> c.checksum = value;
                    case "confidence" -> c.confidence = parseDouble(value, where);
                    case "contextwords" -> c.contextWords = merge(c.contextWords, custom.group(3), value);
                    case "negativecontextwords" -> c.negativeContextWords =
                            merge(c.negativeContextWords, custom.group(3), value);
                    case "contextwindow" -> c.contextWindow = (int) parseDouble(value, where);
                    default -> { }
                }
                continue;
            }
            Matcher list = LIST_KEY.matcher(rest);
            if (!list.matches() || !TOP.contains(list.group(1))) {
                continue; // mode, redaction, endpoints.*: the gateway's policy settings, not detectors
            }
            switch (list.group(1)) {
                case "disabledtypes" -> raw.disabledTypes = merge(raw.disabledTypes, list.group(2), value);
                case "phoneregions" -> raw.phoneRegions = merge(raw.phoneRegions, list.group(2), value);
                case "minconfidence" -> raw.minConfidence = parseDouble(value, key);
                case "maxjsondepth" -> raw.maxJsonDepth = (int) parseDouble(value, key);
                default -> { } // custom without an index: nothing to bind
            }
        }
        return raw.settings();
    }

    /** A Spring-style list value: {@code a,b} for the whole list, or element {@code index} of it. */
    private static List<String> merge(List<String> current, String index, String value) {
        if (index == null) {
            List<String> out = new ArrayList<>();
            for (String s : value.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
            return out;
        }
        List<String> out = current == null ? new ArrayList<>() : new ArrayList<>(current);
        int i = Integer.parseInt(index);
        while (out.size() <= i) {
            out.add(null);
        }
        out.set(i, value);
        return out;
    }

    private static double parseDouble(String value, String where) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be a number");
        }
    }

    private static String text(JsonNode v, String where) {
        if (!v.isString()) {
            throw new IllegalArgumentException(where + " must be a string");
        }
        return v.stringValue();
    }

    private static double number(JsonNode v, String where) {
        if (!v.isNumber()) {
            throw new IllegalArgumentException(where + " must be a number");
        }
        return v.doubleValue();
    }

    private static List<String> strings(JsonNode v, String where) {
        if (!v.isArray()) {
            throw new IllegalArgumentException(where + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            out.add(text(e, where + "[]"));
        }
        return out;
    }

    /** Settings as read, before defaults and validation. */
    private static final class Raw {
        List<String> disabledTypes;
        List<String> phoneRegions;
        Double minConfidence;
        Integer maxJsonDepth;
        final Map<Integer, RawCustom> custom = new TreeMap<>();

        RawCustom custom(int i) {
            return custom.computeIfAbsent(i, k -> new RawCustom());
        }

        DetectorSettings settings() {
            DetectorSettings d = DetectorSettings.defaults();
            Set<PiiType> enabled = new HashSet<>(d.enabled());
            if (disabledTypes != null) {
                for (String t : disabledTypes) {
                    PiiType type = t == null ? null : PiiType.builtIn(t.trim().toUpperCase(Locale.ROOT));
                    if (type == null) {
                        throw new IllegalArgumentException("disabled-types: " + t + " is not a built-in type");
                    }
                    enabled.remove(type);
                }
            }
            List<CustomDetectorSpec> specs = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (Map.Entry<Integer, RawCustom> e : custom.entrySet()) {
                RawCustom c = e.getValue();
                String at = "custom[" + e.getKey() + "]";
                noGaps(c.dictionary, at + ".dictionary");
                noGaps(c.contextWords, at + ".context-words");
                noGaps(c.negativeContextWords, at + ".negative-context-words");
                if (c.name == null || c.name.isBlank()) {
                    throw new IllegalArgumentException(at + ": name is required");
                }
                try {
                    CustomDetectorSpec.Checksum checksum = c.checksum == null ? CustomDetectorSpec.Checksum.NONE
                            : CustomDetectorSpec.Checksum.valueOf(c.checksum.trim().toUpperCase(Locale.ROOT));
                    specs.add(new CustomDetectorSpec(c.name, c.pattern, c.dictionary, checksum,
                            c.confidence == null ? 0.8 : c.confidence, c.contextWords, c.negativeContextWords,
                            c.contextWindow == null ? 40 : c.contextWindow));
                } catch (IllegalArgumentException | NullPointerException ex) {
                    throw new IllegalArgumentException(at + ": " + ex.getMessage());
                }
                if (!names.add(c.name)) {
                    throw new IllegalArgumentException(at + ": a second detector named " + c.name);
                }
            }
            noGaps(disabledTypes, "disabled-types");
            noGaps(phoneRegions, "phone-regions");
            try {
                return new DetectorSettings(enabled, phoneRegions == null ? d.phoneRegions() : phoneRegions,
                        minConfidence == null ? d.minConfidence() : minConfidence, specs,
                        maxJsonDepth == null ? d.maxJsonDepth() : maxJsonDepth);
            } catch (IllegalArgumentException | NullPointerException ex) {
                throw new IllegalArgumentException(ex.getMessage());
            }
        }
    }

    private static void noGaps(List<String> list, String where) {
        if (list != null && list.contains(null)) {
            throw new IllegalArgumentException(where + ": indexed elements must start at [0] without gaps");
        }
    }

    private static final class RawCustom {
        String name;
        String pattern;
        List<String> dictionary;
        String checksum;
        Double confidence;
        List<String> contextWords;
        List<String> negativeContextWords;
        Integer contextWindow;
    }
}
