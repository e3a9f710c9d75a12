package io.mlgate.audit.integrity;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A short value naming one digest of the chain, {@code <dseq>:<digestEndTime>:<hex SHA-256 of the digest>}, that a
 * customer stores outside the trail; validation with it proves the chain still holds that digest unchanged and
 * continues past it, which catches a head rolled back to an older signed copy.
 */
public record Witness(long digestSequence, Instant digestEndTime, String hashValue) {

    public Witness {
        Objects.requireNonNull(digestEndTime, "digestEndTime");
        Objects.requireNonNull(hashValue, "hashValue");
        if (digestSequence < 1 || !hashValue.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a witness names a digest sequence >= 1 and a hex SHA-256");
        }
    }

    /**
     * Parses {@code <dseq>:<yyyy-MM-ddTHH:mm:ssZ>:<hash>}.
     *
     * @throws IllegalArgumentException if the value is not in that form
     */
    public static Witness parse(String value) {
        int first = value.indexOf(':');
        int last = value.lastIndexOf(':');
        if (first < 1 || last <= first) {
            throw new IllegalArgumentException("a witness is <dseq>:<digestEndTime>:<hash>");
        }
        try {
            return new Witness(Long.parseLong(value.substring(0, first)),
                    TrailFiles.parseTime(value.substring(first + 1, last)), value.substring(last + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a witness starts with the digest sequence number");
        }
    }

    /**
     * The witness of the newest signed digest in {@code auditDir/digests}.
     *
     * @throws IOException if there is no readable signed digest
     */
    public static Witness current(Path auditDir) throws IOException {
        return TrailState.read(auditDir).newestWitness();
    }

    /** The value to store: {@code <dseq>:<digestEndTime>:<hash>}. */
    public String value() {
        return digestSequence + ":" + TrailFiles.formatTime(digestEndTime) + ":" + hashValue;
    }

    @Override
    public String toString() {
        return value();
    }
}
