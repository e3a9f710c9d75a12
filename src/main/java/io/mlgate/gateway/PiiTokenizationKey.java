package io.mlgate.gateway;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.RootKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The HMAC key of TOKENIZE redaction ({@code [EMAIL:tok_...]}): 32 random bytes made at first start, kept in
 * {@code keys/pii-tokenization.key} sealed under the root key (like every other secret in keys/), so equal values
 * give equal tokens across restarts and replicas sharing keys/, and nobody without the root key can compute a
 * token to confirm a guessed value.
 */
public final class PiiTokenizationKey {

    public static final String FILE = "pii-tokenization.key";
    /** The associated data the key is sealed under (root-key rotation re-seals it with the same). */
    public static final String ASSOCIATED_DATA_TEXT = "mlgate pii tokenization key v1";
    private static final byte[] ASSOCIATED_DATA = ASSOCIATED_DATA_TEXT.getBytes(StandardCharsets.US_ASCII);

    private PiiTokenizationKey() {
    }

    /** The key under {@code keysDir}, made (and sealed) if there is none yet. */
    public static byte[] loadOrCreate(Path keysDir, RootKey root) throws IOException {
        Path file = keysDir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            AtomicFileWriter.ensurePrivateDirectory(keysDir);
            AtomicFileWriter.createIfAbsent(file, root.seal(key, ASSOCIATED_DATA));
            java.util.Arrays.fill(key, (byte) 0);
        }
        return root.open(Files.readAllBytes(file), ASSOCIATED_DATA);
    }
}
