package io.mlgate.audit.export;

/** The entry names of a bundle zip and how they map to the files of an audit folder. */
final class BundleLayout {

    static final String MANIFEST = "manifest.json";
    static final String MANIFEST_SIG = "manifest.sig";
    static final String PUBLIC_KEYS = "public-keys.json";
    static final String HEAD = "digests/head.json";
    static final String LOGS = "logs/";
    static final String SIG_SUFFIX = ".sig";

    private BundleLayout() {
    }

    /** The bundle entry of a log file named (relative to the audit folder) {@code object}. */
    static String logEntry(String object) {
        return LOGS + object;
    }

    /**
     * The path, relative to an audit folder, where an entry belongs when the bundle is extracted as a trail copy
     * (logs/X becomes X; digests and public-keys.json keep their names), or null for entries that are not part of
     * the trail (events file, manifest).
     */
    static String trailPath(String entry) {
        if (entry.startsWith(LOGS)) {
            String name = entry.substring(LOGS.length());
            return TrailDigest.LOG_NAME.matcher(name).matches() ? name : null;
        }
        if (entry.equals(PUBLIC_KEYS) || entry.equals(HEAD)) {
            return entry;
        }
        if (TrailDigest.DIGEST_NAME.matcher(entry).matches()) {
            return entry;
        }
        if (entry.endsWith(SIG_SUFFIX)
                && TrailDigest.DIGEST_NAME.matcher(entry.substring(0, entry.length() - SIG_SUFFIX.length())).matches()) {
            return entry;
        }
        return null;
    }
}
