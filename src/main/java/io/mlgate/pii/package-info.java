/**
 * PII detection and redaction (issue 8): detectors for structured identifiers with their checksums and for
 * context-dependent data, custom detectors from configuration, scanning of JSON (by member), CSV (by column) and
 * text in one linear pass, and redaction that keeps payloads well-formed. Plain Java: no Spring, no HTTP.
 * See docs/pii.md.
 */
package io.mlgate.pii;
