package io.mlgate.kms.root;

/**
 * Cost parameters of the Argon2id passphrase KDF, recorded next to the salt in keys/root.salt so they can be raised
 * later (by rotating to a passphrase with new parameters).
 *
 * @param memoryKiB   memory in KiB (8 MiB to 4 GiB)
 * @param iterations  passes over the memory (1 to 64)
 * @param parallelism lanes (1 to 16)
 */
public record Argon2idParameters(int memoryKiB, int iterations, int parallelism) {

    /** 64 MiB, 3 iterations, parallelism 1: about a third of a second on one core of a current server. */
    public static final Argon2idParameters DEFAULT = new Argon2idParameters(64 * 1024, 3, 1);

    public Argon2idParameters {
        if (memoryKiB < 8 * 1024 || memoryKiB > 4 * 1024 * 1024) {
            throw new IllegalArgumentException("Argon2id memory must be between 8 MiB and 4 GiB (in KiB), not "
                    + memoryKiB);
        }
        if (iterations < 1 || iterations > 64) {
            throw new IllegalArgumentException("Argon2id iterations must be between 1 and 64, not " + iterations);
        }
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("Argon2id parallelism must be between 1 and 16, not " + parallelism);
        }
    }
}
