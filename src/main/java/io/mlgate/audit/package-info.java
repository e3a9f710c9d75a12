/**
 * The audit core: CloudTrail-shaped event records and the durable, append-only log they are written to.
 *
 * <p>Model: {@link io.mlgate.audit.AuditEvent} (CloudTrail record format 1.11) with {@link io.mlgate.audit.UserIdentity},
 * {@link io.mlgate.audit.SessionContext}, {@link io.mlgate.audit.EventData}, {@link io.mlgate.audit.EventResource} and
 * {@link io.mlgate.audit.TlsDetails}. The builders take typed metadata only; no method accepts a request or response
 * body, a secret key, a session token or a data key, which is how this package keeps them out of the log (a test that
 * "the body is not written" would be meaningless; the API is the guarantee).
 *
 * <p>Log layout (normative: docs/audit-trail.md, sections Layout and Log files): the audit directory holds the active
 * segment {@code events-<yyyyMMdd'T'HHmmss'Z'>-<seq>.jsonl} and closed log files {@code events-…-<seq>.jsonl.gz}
 * (multi-member gzip of the exact segment bytes, members of whole lines of at most 64 KiB, see
 * {@link io.mlgate.audit.GzipMembers}); every line is one complete compact JSON record followed by {@code '\n'} (JSON
 * escaping guarantees no raw newline inside a record); sequence numbers and names both increase; a segment is never
 * written again once rolled (by size, by age, on request or at shutdown) and every open starts a new one. Rolled
 * segments are fsynced and compressed by one background thread in sequence order ({@code .tmp}, fsync, rename, fsync
 * directory, delete {@code .jsonl}, fsync directory). A torn last line is cut at open and the gap is recorded as an
 * {@code AuditLogRecovered} service event.
 *
 * <p>Writing: {@link io.mlgate.audit.AuditLog} serializes on the caller's thread and group-commits on one writer
 * thread; it fails closed ({@link io.mlgate.audit.AuditUnavailableException}) on a full queue or any I/O error.
 * {@link io.mlgate.audit.AuditLog#rollNow()} closes the active segment and reports, as
 * {@link io.mlgate.audit.ClosedSegments}, which segments are closed (what a digest may cover).
 * Reading: {@link io.mlgate.audit.AuditLogReader}.
 */
package io.mlgate.audit;
