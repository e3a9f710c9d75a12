package io.mlgate.audit.export;

import java.util.Objects;

/** One reason a bundle does not verify: its kind, the entry it concerns (or {@code -}) and a short explanation. */
public record BundleProblem(Type type, String entry, String detail) {

    /** The kinds of problem {@link BundleVerifier} reports. */
    public enum Type {
        /** An entry, the manifest, a digest, a signature file or public-keys.json cannot be read as its format. */
        INVALID_FORMAT,
        /** An entry the manifest lists (or that every bundle needs) is not in the zip. */
        MISSING_ENTRY,
        /** The zip holds an entry the manifest does not list, a duplicate name, or a name outside the layout. */
        EXTRA_ENTRY,
        /** An entry's SHA-256 differs from the one in the manifest. */
        MODIFIED_ENTRY,
        /** manifest.sig does not verify the manifest bytes with the key the manifest names. */
        BAD_MANIFEST_SIGNATURE,
        /** A key fingerprint (of the manifest or a digest) is not among the trusted or bundled public keys. */
        UNKNOWN_KEY,
        /** A digest's signature is missing or does not verify over CloudTrail's signing string. */
        BAD_DIGEST_SIGNATURE,
        /** The included digests do not form one unbroken chain ending at head.json. */
        CHAIN_BROKEN,
        /** A log file's content does not match the hash its digest lists. */
        MODIFIED_LOG_FILE,
        /** A log file that an included digest lists with records in the range is not in the bundle. */
        MISSING_LOG_FILE,
        /** A log file in the bundle is not listed by any included digest. */
        INSERTED_LOG_FILE,
        /** The events file is not what the included log files and the manifest's query produce. */
        EVENTS_MISMATCH,
        /** A problem reported by an extra check run on the extracted trail. */
        TRAIL_CHECK
    }

    public BundleProblem {
        Objects.requireNonNull(type, "type");
        entry = entry == null ? "-" : entry;
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return type + " " + entry + ": " + detail;
    }
}
