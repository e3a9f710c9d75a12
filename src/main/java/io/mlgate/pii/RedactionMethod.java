package io.mlgate.pii;

/**
 * How a found span is rewritten. Every replacement is plain ASCII letters, digits, {@code _}, {@code [}, {@code ]},
 * {@code *} and {@code -}, so it is safe inside a JSON string, a CSV cell or text.
 * <ul>
 *   <li>{@code REPLACE}: the type in brackets, {@code [EMAIL]};</li>
 *   <li>{@code MASK}: {@code *} for every character except the last four letters or digits of the value when it
 *       is at least 12 characters long (card numbers, IBANs), so a support person can still match a value the
 *       customer reads out; shorter values are masked completely;</li>
 *   <li>{@code TOKENIZE}: a keyed hash, {@code [EMAIL:tok_<26 base32 chars>]} = HMAC-SHA256 under the gateway's
 *       tokenization key over the type and the value, truncated to 130 bits: equal values give equal tokens (joins
 *       and counts still work downstream), values cannot be recovered without the key.</li>
 * </ul>
 */
public enum RedactionMethod {
    REPLACE, MASK, TOKENIZE
}
