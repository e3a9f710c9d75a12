package io.mlgate.pii;

/**
 * Rewrites the spans of a {@link ScanResult} in the payload it came from ({@link RedactionMethod}), keeping the
 * payload well-formed in its format: redacted JSON is still valid JSON with the same structure (a finding that is a
 * whole JSON number becomes a string), redacted CSV keeps its rows and columns. Thread-safe; the tokenization key
 * is held only in this object.
 */
public final class Redactor {

    /** @param tokenizationKey the HMAC-SHA256 key for {@link RedactionMethod#TOKENIZE} (at least 32 bytes) */
    public Redactor(byte[] tokenizationKey) {
        throw new UnsupportedOperationException("pii-core: not built yet");
    }

    /** The redacted payload, or {@code payload} itself when there is nothing to redact. */
    public byte[] redact(byte[] payload, ScanResult result, RedactionMethod method) {
        throw new UnsupportedOperationException("pii-core: not built yet");
    }

    /** Redacts a piece of text (a log message): every finding replaced by its type in brackets. */
    public String redactText(PiiScanner scanner, String text) {
        throw new UnsupportedOperationException("pii-core: not built yet");
    }
}
