package io.mlgate.pii;

/**
 * What the gateway does with PII on an endpoint's data path.
 * <ul>
 *   <li>{@code OFF}: no scan; the PII condition keys are absent from the request context;</li>
 *   <li>{@code DETECT}: scan, set the condition keys, record types and counts in the audit event;</li>
 *   <li>{@code REDACT}: as DETECT, and rewrite the found spans before the model sees them and/or in the response;</li>
 *   <li>{@code BLOCK}: as DETECT, and refuse a request with PII with a {@code ValidationError} naming the types.</li>
 * </ul>
 * In every mode but OFF, a scan that fails or times out blocks the call (fail closed).
 */
public enum PiiMode {
    OFF, DETECT, REDACT, BLOCK
}
