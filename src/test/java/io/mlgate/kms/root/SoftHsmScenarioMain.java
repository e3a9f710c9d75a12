package io.mlgate.kms.root;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;

/**
 * Child process of {@link SoftHsmTest} (SoftHSM2 reads SOFTHSM2_CONF from the process environment):
 * {@code seal CONFIG KEYS OUT TEXT} or {@code open CONFIG KEYS IN}; prints the result or "custody: MESSAGE".
 */
public final class SoftHsmScenarioMain {

    static final byte[] AD = "mlgate/test/softhsm".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        try {
            Pkcs11Protector protector = Pkcs11Protector.fromConfigFile(Path.of(args[1]), System::getenv);
            RootKey root = RootKey.unlock(protector, Path.of(args[2]));
            switch (args[0]) {
                case "seal" -> {
                    Files.writeString(Path.of(args[3]), Base64.getEncoder().encodeToString(
                            root.seal(args[4].getBytes(StandardCharsets.UTF_8), AD)));
                    System.out.println("sealed under " + root);
                }
                case "open" -> System.out.println("opened: " + new String(root.open(
                        Base64.getDecoder().decode(Files.readString(Path.of(args[3]))), AD), StandardCharsets.UTF_8));
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (KeyCustodyException e) {
            System.out.println("custody: " + e.getMessage());
            System.exit(3);
        }
    }
}
