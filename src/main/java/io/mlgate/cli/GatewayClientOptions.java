package io.mlgate.cli;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.client.KmsClient;
import io.mlgate.pki.PemTrust;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;

/**
 * The options of commands that call the running gateway's KMS as the person running them (as
 * {@code batch-transform} calls InvokeEndpoint): its URL, the credentials (a profile of a shared-credentials file,
 * or the {@code AWS_*} environment) and the CA to trust. The default profile is {@value #DEFAULT_PROFILE}, the demo
 * user whose policies allow {@code kms:Decrypt} on the demo's keys.
 */
final class GatewayClientOptions {

    static final String DEFAULT_PROFILE = "demo-admin";

    @Option(names = "--url", defaultValue = "https://127.0.0.1:8443",
            description = "the running gateway (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "profile in the credentials file (default: " + DEFAULT_PROFILE + ", or the AWS_ACCESS_KEY_ID/"
                    + "AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN] environment when it is set and --profile is not)")
    String profile;

    @Option(names = "--credentials", paramLabel = "FILE",
            description = "shared-credentials file (default: <home>/keys/demo-credentials)")
    Path credentials;

    @Option(names = "--ca", paramLabel = "FILE", description = "CA certificate to trust (default: <home>/keys/dev-ca.pem)")
    Path ca;

    /** Who the calls are made as, for messages: the profile, or the environment's access key id. */
    String caller() {
        if (profile == null && System.getenv("AWS_ACCESS_KEY_ID") != null
                && System.getenv("AWS_SECRET_ACCESS_KEY") != null) {
            return "access key " + System.getenv("AWS_ACCESS_KEY_ID") + " (from the environment)";
        }
        return "profile " + (profile == null ? DEFAULT_PROFILE : profile);
    }

    /** A KMS client signing as the chosen credentials; relative defaults resolve against {@code home}. */
    KmsClient kmsClient(Path home) throws Exception {
        String accessKey;
        char[] secret;
        String token = null;
        if (profile == null && System.getenv("AWS_ACCESS_KEY_ID") != null
                && System.getenv("AWS_SECRET_ACCESS_KEY") != null) {
            accessKey = System.getenv("AWS_ACCESS_KEY_ID");
            secret = System.getenv("AWS_SECRET_ACCESS_KEY").toCharArray();
            token = System.getenv("AWS_SESSION_TOKEN");
        } else {
            String[] keys = BenchCommand.profileKeys(credentials != null ? credentials
                    : home.resolve("keys/demo-credentials"), profile == null ? DEFAULT_PROFILE : profile);
            accessKey = keys[0];
            secret = keys[1].toCharArray();
        }
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        SigV4Signer signer = SigV4Signer.builder().credentials(accessKey, secret).sessionToken(token).region(region)
                .service("kms").build();
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, PemTrust.trustManagers(ca != null ? ca : home.resolve("keys/dev-ca.pem")), null);
        return new KmsClient(url, signer, ssl);
    }
}
