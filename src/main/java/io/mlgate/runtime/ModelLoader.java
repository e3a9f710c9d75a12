package io.mlgate.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.regex.Pattern;

/**
 * Supplies the plaintext bytes of a model artifact by name, in memory; the gateway implements it over the
 * envelope-encrypted model store so that plaintext models never touch the disk.
 */
@FunctionalInterface
public interface ModelLoader {

    /**
     * Returns the artifact's bytes.
     *
     * @throws IOException if the artifact is missing or cannot be read or decrypted
     */
    byte[] load(String artifactName) throws IOException;

    /**
     * A loader over classpath resources in {@code folder} (e.g. {@code "/demo/"}), for the bundled demo models and
     * tests. Artifact names are plain file names (letters, digits, '.', '_', '-').
     */
    static ModelLoader classpath(String folder) {
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        Pattern plainName = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
        return artifactName -> {
            if (artifactName == null || !plainName.matcher(artifactName).matches()) {
                throw new IllegalArgumentException("artifact name must be a plain file name");
            }
            try (InputStream in = ModelLoader.class.getResourceAsStream(prefix + artifactName)) {
                if (in == null) {
                    throw new NoSuchFileException("classpath:" + prefix + artifactName);
                }
                return in.readAllBytes();
            }
        };
    }
}
