package io.mlgate.audit.integrity;

import java.nio.file.Path;
import java.time.Instant;

/**
 * What {@link TrailValidator} checks: an optional time range (only digests whose period overlaps it, plus the links
 * at its edges), an optional external {@code public-keys.json} to trust instead of the folder's own, an optional
 * {@link Witness}, and how many log files to hash at once.
 *
 * @param from        start of the range, or null
 * @param to          end of the range, or null
 * @param publicKeys  an external ListPublicKeys file (trust anchor), or null to use the folder's
 * @param witness     a witness value to check, or null
 * @param parallelism log files hashed concurrently (at least 1)
 */
public record ValidationOptions(Instant from, Instant to, Path publicKeys, Witness witness, int parallelism) {

    public ValidationOptions {
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("the range ends before it starts");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism is at least 1");
        }
    }

    /** The whole trail, keys from the folder, no witness, one hashing thread per processor. */
    public static ValidationOptions defaults() {
        return new ValidationOptions(null, null, null, null, Runtime.getRuntime().availableProcessors());
    }

    public ValidationOptions withRange(Instant from, Instant to) {
        return new ValidationOptions(from, to, publicKeys, witness, parallelism);
    }

    public ValidationOptions withPublicKeys(Path publicKeys) {
        return new ValidationOptions(from, to, publicKeys, witness, parallelism);
    }

    public ValidationOptions withWitness(Witness witness) {
        return new ValidationOptions(from, to, publicKeys, witness, parallelism);
    }

    public ValidationOptions withParallelism(int parallelism) {
        return new ValidationOptions(from, to, publicKeys, witness, parallelism);
    }

    /** Whether a period [start, end] overlaps the range. */
    boolean overlaps(Instant start, Instant end) {
        return (to == null || !start.isAfter(to)) && (from == null || !end.isBefore(from));
    }

    boolean ranged() {
        return from != null || to != null;
    }
}
