package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


class PolicyValidateCommandTest extends ConsoleCapture {

    static final String CLEAN = """
            {
              "Version": "2012-10-17",
              "Statement": {"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}
            }
            """;

    @TempDir
    Path dir;


    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void cleanPolicyPrintsNothingAndExitsZero() throws Exception {
        assertThat(run("policy", "validate", write("clean.json", CLEAN).toString())).isZero();
        assertThat(stdout()).isEmpty();
    }

    @Test
    void warningsOnlyExitZeroWithOneLinePerFinding() throws Exception {
        Path p = write("warn.json", CLEAN.replace("sagemaker:InvokeEndpoint", "foo:Bar"));
        assertThat(run("policy", "validate", p.toString())).isZero();
        assertThat(stdout().lines().toList()).containsExactly(
                p + ":3:46 WARNING UNKNOWN_SERVICE Statement.Action: service prefix 'foo' is not in the action catalogue"
                        + " (application-autoscaling, cloudtrail, cloudtrail-data, iam, kms, mlgate, sagemaker, sts); check the spelling");
    }

    @Test
    void anyErrorExitsOneAndEveryFileIsReported() throws Exception {
        Path good = write("good.json", CLEAN);
        Path typo = write("typo.json", CLEAN.replace("InvokeEndpoint", "InvokeEndpont"));
        Path broken = write("broken.json", "{\"Version\": ");
        assertThat(run("policy", "validate", good.toString(), typo.toString(), broken.toString())).isEqualTo(1);
        assertThat(stdout().lines().toList()).hasSize(2)
                .anySatisfy(l -> assertThat(l).startsWith(typo + ":3:46 ERROR UNKNOWN_ACTION Statement.Action: "))
                .anySatisfy(l -> assertThat(l).startsWith(broken + ":1:").contains(" ERROR MALFORMED_JSON (document): "));
    }

    @Test
    void kindOptionSelectsResourcePolicyRules() throws Exception {
        Path p = write("key.json", CLEAN.replace("\"Effect\"", "\"Principal\": {\"AWS\": \"111122223333\"}, \"Effect\""));
        assertThat(run("policy", "validate", "--kind", "resource", p.toString())).isZero();
        assertThat(run("policy", "validate", p.toString())).isEqualTo(1);
        assertThat(stdout()).contains("ERROR ELEMENT_NOT_ALLOWED Statement.Principal");
    }

    @Test
    void unreadableFileExitsTwoAndTheOthersAreStillValidated() throws Exception {
        Path typo = write("typo.json", CLEAN.replace("InvokeEndpoint", "InvokeEndpont"));
        assertThat(run("policy", "validate", dir.resolve("missing.json").toString(), typo.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read " + dir.resolve("missing.json"));
        assertThat(stdout()).contains("UNKNOWN_ACTION");
    }

    @Test
    void unknownKindExitsTwo() throws Exception {
        assertThat(run("policy", "validate", "--kind", "bucket", write("clean.json", CLEAN).toString())).isEqualTo(2);
    }
}
