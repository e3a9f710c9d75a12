package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The custom detectors of a {@link DetectorSettings}, compiled once: RE2J patterns (linear-time automata, no
 * backtracking) and one Aho–Corasick automaton for all deny-lists ({@link Dictionary}). A pattern match must pass
 * the detector's checksum; every match's confidence is then adjusted by context words (see
 * {@link CustomDetectorSpec}): +0.2 for each context word found in the {@code contextWindow} bytes before the match
 * (case-insensitively, on word boundaries, within the same region) or in the field name (case-insensitively,
 * ignoring everything but letters and digits, so {@code account number} matches {@code accountNumber}), -0.3 for
 * each negative context word found the same way, and clamped to [0, 1].
 */
final class CustomDetectors {

    /** The largest compiled pattern, in RE2 instructions: bounds the per-character cost of a search. */
    static final int MAX_PROGRAM_SIZE = 10_000;

    private final CustomDetectorSpec[] specs;
    private final PiiType[] types;
    private final byte[][][] context;
    private final byte[][][] negative;
    private final String[][] contextField;
    private final String[][] negativeField;
    /** The detectors with a pattern: their index in {@link #specs}, and the compiled pattern. */
    private final int[] patternDetector;
    private final Pattern[] patterns;
    private final int[] patternCost;
    private final Dictionary dictionary;

