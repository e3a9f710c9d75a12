/**
 * The LookupEvents index of an audit folder: {@link io.mlgate.audit.index.EventIndex} answers "events matching one
 * attribute in a time range, newest first, one page at a time" without reading the log files, and is rebuilt from
 * them when lost.
 *
 * <p>Storage: one sidecar per closed log file, {@code audit/index/events-<stamp>-<seq>.idx} (derived data; the format
 * is described on {@code Sidecar}): a header naming the log file and its compressed size, with the event count, the
 * oldest and newest event second and CRC32C checksums of the header and of the body; the body holds per-file string
 * dictionaries (event names, sources, user names, access keys, categories, resource types and ARNs), the gzip member
 * table (compressed and uncompressed offset of each member) and fixed-width columns per event (second, dictionary ids,
 * readOnly, a 128-bit eventID key, record offset and length, resources, ordinals sorted by time). A sidecar is rebuilt
 * when it is missing, names another log file or size (stale), or fails a checksum or structure check (corrupt).
 * Reading one record inflates only its gzip member (at most 64 KiB, or one long line).
 *
 * <p>Memory: sidecars are memory-mapped, so per-event data stays in the page cache, not on the heap; the heap holds
 * a few dozen bytes per log file (name, time bounds) and, for at most 64 recently used sidecars, their dictionaries
 * and member tables. A lookup opens only the files whose [oldest, newest] event seconds meet the query's range and
 * that can still hold events newer than the page found so far (a k-way merge of per-file cursors). Segments not yet
 * compressed ({@code .jsonl}) are indexed on the heap, about 70 bytes per event, bounded by the segment size limit.
 *
 * <p>Order and paging: events are ordered by (event second, log file sequence, ordinal in the file), descending;
 * {@link io.mlgate.audit.index.EventPosition} of the last event of a page is where the next page continues, so pages
 * never repeat or skip an event, also while segments are appended, rolled and compressed between pages.
 *
 * <p>Rebuild: {@link io.mlgate.audit.index.EventIndex#open} starts one background thread that builds every missing,
 * stale or corrupt sidecar, newest log file first; a lookup that needs a file before it is built builds it (or waits
 * for the thread), so answers are always complete. When the segment being tailed is compressed, its in-memory index
 * seeds the new sidecar: only the gzip member table is read again (checked against a CRC of the tailed bytes).
 *
 * <p>Filters: attribute values match exactly and case-sensitively; ResourceName matches a resource's full ARN or its
 * last path or colon part; Username is the IAM user name, for an assumed role the role-session name (after the last
 * '/' of the ARN), otherwise {@code userIdentity.userName} or the last part of the ARN.
 */
package io.mlgate.audit.index;
