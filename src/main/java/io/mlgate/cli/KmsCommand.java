package io.mlgate.cli;

import io.mlgate.audit.integrity.AuditSigningKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.mlgate.credentials.AccessKeyStore;
import io.mlgate.kms.AssociatedData;
import io.mlgate.kms.api.KmsKeyStore;
import io.mlgate.kms.KeyArn;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.KeyState;
import io.mlgate.kms.Keystore;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.root.Argon2idParameters;
import io.mlgate.kms.root.KeyFileProtector;
import io.mlgate.kms.root.PassphraseProtector;
import io.mlgate.kms.root.Pkcs11Protector;
import io.mlgate.kms.root.RootKeyProtector;
import io.mlgate.kms.root.RootKeySettings;
import io.mlgate.kms.root.RootRotation;
import io.mlgate.kms.root.SealedBlobFile;
import io.mlgate.kms.root.SealedFile;
import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.kms.root.SealedJsonFile;
import io.mlgate.sts.SessionTokenKeys;
import io.mlgate.sts.mfa.VirtualMfaDevices;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mlgate kms}: key custody administration of the keys/ folder; {@code rotate-root} for now. */
@Command(name = "kms", mixinStandardHelpOptions = true, description = "Key custody administration of the keys/ folder.",
        subcommands = {KmsCommand.RotateRoot.class})
final class KmsCommand implements Runnable {

