package io.mlgate.iam.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.mlgate.credentials.AccessKeyStore;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.kms.RootKey;

/** A policies/ folder and keys/ folder in a temp dir, with an administration over them, as the gateway wires it. */
final class AdminFixture {

    static final String ACCOUNT = "123456789012";
    static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");
    /** The modification time given to the hand-written fixture files (which record no CreateDate). */
    static final Instant FILE_TIME = Instant.parse("2025-06-01T08:00:00Z");

    final Path policies;
    final Path keys;
    final RootKey root;
    final AccessKeyStore accessKeys;
    final AtomicReference<IamConfiguration> served = new AtomicReference<>();
    final List<IamConfiguration> published = new ArrayList<>();
    final IamAdministration admin;

    AdminFixture(Path temp) throws Exception {
        this.policies = temp.resolve("policies");
        this.keys = temp.resolve("keys");
        write("accounts.json", "{ \"Accounts\": [ { \"AccountId\": \"" + ACCOUNT + "\", \"Alias\": \"test-acct\" },"
                + " { \"AccountId\": \"210987654321\" } ] }\n");
        write("managed-policies/ReadModels.json", """
                {
                  "Account": "123456789012",
                  "PolicyName": "ReadModels",
                  "Path": "/models/",
                  "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [ { "Effect": "Allow", "Action": "sagemaker:Describe*", "Resource": "*" } ]
                  }
                }
                """);
        write("managed-policies/Other.json", """
                { "Account": "210987654321", "PolicyName": "Other",
                  "PolicyDocument": { "Version": "2012-10-17", "Statement": { "Effect": "Deny", "Action": "*", "Resource": "*" } } }
                """);
        write("users/alice.json", """
                {
                  "Account": "123456789012",
                  "UserName": "alice",
                  "Path": "/staff/",
                  "Tags": { "team": "ml" },
                  "InlinePolicies": {
                    "Invoke": {
                      "Version": "2012-10-17",
                      "Statement": [ { "Sid": "A1", "Effect": "Allow", "Action": "sagemaker:InvokeEndpoint",
                        "Resource": "arn:aws:sagemaker:*:123456789012:endpoint/iris",
                        "Condition": { "NumericLessThan": { "aws:MultiFactorAuthAge": "3600" } } } ]
                    }
                  }
                }
                """);
        write("roles/runner.json", """
                {
                  "Account": "123456789012",
                  "RoleName": "runner",
                  "AssumeRolePolicyDocument": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow",
                    "Principal": { "AWS": "arn:aws:iam::123456789012:root" }, "Action": "sts:AssumeRole" } ] }
                }
                """);
        try (Stream<Path> s = Files.walk(policies)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, FileTime.from(FILE_TIME));
            }
        }
        this.root = RootKey.loadOrCreate(keys);
        this.accessKeys = AccessKeyStore.open(keys, root);
        served.set(IamConfigurationLoader.load(policies));
        this.admin = newAdministration(accessKeys);
    }

    /** A second administration over the same folders, as after a restart. */
    IamAdministration restart() throws Exception {
        served.set(IamConfigurationLoader.load(policies));
        return newAdministration(AccessKeyStore.open(keys, root));
    }

    private IamAdministration newAdministration(AccessKeyStore store) {
        return new IamAdministration(policies, store, Clock.fixed(NOW, ZoneOffset.UTC), served::get, c -> {
            published.add(c);
            served.set(c);
        });
    }

    void write(String relative, String text) throws IOException {
        Path p = policies.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    String read(String relative) throws IOException {
        return Files.readString(policies.resolve(relative));
    }

    /** Every file under policies/ with its content, to show that a refused change wrote nothing. */
    Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(policies)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(policies.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.UTF_8)
                        + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return out;
    }
}
