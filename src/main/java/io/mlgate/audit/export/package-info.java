/**
 * Compliance export of the audit trail: {@link io.mlgate.audit.export.BundleWriter} selects the closed log files of a
 * time range, filters their CloudTrail records and writes a signed, self-contained zip bundle (derived events file in
 * JSON Lines, CSV or OCSF, the log files byte for byte, the digests that list them up to the chain head, the public
 * keys, a signed manifest); {@link io.mlgate.audit.export.BundleVerifier} checks such a bundle offline.
 */
package io.mlgate.audit.export;