    /** Exit code when keys/ cannot be unlocked or re-sealed. */
    static final int CUSTODY_FAILURE = 1;
    /** Exit code for bad usage. */
    static final int USAGE = 2;
    /** Environment variable holding the new passphrase when {@code --new-passphrase-file} is not given. */
    static final String NEW_PASSPHRASE_ENV = "MLGATE_NEW_ROOT_PASSPHRASE";

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * Every file under keys/ sealed under the root key, with the associated data its store binds each value to. A
     * store that changes its layout or associated data must change its entry here (KmsCommandTest re-opens every
     * file through its store after a rotation).
     */
    static List<SealedFile> sealedFiles() {
        return List.of(
                SealedJsonFile.of(Keystore.FILE, (doc, sink) -> {
                    for (JsonNode entry : doc.path("keys")) {
                        KeyArn arn = KeyArn.parse(text(entry, "arn"));
                        String alias = entry.has("alias") ? text(entry, "alias") : null;
                        String description = text(entry, "description");
                        String state = KeyState.fromWireName(text(entry, "keyState")).wireName();
                        String created = Instant.parse(text(entry, "creationDate")).toString();
                        for (JsonNode m : entry.path("materials")) {
                            sink.sealedField((ObjectNode) m, "sealed", AssociatedData.of("mlgate/keystore/v1",
                                    arn.keyId().toString(), arn.toString(), alias, description, state, created,
                                    Integer.toString(m.path("version").asInt(0)),
                                    Instant.parse(text(m, "createdAt")).toString()));
                        }
                    }
                }),
                SealedJsonFile.of(AccessKeyStore.FILE, (doc, sink) -> {
                    for (JsonNode entry : doc.path("accessKeys")) {
                        sink.sealedField((ObjectNode) entry, "sealedSecret", AssociatedData.of("mlgate/access-key/v1",
                                text(entry, "accessKeyId"), text(entry, "userArn"), text(entry, "status"),
                                Instant.parse(text(entry, "createDate")).toString()));
                    }
                }),
                SealedJsonFile.of(SessionTokenKeys.FILE, (doc, sink) -> {
                    for (JsonNode k : doc.path("keys")) {
                        sink.sealedField((ObjectNode) k, "material",
                                ("mlgate/sts/token-key/v1/" + k.path("id").asInt(0)).getBytes(StandardCharsets.US_ASCII));
                    }
                }),
                SealedJsonFile.of(KmsKeyStore.FILE, (doc, sink) -> {
                    for (JsonNode entry : doc.path("keys")) {
                        JsonNode metadata = entry.path("metadata");
                        sink.sealedField((ObjectNode) entry, "sealed",
                                KmsKeyStore.associatedData(metadata.path("keyId").asString(""), metadata));
                    }
                }),
                SealedJsonFile.of(AuditSigningKeys.FILE, (doc, sink) -> {
                    for (JsonNode k : doc.path("keys")) {
                        sink.sealedField((ObjectNode) k, "privateKey",
                                AuditSigningKeys.associatedData(text(k, "fingerprint"), text(k, "publicKey")));
                    }
                }),
                SealedJsonFile.of(VirtualMfaDevices.FILE, (doc, sink) -> {
                    for (JsonNode d : doc.path("devices")) {
                        sink.sealedField((ObjectNode) d, "seed",
                                ("mlgate/mfa-seed/v1/" + text(d, "serialNumber")).getBytes(StandardCharsets.UTF_8));
                    }
                }),
                SealedBlobFile.of(ClusterCa.DIR + "/" + ClusterCa.KEY_FILE,
                        ClusterCa.KEY_ASSOCIATED_DATA.getBytes(StandardCharsets.US_ASCII)),
                SealedBlobFile.of(ClusterCa.DIR + "/" + JoinTokens.KEY_FILE,
                        JoinTokens.KEY_ASSOCIATED_DATA.getBytes(StandardCharsets.US_ASCII)),
                SealedBlobFile.of(io.mlgate.gateway.PiiTokenizationKey.FILE,
                        io.mlgate.gateway.PiiTokenizationKey.ASSOCIATED_DATA_TEXT.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new KeyCustodyException("a sealed entry lacks its text field " + field);
        }
        return value.stringValue();
    }

    /**
     * {@code mlgate kms rotate-root --to file|passphrase|pkcs11 [...]}: re-seals every sealed file under keys/ under a
     * new root key held by the chosen protector, crash-safely (see docs/key-custody.md). Run with the gateway stopped.
     */
    @Command(name = "rotate-root", mixinStandardHelpOptions = true,
            description = "Re-seal everything under keys/ under a new root key (gateway stopped).")
    static final class RotateRoot implements Callable<Integer> {

        @Option(names = "--to", required = true, paramLabel = "PROTECTOR",
                description = "the new protector: file, passphrase or pkcs11")
        String to;

        @Option(names = "--keys", paramLabel = "DIR", description = "the keys/ folder (default: keys, from the working "
                + "directory or $MLGATE_HOME)")
        String keys = "keys";

        @Option(names = "--passphrase-file", paramLabel = "FILE",
                description = "the current passphrase (default: the MLGATE_ROOT_* settings of the gateway)")
        Path passphraseFile;

        @Option(names = "--pkcs11-config", paramLabel = "FILE",
                description = "the current token configuration (default: the MLGATE_ROOT_* settings of the gateway)")
        Path pkcs11Config;

        @Option(names = "--new-passphrase-file", paramLabel = "FILE",
                description = "the new passphrase (default: environment variable " + NEW_PASSPHRASE_ENV + ")")
        Path newPassphraseFile;

        @Option(names = "--new-pkcs11-config", paramLabel = "FILE", description = "the new token configuration")
        Path newPkcs11Config;

        @Option(names = "--argon2-memory-mib", paramLabel = "MIB", description = "Argon2id memory (default 64)")
        int memoryMiB = Argon2idParameters.DEFAULT.memoryKiB() / 1024;

        @Option(names = "--argon2-iterations", paramLabel = "N", description = "Argon2id iterations (default 3)")
        int iterations = Argon2idParameters.DEFAULT.iterations();

        @Option(names = "--argon2-parallelism", paramLabel = "N", description = "Argon2id lanes (default 1)")
        int parallelism = Argon2idParameters.DEFAULT.parallelism();

        /** Environment lookup; tests replace it. */
        Function<String, String> env = System::getenv;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Path keysDir = Path.of(keys).isAbsolute() ? Path.of(keys) : Path.of(Main.defaultHome()).resolve(keys);
            RootKeyProtector target;
            RootKeyProtector current;
            try {
                target = target();
                current = current();
            } catch (IllegalArgumentException | KeyCustodyException e) {
                err.println(e.getMessage());
                return USAGE;
            } catch (IOException e) {
                err.println("cannot read a configuration file: " + e.getMessage());
                return USAGE;
            }
            try {
                RootKey from = RootKey.unlock(current, keysDir);
                RootRotation.Result result = RootRotation.rotate(keysDir, from, target, sealedFiles());
                out.println("re-sealed " + result.sealedValues() + " values in " + result.files().size() + " files "
                        + result.files() + " under " + result.newRoot());
                out.println("keys/ is now protected by the " + result.protector() + " protector: configure the "
                        + "gateway accordingly (" + RootKeySettings.PROTECTOR + "=" + result.protector()
                        + ") before starting it");
                return 0;
            } catch (KeyCustodyException e) {
                err.println("rotate-root failed, keys/ is unchanged or will be finished on next unlock: "
                        + e.getMessage());
                return CUSTODY_FAILURE;
            } catch (IOException e) {
                err.println("rotate-root failed: " + e);
                return CUSTODY_FAILURE;
            }
        }

        private RootKeyProtector current() throws IOException {
            if (passphraseFile != null) {
                return PassphraseProtector.fromFile(passphraseFile, Argon2idParameters.DEFAULT);
            }
            if (pkcs11Config != null) {
                return Pkcs11Protector.fromConfigFile(pkcs11Config, env);
            }
            return RootKeySettings.fromEnvironment(env);
        }

        private RootKeyProtector target() throws IOException {
            switch (to) {
                case "file":
                    return new KeyFileProtector();
                case "passphrase": {
                    Argon2idParameters parameters = new Argon2idParameters(memoryMiB * 1024, iterations, parallelism);
                    if (newPassphraseFile != null) {
                        return PassphraseProtector.fromFile(newPassphraseFile, parameters);
                    }
                    return PassphraseProtector.fromEnvironment(NEW_PASSPHRASE_ENV, env, parameters);
                }
                case "pkcs11":
                    if (newPkcs11Config == null) {
                        throw new IllegalArgumentException("--to pkcs11 needs --new-pkcs11-config FILE");
                    }
                    return Pkcs11Protector.fromConfigFile(newPkcs11Config, env);
                default:
                    throw new IllegalArgumentException("--to must be file, passphrase or pkcs11, not '" + to + "'");
            }
        }
    }
}
