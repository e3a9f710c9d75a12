/**
 * Compliance export of the audit trail: {@link io.mlgate.audit.export.BundleWriter} selects the closed log files of a
 * time range, filters their CloudTrail records and writes a signed, self-contained zip bundle;
 * {@link io.mlgate.audit.export.BundleVerifier} checks such a bundle offline.
 *
 * <h2>Bundle layout (format version 1)</h2>
 * <pre>
 * logs/events-&lt;stamp&gt;-&lt;seq&gt;.jsonl.gz   log files whose records overlap the range, byte for byte, in log order
 * events.jsonl | events.csv | events.ocsf.jsonl   the derived events file (one of the three)
 * digests/digest-&lt;stamp&gt;-&lt;dseq&gt;.json.gz (+ .sig)   from the first digest listing an exported log file
 *                                      (or, with none, the first whose period reaches the range start) to the head
 * digests/head.json                    the chain head, as found in the audit folder
 * public-keys.json                     the folder's public keys (ListPublicKeys shape)
 * manifest.json                        bundleFormatVersion, createdTime, range{from,to}, filters ["Key=Value"],
 *                                      format, eventsFile, eventCount, signingKeyFingerprint, signatureAlgorithm,
 *                                      entries [{name, sha256, size}] for every entry but the manifest and its sig
 * manifest.sig                         {"signature": hex SHA256withRSA over the manifest bytes,
 *                                       "signatureAlgorithm": "SHA256withRSA"}
 * </pre>
 *
 * <p>The events file is a pure function of the log files (in the digests' order), the range (inclusive, second
 * precision), the filters (ANDed) and the format: no clock, locale or JDK-dependent number rendering enters it, so
 * the verifier re-derives it and compares bytes. Only log files listed by a digest are exported; newer segments are
 * reported as not yet digested.
 */
package io.mlgate.audit.export;
