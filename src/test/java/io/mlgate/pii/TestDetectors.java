package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** Real {@link Detector} plug-ins for the scanner's tests, and settings without built-in detectors. */
final class TestDetectors {

    private TestDetectors() {
    }

    /** Settings with no built-in detector, minimum confidence 0.5, JSON depth 64, and {@code custom}. */
    static DetectorSettings noBuiltIns(CustomDetectorSpec... custom) {
        return new DetectorSettings(Set.of(), DetectorSettings.DEFAULT_PHONE_REGIONS, 0.5, List.of(custom), 64);
    }

    static DetectorSettings noBuiltIns(int maxDepth) {
        return new DetectorSettings(Set.of(), DetectorSettings.DEFAULT_PHONE_REGIONS, 0.5, List.of(), maxDepth);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Byte offset of the first occurrence of {@code needle} in {@code haystack} (both UTF-8). */
    static int at(String haystack, String needle) {
        int c = haystack.indexOf(needle);
        if (c < 0) {
            throw new AssertionError(needle + " not in " + haystack);
        }
        return haystack.substring(0, c).getBytes(StandardCharsets.UTF_8).length;
    }

    /** Reports every occurrence of a fixed ASCII word (case-sensitive, anywhere), a plain linear search. */
    static final class WordDetector implements Detector {
        private final PiiType type;
        private final byte[] word;
        private final double confidence;

        WordDetector(String type, String word, double confidence) {
            this.type = new PiiType(type);
            this.word = word.getBytes(StandardCharsets.US_ASCII);
            this.confidence = confidence;
        }

        @Override
        public PiiType type() {
            return type;
        }

        @Override
        public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
            outer:
            for (int i = from; i + word.length <= to; i++) {
                for (int k = 0; k < word.length; k++) {
                    if (data[i + k] != word[k]) {
                        continue outer;
                    }
                }
                sink.found(type, confidence, i, i + word.length);
            }
        }
    }

    /** Records the regions and hints it is shown (decoded text, field). */
    static final class Recorder implements Detector {
        final List<String> regions = Collections.synchronizedList(new ArrayList<>());

        @Override
        public PiiType type() {
            return new PiiType("RECORDER");
        }

        @Override
        public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
            regions.add(new String(data, from, to - from, StandardCharsets.UTF_8) + " <" + field + ">");
        }
    }

    /** Reports a fixed span relative to the start of each region of at least {@code minLength} bytes. */
    static final class SpanDetector implements Detector {
        private final int startOffset;
        private final int endOffset;
        private final double confidence;
        private final int minLength;

        SpanDetector(int startOffset, int endOffset, double confidence, int minLength) {
            this.startOffset = startOffset;
            this.endOffset = endOffset;
            this.confidence = confidence;
            this.minLength = minLength;
        }

        @Override
        public PiiType type() {
            return new PiiType("SPAN");
        }

        @Override
        public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
            if (to - from >= minLength) {
                sink.found(type(), confidence, from + startOffset, from + endOffset);
            }
        }
    }

    /** Throws on every region whose text contains a trigger, with the region's text in its message. */
    static final class FailingDetector implements Detector {
        private final String trigger;

        FailingDetector(String trigger) {
            this.trigger = trigger;
        }

        @Override
        public PiiType type() {
            return new PiiType("FAILING");
        }

        @Override
        public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
            String region = new String(data, from, to - from, StandardCharsets.UTF_8);
            if (region.contains(trigger)) {
                throw new IllegalStateException("cannot handle " + region);
            }
        }
    }

    /** On its first region, waits until {@code System.nanoTime()} has passed a given instant (then never again). */
    static final class ClockBurner implements Detector {
        private final long until;
        private boolean done;

        ClockBurner(long untilNanos) {
            this.until = untilNanos;
        }

        @Override
        public PiiType type() {
            return new PiiType("CLOCK");
        }

        @Override
        public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
            while (!done && System.nanoTime() - until <= 0) {
                Thread.onSpinWait();
            }
            done = true;
        }
    }
}
