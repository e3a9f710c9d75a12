package io.mlgate.kms.artifact;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A plaintext model that can be read twice: packaging hashes it first (the header carries its size and SHA-256)
 * and encrypts it on the second read, checking that it did not change in between.
 */
@FunctionalInterface
public interface ModelSource {

    /** A fresh stream over the whole model; the caller closes it. */
    InputStream open() throws IOException;

    /** A model file. */
    static ModelSource of(Path file) {
        Objects.requireNonNull(file, "file");
        return () -> Files.newInputStream(file);
    }

    /** A model held in memory (not copied). */
    static ModelSource of(byte[] model) {
        Objects.requireNonNull(model, "model");
        return () -> new ByteArrayInputStream(model);
    }
}
