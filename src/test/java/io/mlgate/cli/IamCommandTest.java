package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.iam.config.IamConfigurationLoader;

class IamCommandTest extends ConsoleCapture {

    @TempDir
    Path temp;
    Path policies;

    @BeforeEach
    void folder() throws Exception {
        policies = temp.resolve("policies");
        write("accounts.json", "{ \"Accounts\": [ { \"AccountId\": \"123456789012\" }, { \"AccountId\": \"210987654321\" } ] }");
        write("roles/runner.json", role("123456789012", "runner"));
        write("roles/twin-a.json", role("123456789012", "twin"));
        write("roles/twin-b.json", role("210987654321", "twin"));
        write("users/bob.json", "{ \"Account\": \"123456789012\", \"UserName\": \"bob\" }");
    }

    private static String role(String account, String name) {
        return "{ \"Account\": \"" + account + "\", \"RoleName\": \"" + name + "\", \"AssumeRolePolicyDocument\": {"
                + " \"Version\": \"2012-10-17\", \"Statement\": [ { \"Effect\": \"Allow\", \"Principal\": { \"AWS\":"
                + " \"arn:aws:iam::" + account + ":root\" }, \"Action\": \"sts:AssumeRole\" } ] } }";
    }

    private void write(String relative, String text) throws Exception {
        Path p = policies.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private String file(String relative) throws Exception {
        return Files.readString(policies.resolve(relative), StandardCharsets.UTF_8);
    }

    @Test
    void revokesRoleSessionsInThePoliciesFolder() throws Exception {
        assertThat(run("iam", "revoke-sessions", "--role", "runner", "--policies", policies.toString())).isZero();
        assertThat(stdout()).contains("arn:aws:iam::123456789012:role/runner").contains("AWSRevokeOlderSessions")
                .contains("next policy reload");
        assertThat(file("roles/runner.json")).contains("AWSRevokeOlderSessions").contains("aws:TokenIssueTime")
                .contains("DateLessThan");
        assertThat(IamConfigurationLoader.load(policies).roleByName("123456789012", "runner").orElseThrow()
                .inlinePolicies()).containsKey("AWSRevokeOlderSessions");
    }

    @Test
    void revokesUserSessions() throws Exception {
        assertThat(run("iam", "revoke-sessions", "--user", "bob", "--policies", policies.toString())).isZero();
        assertThat(stdout()).contains("arn:aws:iam::123456789012:user/bob");
        assertThat(file("users/bob.json")).contains("AWSRevokeOlderSessions");
    }

    @Test
    void unknownRoleOrUserExitsOne() throws Exception {
        assertThat(run("iam", "revoke-sessions", "--role", "nobody", "--policies", policies.toString()))
                .isEqualTo(IamCommand.NO_SUCH_ENTITY);
        assertThat(run("iam", "revoke-sessions", "--user", "bob", "--account", "210987654321",
                "--policies", policies.toString())).isEqualTo(IamCommand.NO_SUCH_ENTITY);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("NoSuchEntity");
        assertThat(file("users/bob.json")).doesNotContain("AWSRevokeOlderSessions");
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        String dir = policies.toString();
        assertThat(run("iam", "revoke-sessions", "--policies", dir)).isEqualTo(2);
        assertThat(run("iam", "revoke-sessions", "--role", "runner", "--user", "bob", "--policies", dir)).isEqualTo(2);
        assertThat(run("iam", "revoke-sessions", "--role", "runner", "--policies", temp.resolve("none").toString()))
                .isEqualTo(2);
        // the same role name in two accounts needs --account
        assertThat(run("iam", "revoke-sessions", "--role", "twin", "--policies", dir)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--account");
        assertThat(file("roles/twin-a.json")).doesNotContain("AWSRevokeOlderSessions");
        assertThat(run("iam", "revoke-sessions", "--role", "twin", "--account", "210987654321", "--policies", dir))
                .isZero();
        assertThat(file("roles/twin-b.json")).contains("AWSRevokeOlderSessions");
        assertThat(file("roles/twin-a.json")).doesNotContain("AWSRevokeOlderSessions");
    }

    @Test
    void anInvalidFolderExitsTwoAndWritesNothing() throws Exception {
        write("users/broken.json", "{ not json");
        assertThat(run("iam", "revoke-sessions", "--role", "runner", "--policies", policies.toString())).isEqualTo(2);
        assertThat(file("roles/runner.json")).doesNotContain("AWSRevokeOlderSessions");
    }
}
