package io.mlgate.kms.root;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

import io.mlgate.kms.KeyCustodyException;

/**
 * Chooses the root key protector from environment settings: {@value #PROTECTOR} ({@code file}, {@code passphrase}
 * or {@code pkcs11}; inferred when unset), {@value #PASSPHRASE} or {@value #PASSPHRASE_FILE}, and
 * {@value #PKCS11_CONFIG}. With nothing set it is the zero-configuration key file keys/root.key.
 */
public final class RootKeySettings {

    /** Explicit protector choice. */
    public static final String PROTECTOR = "MLGATE_ROOT_PROTECTOR";
    /** The passphrase itself. */
    public static final String PASSPHRASE = "MLGATE_ROOT_PASSPHRASE";
    /** A file holding the passphrase (preferred over the variable: it does not show in the process environment). */
    public static final String PASSPHRASE_FILE = "MLGATE_ROOT_PASSPHRASE_FILE";
    /** The PKCS#11 token configuration file (see {@link Pkcs11Protector#fromConfigFile}). */
    public static final String PKCS11_CONFIG = "MLGATE_ROOT_PKCS11_CONFIG";

    private RootKeySettings() {
    }

    /** The protector the settings in {@code env} (e.g. {@code System::getenv}) select. */
    public static RootKeyProtector fromEnvironment(Function<String, String> env) throws IOException {
        Objects.requireNonNull(env, "env");
        String chosen = value(env, PROTECTOR);
        if (chosen == null) {
            if (value(env, PKCS11_CONFIG) != null) {
                chosen = "pkcs11";
            } else if (value(env, PASSPHRASE) != null || value(env, PASSPHRASE_FILE) != null) {
                chosen = "passphrase";
            } else {
                chosen = "file";
            }
        }
        switch (chosen) {
            case "file":
                return new KeyFileProtector();
            case "passphrase":
                if (value(env, PASSPHRASE_FILE) != null) {
                    return PassphraseProtector.fromFile(Path.of(value(env, PASSPHRASE_FILE)),
                            Argon2idParameters.DEFAULT);
                }
                if (value(env, PASSPHRASE) == null) {
                    throw new KeyCustodyException(PROTECTOR + "=passphrase needs " + PASSPHRASE_FILE + " or "
                            + PASSPHRASE);
                }
                return PassphraseProtector.fromEnvironment(PASSPHRASE, env, Argon2idParameters.DEFAULT);
            case "pkcs11":
                if (value(env, PKCS11_CONFIG) == null) {
                    throw new KeyCustodyException(PROTECTOR + "=pkcs11 needs " + PKCS11_CONFIG);
                }
                return Pkcs11Protector.fromConfigFile(Path.of(value(env, PKCS11_CONFIG)), env);
            default:
                throw new KeyCustodyException(PROTECTOR + " must be file, passphrase or pkcs11, not '" + chosen + "'");
        }
    }

    private static String value(Function<String, String> env, String name) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? null : v;
    }
}
