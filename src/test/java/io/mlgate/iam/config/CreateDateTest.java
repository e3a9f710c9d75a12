package io.mlgate.iam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.iam.json.ConfigurationException;

class CreateDateTest {

    private static final String TRUST = "{ \"Version\": \"2012-10-17\", \"Statement\": { \"Effect\": \"Allow\", "
            + "\"Principal\": { \"AWS\": \"123456789012\" }, \"Action\": \"sts:AssumeRole\" } }";

    @TempDir
    Path dir;

    @BeforeEach
    void accounts() throws Exception {
        write("accounts.json", "{ \"Accounts\": [ { \"AccountId\": \"123456789012\" } ] }");
    }

    void write(String relative, String text) throws Exception {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void recordedCreateDatesAreRead() throws Exception {
        write("users/u.json", "{ \"Account\": \"123456789012\", \"UserName\": \"u\", \"CreateDate\": \"2024-02-03T04:05:06Z\" }");
        write("groups/g.json", "{ \"Account\": \"123456789012\", \"GroupName\": \"g\", \"CreateDate\": \"2024-02-03T04:05:07Z\" }");
        write("roles/r.json", "{ \"Account\": \"123456789012\", \"RoleName\": \"r\", \"CreateDate\": \"2024-02-03T04:05:08Z\","
                + " \"AssumeRolePolicyDocument\": " + TRUST + " }");
        write("managed-policies/p.json", "{ \"Account\": \"123456789012\", \"PolicyName\": \"p\", \"CreateDate\": "
                + "\"2024-02-03T04:05:09Z\", \"Tags\": { \"k\": \"v\" }, \"PolicyDocument\": { \"Statement\": "
                + "{ \"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\" } } }");
        IamConfiguration c = IamConfigurationLoader.load(dir);
        assertThat(c.userByName("123456789012", "u").orElseThrow().createDate()).isEqualTo(Instant.parse("2024-02-03T04:05:06Z"));
        assertThat(c.groupByName("123456789012", "g").orElseThrow().createDate()).isEqualTo(Instant.parse("2024-02-03T04:05:07Z"));
        IamRole role = c.roleByName("123456789012", "r").orElseThrow();
        assertThat(role.createDate()).isEqualTo(Instant.parse("2024-02-03T04:05:08Z"));
        assertThat(role.trustPolicyJson()).isEqualTo("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"123456789012\"},\"Action\":\"sts:AssumeRole\"}}");
        ManagedPolicy p = c.managedPolicy("arn:aws:iam::123456789012:policy/p").orElseThrow();
        assertThat(p.createDate()).isEqualTo(Instant.parse("2024-02-03T04:05:09Z"));
        assertThat(p.tags()).containsEntry("k", "v");
    }

    @Test
    void withoutCreateDateTheFilesModificationTimeIsReported() throws Exception {
        write("users/u.json", "{ \"Account\": \"123456789012\", \"UserName\": \"u\" }");
        Files.setLastModifiedTime(dir.resolve("users/u.json"), FileTime.from(Instant.parse("2023-01-01T00:00:00.789Z")));
        IamConfiguration c = IamConfigurationLoader.load(dir);
        assertThat(c.userByName("123456789012", "u").orElseThrow().createDate()).isEqualTo(Instant.parse("2023-01-01T00:00:00Z"));
    }

    @Test
    void anInvalidCreateDateIsAProblemAtItsPosition() throws Exception {
        write("users/u.json", "{ \"Account\": \"123456789012\", \"UserName\": \"u\",\n  \"CreateDate\": \"yesterday\" }");
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> IamConfigurationLoader.load(dir));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.position().source()).isEqualTo("users/u.json");
            assertThat(p.position().line()).isEqualTo(2);
            assertThat(p.message()).contains("CreateDate must be an ISO-8601 timestamp");
        });
        write("users/u.json", "{ \"Account\": \"123456789012\", \"UserName\": \"u\", \"CreateDate\": 1700000000 }");
        assertThat(catchThrowableOfType(ConfigurationException.class, () -> IamConfigurationLoader.load(dir))).isNotNull();
    }
}
