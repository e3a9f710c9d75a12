package io.mlgate.audit.export;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of one export: the bundle written, its query, the number of events in its events file, the log files
 * and digests it holds, the log bytes read, the segments left out because no digest covers them yet, and the SHA-256
 * of the manifest (a short value to quote when handing the bundle over).
 */
public record ExportSummary(Path bundle, ExportQuery query, long eventCount, List<String> logFiles,
                            List<String> digests, long bytesProcessed, List<String> notYetDigested,
                            String manifestSha256) {
    public ExportSummary {
        logFiles = List.copyOf(logFiles);
        digests = List.copyOf(digests);
        notYetDigested = List.copyOf(notYetDigested);
    }
}
