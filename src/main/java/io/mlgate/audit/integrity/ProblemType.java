package io.mlgate.audit.integrity;

/** The kinds of problem trail validation reports. */
public enum ProblemType {
    /** A log file's uncompressed bytes no longer hash to the value its digest lists (or it is no longer gzip). */
    MODIFIED_LOG_FILE,
    /** A digest's content changed after it was signed (or it is no longer readable gzip JSON). */
    MODIFIED_DIGEST,
    /** A log file a digest lists is absent. */
    MISSING_LOG_FILE,
    /** A digest of the chain is absent. */
    MISSING_DIGEST,
    /** A file that no digest, head or retention record accounts for. */
    INSERTED_FILE,
    /** The chain is reordered or truncated: broken links, moved digests, head or witness mismatch. */
    CHAIN_BROKEN,
    /** A signature is missing or does not verify. */
    BAD_SIGNATURE,
    /** Signed by a key that is not published, or at a time outside the key's validity. */
    UNKNOWN_KEY,
    /** A file is not in the documented format. */
    INVALID_FORMAT
}
