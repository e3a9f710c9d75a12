package io.mlgate.audit.export;

import java.util.List;

/**
 * What {@link BundleWriter#write} will put in a bundle for a query, computed by {@link BundleWriter#plan}: the log
 * files whose records overlap the range (in log order), the digests from the first one listing such a file (or,
 * without any, the one whose period reaches the range start) to the chain head, and the bytes to read.
 */
public final class ExportPlan {

    private final ExportQuery query;
    private final List<TrailDigest.LogFileRef> logFiles;
    private final List<TrailDigest> digests;
    private final boolean head;
    private final long totalBytes;
    private final List<String> notYetDigested;

    ExportPlan(ExportQuery query, List<TrailDigest.LogFileRef> logFiles, List<TrailDigest> digests, boolean head,
               long totalBytes, List<String> notYetDigested) {
        this.query = query;
        this.logFiles = List.copyOf(logFiles);
        this.digests = List.copyOf(digests);
        this.head = head;
        this.totalBytes = totalBytes;
        this.notYetDigested = List.copyOf(notYetDigested);
    }

    public ExportQuery query() {
        return query;
    }

    /** Names (relative to the audit folder) of the log files to export, in log order. */
    public List<String> logFiles() {
        return logFiles.stream().map(TrailDigest.LogFileRef::object).toList();
    }

    /** Names ({@code digests/...}) of the digests to include, oldest first. */
    public List<String> digests() {
        return digests.stream().map(TrailDigest::object).toList();
    }

    /** Bytes of the log files to read: the total for a progress bar. */
    public long totalBytes() {
        return totalBytes;
    }

    /**
     * Segments newer than the chain head's last listed file (still open, closed after the last digest, or listed
     * only by a digest written after head.json): their records cannot be proven yet and are not exported. Run
     * {@code audit digest --now} first to include them.
     */
    public List<String> notYetDigested() {
        return notYetDigested;
    }

    List<TrailDigest.LogFileRef> logFileRefs() {
        return logFiles;
    }

    List<TrailDigest> digestFiles() {
        return digests;
    }

    boolean hasHead() {
        return head;
    }
}
