package io.mlgate.gateway;

import io.mlgate.credentials.AccessKeyStore;
import io.mlgate.credentials.IssuedAccessKey;
import io.mlgate.credentials.StoredAccessKey;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamUser;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's credentials: on first start, one access key per demo user (demo-admin, demo-analyst, demo-guest) is
 * created in the access-key store and written as an AWS shared-credentials file at keys/demo-credentials; later
 * starts reuse the same keys. Also renders the ready-to-paste AWS CLI command printed at start-up.
 */
public final class DemoSetup {

    private static final Log LOG = LogFactory.getLog(DemoSetup.class);
    /** Where the printed CLI command saves the model's answer (the CLI writes the body to a file). */
    public static final String OUTPUT_FILE = "/tmp/mlgate-iris-prediction.json";
    public static final List<String> DEMO_USERS = List.of("demo-admin", "demo-analyst", "demo-guest");

    private final GatewayProperties properties;
    private final Path credentialsFile;
    private final boolean enabled;

    private DemoSetup(GatewayProperties properties, Path credentialsFile, boolean enabled) {
        this.properties = properties;
        this.credentialsFile = credentialsFile;
        this.enabled = enabled;
    }

    public static DemoSetup prepare(GatewayProperties properties, AccessKeyStore accessKeys, IamConfiguration iam,
                                    HostingAccount account) throws IOException {
        Path file = properties.keysDir().resolve(DemoCredentialsFile.FILE_NAME);
        if (!properties.demo()) {
            return new DemoSetup(properties, file, false);
        }
        Map<String, String[]> profiles = new LinkedHashMap<>();
        for (String name : DEMO_USERS) {
            Optional<IamUser> user = iam.userByName(account.id(), name);
            if (user.isEmpty()) {
                continue;
            }
            String arn = user.get().arn();
            Optional<StoredAccessKey> existing = accessKeys.forUser(arn).stream()
                    .filter(StoredAccessKey::isActive).findFirst();
            String[] pair;
            if (existing.isPresent()) {
                pair = new String[] {existing.get().accessKeyId(),
                        new String(existing.get().secretAccessKey(), StandardCharsets.US_ASCII)};
            } else {
                IssuedAccessKey issued = accessKeys.create(arn);
                pair = new String[] {issued.accessKeyId(), issued.secretAccessKey()};
            }
            profiles.put(name, pair);
        }
        if (profiles.isEmpty()) {
            return new DemoSetup(properties, file, false);
        }
        if (!sameProfiles(file, profiles)) {
            DemoCredentialsFile.write(file, profiles);
            LOG.info("wrote the demo credentials to " + file);
        }
        return new DemoSetup(properties, file, true);
    }

    private static boolean sameProfiles(Path file, Map<String, String[]> profiles) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        Map<String, String[]> current = DemoCredentialsFile.read(file);
        if (!current.keySet().equals(profiles.keySet())) {
            return false;
        }
        for (Map.Entry<String, String[]> entry : profiles.entrySet()) {
            if (!java.util.Arrays.equals(entry.getValue(), current.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    public boolean enabled() {
        return enabled;
    }

    public Path credentialsFile() {
        return credentialsFile;
    }

    /** The AWS CLI v2 command that invokes the demo endpoint as {@code profile} on {@code port}. */
    public String cliCommand(int port, String profile) {
        String host = "0.0.0.0".equals(properties.host()) || "::".equals(properties.host())
                ? "127.0.0.1" : properties.host();
        String url = "https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        String aws = Files.isExecutable(Path.of("/usr/bin/aws")) ? "/usr/bin/aws" : "aws";
        return "AWS_SHARED_CREDENTIALS_FILE=" + credentialsFile
                + " AWS_CA_BUNDLE=" + properties.keysDir().resolve("dev-ca.pem")
                + " " + aws + " sagemaker-runtime invoke-endpoint"
                + " --endpoint-url " + url + " --region " + properties.region()
                + " --profile " + profile
                + " --endpoint-name iris --content-type text/csv"
                + " --cli-binary-format raw-in-base64-out --body '5.1,3.5,1.4,0.2' " + OUTPUT_FILE
                + " && cat " + OUTPUT_FILE;
    }
}
