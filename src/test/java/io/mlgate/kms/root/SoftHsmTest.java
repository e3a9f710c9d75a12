package io.mlgate.kms.root;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKCS#11 protector against a real SoftHSM2 token in a temporary token folder. Each step runs in a child JVM
 * because SoftHSM2 reads SOFTHSM2_CONF from the process environment. Skipped only if SoftHSM2 is not installed.
 */
class SoftHsmTest {

    static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    static final Path UTIL = Path.of("/usr/bin/softhsm2-util");

    @TempDir
    Path dir;
    Map<String, String> env;
    long slot;

    @BeforeEach
    void token() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(LIBRARY) && Files.isExecutable(UTIL),
                "SoftHSM2 is not installed (apt-get install softhsm2): PKCS#11 root key tests skipped");
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Path conf = dir.resolve("softhsm2.conf");
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        env = Map.of("SOFTHSM2_CONF", conf.toString());
        ProcessBuilder init = new ProcessBuilder(UTIL.toString(), "--init-token", "--free", "--label", "mlgate-test",
                "--so-pin", "12345678", "--pin", "246810").redirectErrorStream(true);
        init.environment().putAll(env);
        Process p = init.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        slot = Long.parseLong(m.group(1));
        Files.writeString(dir.resolve("pin"), "246810\n");
        Files.writeString(dir.resolve("bad-pin"), "000000\n");
    }

    private Path config(String keyLabel, String pinFile) throws Exception {
        Path config = dir.resolve(keyLabel + "-" + pinFile + ".properties");
        Files.writeString(config, "library=" + LIBRARY + "\nslot=" + slot + "\nkeyLabel=" + keyLabel + "\npinFile="
                + pinFile + "\n");
        return config;
    }

    private ChildJvm.Result child(String... args) throws Exception {
        return ChildJvm.run(SoftHsmScenarioMain.class, env, args);
    }

    @Test
    void rootKeyLivesOnTheTokenAndSealsAndOpensThere() throws Exception {
        Path keys = dir.resolve("keys");
        Path sealed = dir.resolve("sealed");
        ChildJvm.Result seal = child("seal", config("mlgate-root", "pin").toString(), keys.toString(),
                sealed.toString(), "model weights key");
        assertThat(seal.exit()).as(seal.output()).isZero();
        assertThat(seal.output()).contains("PKCS#11 key 'mlgate-root'");
        assertThat(Files.readString(keys.resolve(Pkcs11Protector.FILE))).contains("\"keyLabel\" : \"mlgate-root\"");

        ChildJvm.Result open = child("open", config("mlgate-root", "pin").toString(), keys.toString(),
                sealed.toString());
        assertThat(open.exit()).as(open.output()).isZero();
        assertThat(open.output()).contains("opened: model weights key");

        // Tampered sealed value: the token's GCM check fails.
        byte[] bytes = java.util.Base64.getDecoder().decode(Files.readString(sealed));
        bytes[bytes.length - 3] ^= 1;
        Files.writeString(sealed, java.util.Base64.getEncoder().encodeToString(bytes));
        ChildJvm.Result tampered = child("open", config("mlgate-root", "pin").toString(), keys.toString(),
                sealed.toString());
        assertThat(tampered.exit()).as(tampered.output()).isEqualTo(3);
        assertThat(tampered.output()).contains("failed authentication");
    }

    @Test
    void wrongPinFailsClearly() throws Exception {
        Path keys = dir.resolve("keys");
        assertThat(child("seal", config("mlgate-root", "pin").toString(), keys.toString(),
                dir.resolve("s").toString(), "x").exit()).isZero();
        ChildJvm.Result wrong = child("open", config("mlgate-root", "bad-pin").toString(), keys.toString(),
                dir.resolve("s").toString());
        assertThat(wrong.exit()).as(wrong.output()).isEqualTo(3);
        assertThat(wrong.output()).contains("PKCS#11 login failed").contains("wrong PIN").doesNotContain("000000");
    }

    @Test
    void anotherTokenKeyIsRecognisedAsTheWrongKey() throws Exception {
        Path keys = dir.resolve("keys");
        assertThat(child("seal", config("mlgate-root", "pin").toString(), keys.toString(),
                dir.resolve("s").toString(), "x").exit()).isZero();
        // Same folder, other label: refused by the marker.
        ChildJvm.Result other = child("open", config("other-key", "pin").toString(), keys.toString(),
                dir.resolve("s").toString());
        assertThat(other.exit()).as(other.output()).isEqualTo(3);
        assertThat(other.output()).contains("sealed under token key 'mlgate-root'");
    }
}
