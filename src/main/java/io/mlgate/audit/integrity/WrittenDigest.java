package io.mlgate.audit.integrity;

import java.time.Instant;
import java.util.List;

/**
 * What {@link DigestWriter#write(long)} wrote: the digest's sequence, location, period, hash and signature, the log
 * sequence range it covers (null when it lists no file), the files listed or already missing, and any crash repair
 * done first (for the caller to audit).
 */
public record WrittenDigest(long digestSequence, String digestS3Object, Instant digestStartTime,
                            Instant digestEndTime, String hashValue, String signature, String fingerprint,
                            Long firstLogSequence, Long lastLogSequence, List<String> logFiles,
                            List<Long> missingLogFiles, List<String> repairs) {

    public WrittenDigest {
        logFiles = List.copyOf(logFiles);
        missingLogFiles = List.copyOf(missingLogFiles);
        repairs = List.copyOf(repairs);
    }

    /** The witness value of this digest. */
    public Witness witness() {
        return new Witness(digestSequence, digestEndTime, hashValue);
    }
}
