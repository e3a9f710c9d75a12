package io.mlgate.iam.validate;

import io.mlgate.iam.json.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Loading policies/ = the loader's strict parse + the validator's ERROR findings over every entity file. */
class ValidatedConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void theDemoConfigurationLoadsWithoutErrors() throws Exception {
        ValidatedConfiguration loaded = ValidatedConfiguration.load(Path.of("policies"));
        assertThat(loaded.configuration().users()).hasSize(3);
        assertThat(loaded.findings()).noneMatch(f -> f.severity() == Severity.ERROR);
    }

    @Test
    void anUnknownActionInAManagedPolicyIsRefusedWithItsCodeAndLocation() throws Exception {
        copyDemo();
        Path file = dir.resolve("managed-policies/InvokeIrisEndpoint.json");
        Files.writeString(file, Files.readString(file).replace("sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpont"));
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> ValidatedConfiguration.load(dir));
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).position().source()).isEqualTo("managed-policies/InvokeIrisEndpoint.json");
        assertThat(e.problems().get(0).position().line()).isEqualTo(12);
        assertThat(e.problems().get(0).message()).startsWith("UNKNOWN_ACTION PolicyDocument.Statement[0].Action")
                .contains("did you mean 'sagemaker:InvokeEndpoint'");
    }

    @Test
    void anInvalidInlinePolicyOfAUserIsRefused() throws Exception {
        copyDemo();
        Path file = dir.resolve("users/demo-guest.json");
        String text = Files.readString(file).trim();
        Files.writeString(file, text.substring(0, text.length() - 1) + ", \"InlinePolicies\": {\"p\": {"
                + "\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"sagemaker:InvokeEndpointz\","
                + " \"Resource\": \"arn:aws:s3:::bucket/key\"}}}}");
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> ValidatedConfiguration.load(dir));
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.position().source()).isEqualTo("users/demo-guest.json");
            assertThat(p.message()).startsWith("UNKNOWN_ACTION InlinePolicies.p.Statement.Action");
        });
        // a valid inline policy (same shape, known action, fine ARN) loads, with its findings below ERROR kept
        Files.writeString(file, text.substring(0, text.length() - 1) + ", \"InlinePolicies\": {\"p\": {"
                + "\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\","
                + " \"Resource\": \"arn:aws:s3:::bucket/key\"}}}}");
        ValidatedConfiguration ok = ValidatedConfiguration.load(dir);
        assertThat(ok.findings()).anySatisfy(f -> assertThat(f.position().source()).isEqualTo("users/demo-guest.json"));
    }

    @Test
    void aWildcardActionInAKnownServiceIsAccepted() throws Exception {
        copyDemo();
        Path file = dir.resolve("managed-policies/InvokeIrisEndpoint.json");
        Files.writeString(file, Files.readString(file).replace("sagemaker:InvokeEndpoint", "sagemaker:Invoke*"));
        assertThat(ValidatedConfiguration.load(dir).configuration().managedPolicies())
                .extracting(p -> p.name()).contains("InvokeIrisEndpoint");
    }

    private void copyDemo() throws IOException {
        Path from = Path.of("policies");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }
}
