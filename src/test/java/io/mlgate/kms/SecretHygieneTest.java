package io.mlgate.kms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No exception message or toString in the kms core ever carries key material, passphrases or plaintext. */
class SecretHygieneTest {

    @TempDir
    Path keys;

    @Test
    void noSecretAppearsInAnyMessageOrToString() throws Exception {
        RootKey root = RootKey.loadOrCreate(keys);
        byte[] rootBytes = Files.readAllBytes(keys.resolve(RootKey.KEY_FILE));
        Keystore store = Keystore.open(keys, root);
        AccountKey key = store.defaultKeyFor("111122223333", "us-east-1");
        byte[] material = key.current().copyBytes();
        EnvelopeCipher cipher = new EnvelopeCipher(store);
        byte[] plaintext = "model-weights-that-are-confidential-0123456789".getBytes(StandardCharsets.UTF_8);
        byte[] artifact = cipher.encrypt(plaintext, key, Map.of("m", "1"));

        List<String> texts = new ArrayList<>();
        texts.add(root.toString());
        texts.add(store.toString());
        texts.add(key.toString());
        texts.add(cipher.toString());
        for (int i = 0; i < artifact.length; i += 7) {
            byte[] tampered = artifact.clone();
            tampered[i] ^= 0x01;
            texts.add(messageOf(() -> cipher.decrypt(tampered, Map.of("m", "1"))));
        }
        texts.add(messageOf(() -> cipher.decrypt(artifact, Map.of("m", "2"))));
        texts.add(messageOf(() -> cipher.decrypt(Arrays.copyOf(artifact, artifact.length - 20), Map.of("m", "1"))));
        byte[] sealed = root.seal(material, new byte[] {1});
        texts.add(messageOf(() -> root.open(sealed, new byte[] {2})));

        Path file = keys.resolve(Keystore.FILE);
        Files.writeString(file, Files.readString(file).replace("Default key", "Changed key"));
        texts.add(messageOf(() -> Keystore.open(keys, root)));

        Path passDir = keys.resolve("pass");
        char[] passphrase = "s3cret passphrase".toCharArray();
        RootKey.fromPassphrase(passphrase, passDir);
        texts.add(messageOf(() -> RootKey.fromPassphrase("another passphrase".toCharArray(), passDir)));

        assertThat(texts).hasSizeGreaterThan(10).doesNotContainNull();
        for (String text : texts) {
            assertThat(SecretScan.containsAny(text, rootBytes)).as(text).isFalse();
            assertThat(SecretScan.containsAny(text, material)).as(text).isFalse();
            assertThat(SecretScan.containsAny(text, plaintext)).as(text).isFalse();
            assertThat(text).doesNotContain("s3cret").doesNotContain("another passphrase")
                    .doesNotContain("confidential");
        }
    }

    @Test
    void theScanItselfDetectsASecretInEachRendering() {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (i * 37 + 11);
        }
        assertThat(SecretScan.containsAny("x" + java.util.HexFormat.of().formatHex(secret), secret)).isTrue();
        assertThat(SecretScan.containsAny(java.util.Base64.getEncoder().encodeToString(secret) + "!", secret))
                .isTrue();
        assertThat(SecretScan.containsAny(Arrays.toString(secret), secret)).isTrue();
        assertThat(SecretScan.containsAny("nothing here", secret)).isFalse();
    }

    interface Action {
        void run() throws Exception;
    }

    /** Runs an action that must fail and returns its exception and causes as text. */
    static String messageOf(Action action) {
        try {
            action.run();
        } catch (Exception e) {
            StringBuilder all = new StringBuilder(String.valueOf(e));
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                all.append(" / ").append(c);
            }
            return all.toString();
        }
        throw new AssertionError("expected a failure");
    }
}
