/**
 * The audit core: CloudTrail-shaped event records and the durable, append-only log they are written to.
 *
 * <p>Model: {@link io.mlgate.audit.AuditEvent} (CloudTrail record format 1.11) with {@link io.mlgate.audit.UserIdentity},
 * {@link io.mlgate.audit.SessionContext}, {@link io.mlgate.audit.EventData}, {@link io.mlgate.audit.EventResource} and
 * {@link io.mlgate.audit.TlsDetails}. The builders take typed metadata only; no method accepts a request or response
 * body, a secret key, a session token or a data key, which is how this package keeps them out of the log (a test that
 * "the body is not written" would be meaningless; the API is the guarantee).
 *
 * <p>Log layout (kept stable for the digest, signature, export and rollover work that builds on it): the audit directory
 * holds segment files {@code events-<yyyyMMdd'T'HHmmss'Z'>-<seq>.jsonl}; every line is one complete compact JSON
 * record followed by {@code '\n'} (JSON escaping guarantees no raw newline inside a record); sequence numbers and names
 * both increase; a segment is never written again once rolled, fsynced and closed, and every open starts a new one.
 * A torn last line is cut at open and the gap is recorded as an {@code AuditLogRecovered} service event.
 *
 * <p>Writing: {@link io.mlgate.audit.AuditLog} serializes on the caller's thread and group-commits on one writer
 * thread; it fails closed ({@link io.mlgate.audit.AuditUnavailableException}) on a full queue or any I/O error.
 * Reading: {@link io.mlgate.audit.AuditLogReader}.
 */
package io.mlgate.audit;