    private CustomDetectors(List<CustomDetectorSpec> list) {
        int n = list.size();
        specs = list.toArray(new CustomDetectorSpec[0]);
        types = new PiiType[n];
        context = new byte[n][][];
        negative = new byte[n][][];
        contextField = new String[n][];
        negativeField = new String[n][];
        List<Integer> withPattern = new ArrayList<>();
        List<Pattern> compiled = new ArrayList<>();
        List<List<String>> dictionaries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            CustomDetectorSpec spec = specs[i];
            if (!seen.add(spec.name())) {
                throw new IllegalArgumentException("custom detector " + spec.name() + " is defined twice");
            }
            types[i] = spec.type();
            context[i] = words(spec, spec.contextWords());
            negative[i] = words(spec, spec.negativeContextWords());
            contextField[i] = fieldWords(spec.contextWords());
            negativeField[i] = fieldWords(spec.negativeContextWords());
            if (spec.pattern() != null && !spec.pattern().isEmpty()) {
                Pattern p;
                try {
                    p = Pattern.compile(spec.pattern());
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("custom detector " + spec.name() + ": invalid RE2 pattern: "
                            + e.getDescription() + " (at " + e.getIndex() + ")", e);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("custom detector " + spec.name() + ": invalid RE2 pattern",
                            e);
                }
                if (p.programSize() > MAX_PROGRAM_SIZE) {
                    throw new IllegalArgumentException("custom detector " + spec.name() + ": the pattern compiles to "
                            + p.programSize() + " instructions; at most " + MAX_PROGRAM_SIZE + " are allowed");
                }
                withPattern.add(i);
                compiled.add(p);
            } else if (spec.checksum() != CustomDetectorSpec.Checksum.NONE) {
                throw new IllegalArgumentException("custom detector " + spec.name()
                        + ": a checksum applies to pattern matches; this detector has no pattern");
            }
            dictionaries.add(spec.dictionary());
            names.add(spec.name());
        }
        patternDetector = withPattern.stream().mapToInt(Integer::intValue).toArray();
        patterns = compiled.toArray(new Pattern[0]);
        patternCost = new int[patterns.length];
        for (int i = 0; i < patterns.length; i++) {
            // an NFA step costs in proportion to the program; one work unit is roughly a byte of cheap scanning
            patternCost[i] = 1 + patterns[i].programSize() / 16;
        }
        dictionary = Dictionary.compile(dictionaries, names);
    }

    /** Compiles and validates {@code specs}; {@code null} when there are none. */
    static CustomDetectors compile(List<CustomDetectorSpec> specs) {
        return specs.isEmpty() ? null : new CustomDetectors(specs);
    }

    int patternCount() {
        return patterns.length;
    }

    Matcher newMatcher(int pattern, RegionChars chars) {
        return patterns[pattern].matcher(chars);
    }

    /** Runs every custom detector over {@code data[from, to)}, reporting to the session. */
    void scan(ScanSession session, byte[] data, int from, int to, String field) {
        if (dictionary != null) {
            dictionary.scan(data, from, to, session.dictionaryHits(this, data, from, field), session);
        }
        if (patterns.length > 0) {
            RegionChars chars = session.regionChars();
            for (int p = 0; p < patterns.length; p++) {
                chars.reset(data, from, to, patternCost[p]);
                session.work(to - from);
                Matcher m = session.matcher(p, chars);
                int d = patternDetector[p];
                CustomDetectorSpec.Checksum checksum = specs[d].checksum();
                while (m.find()) {
                    int cs = m.start();
                    int ce = m.end();
                    if (ce == cs) {
                        continue;
                    }
                    int bs = chars.byteOffset(cs);
                    int be = chars.byteOffset(ce);
                    if (Checksums.holds(checksum, data, bs, be)) {
                        report(session, d, data, from, bs, be, field);
                    }
                }
            }
        }
    }

    void report(ScanSession session, int d, byte[] data, int regionFrom, int start, int end, String field) {
        double confidence = specs[d].confidence();
        if (context[d].length + negative[d].length > 0) {
            int windowFrom = Math.max(regionFrom, start - specs[d].contextWindow());
            String normalizedField = field == null ? null : normalize(field);
            for (int w = 0; w < context[d].length; w++) {
                if (inWindow(context[d][w], data, windowFrom, start)
                        || matchesField(normalizedField, contextField[d][w])) {
                    confidence += 0.2;
                }
            }
            for (int w = 0; w < negative[d].length; w++) {
                if (inWindow(negative[d][w], data, windowFrom, start)
                        || matchesField(normalizedField, negativeField[d][w])) {
                    confidence -= 0.3;
                }
            }
            confidence = Math.max(0.0, Math.min(1.0, confidence));
        }
        session.found(types[d], confidence, start, end);
    }

    private static boolean matchesField(String normalizedField, String word) {
        return normalizedField != null && word != null && normalizedField.contains(word);
    }

    /** Whether {@code word} (lower case) occurs in {@code data[from, to)}, ASCII case-insensitively, on word boundaries. */
    private static boolean inWindow(byte[] word, byte[] data, int from, int to) {
        int last = to - word.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int k = 0; k < word.length; k++) {
                byte b = data[i + k];
                if (b >= 'A' && b <= 'Z') {
                    b |= 0x20;
                }
                if (b != word[k]) {
                    continue outer;
                }
            }
            if ((i == from || !wordByte(data[i - 1]) || !wordByte(word[0]))
                    && (i + word.length == to || !wordByte(data[i + word.length]) || !wordByte(word[word.length - 1]))) {
                return true;
            }
        }
        return false;
    }

    private static boolean wordByte(byte b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b < 0;
    }

    private static byte[][] words(CustomDetectorSpec spec, List<String> words) {
        byte[][] out = new byte[words.size()][];
        for (int i = 0; i < out.length; i++) {
            String w = words.get(i);
            if (w == null || w.isBlank()) {
                throw new IllegalArgumentException("custom detector " + spec.name()
                        + ": context words must not be empty");
            }
            byte[] b = w.strip().getBytes(StandardCharsets.UTF_8);
            for (int k = 0; k < b.length; k++) {
                if (b[k] >= 'A' && b[k] <= 'Z') {
                    b[k] |= 0x20;
                }
            }
            out[i] = b;
        }
        return out;
    }

    private static String[] fieldWords(List<String> words) {
        String[] out = new String[words.size()];
        for (int i = 0; i < out.length; i++) {
            String n = normalize(words.get(i));
            out[i] = n.isEmpty() ? null : n; // a word of punctuation only never matches a field name
        }
        return out;
    }

    /** Lower case letters and digits only: {@code "Account_No"} and {@code "account no"} both become "accountno". */
    static String normalize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
