package io.mlgate.pii;

import java.util.List;
import java.util.Objects;

/**
 * A detector defined in configuration. Either {@code pattern} (RE2 syntax: matched in linear time, no
 * backreferences or lookaround) or {@code dictionary} (words or phrases matched case-insensitively on word
 * boundaries; a deny-list) or both. {@code checksum} (NONE, LUHN, MOD97, MOD11) must hold for a pattern match to
 * count. {@code confidence} is the base confidence of a match; each of {@code contextWords} within
 * {@code contextWindow} bytes before the match (or in the JSON field name / CSV header) raises it by 0.2 (capped at
 * 1), each of {@code negativeContextWords} lowers it by 0.3; matches then below the scanner's minimum confidence
 * are dropped.
 */
public record CustomDetectorSpec(
        String name,
        String pattern,
        List<String> dictionary,
        Checksum checksum,
        double confidence,
        List<String> contextWords,
        List<String> negativeContextWords,
        int contextWindow) {

    /** Checksums a custom pattern's match must satisfy (over its digits, or its alphanumerics for MOD97). */
    public enum Checksum { NONE, LUHN, MOD97, MOD11 }

    public CustomDetectorSpec {
        PiiType.custom(name); // validates the name
        dictionary = dictionary == null ? List.of() : List.copyOf(dictionary);
        contextWords = contextWords == null ? List.of() : List.copyOf(contextWords);
        negativeContextWords = negativeContextWords == null ? List.of() : List.copyOf(negativeContextWords);
        Objects.requireNonNull(checksum, "checksum");
        if ((pattern == null || pattern.isEmpty()) && dictionary.isEmpty()) {
            throw new IllegalArgumentException("custom detector " + name + " needs a pattern or a dictionary");
        }
        if (!(confidence > 0.0 && confidence <= 1.0)) {
            throw new IllegalArgumentException("custom detector " + name + ": confidence must be in (0, 1]");
        }
        if (contextWindow < 0 || contextWindow > 256) {
            throw new IllegalArgumentException("custom detector " + name + ": contextWindow must be 0 to 256");
        }
    }

    public PiiType type() {
        return new PiiType(name);
    }
}
