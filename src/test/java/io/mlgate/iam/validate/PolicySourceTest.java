package io.mlgate.iam.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.mlgate.iam.policy.PolicyKind;

/** Validation of the entity files of the policies/ directory, whose policy documents are embedded. */
class PolicySourceTest {

    @Test
    void managedPolicyFilesValidateTheirPolicyDocument() {
        String file = """
                {
                  "Account": "111111111111",
                  "PolicyName": "Invoke",
                  "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": {"Effect": "Allow", "Action": "sagemaker:InvokeEndpont", "Resource": "*"}
                  }
                }""";
        List<Finding> findings = PolicyValidator.validateSource(file, "m.json", PolicyKind.IDENTITY);
        assertThat(findings).extracting(Finding::code, Finding::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("UNKNOWN_ACTION", "PolicyDocument.Statement.Action"));
        assertThat(PolicyValidator.validateSource(file.replace("Endpont", "Endpoint"), "m.json", PolicyKind.IDENTITY)).isEmpty();
    }

    @Test
    void roleTrustPoliciesAreValidatedAsTrustAndInlinePoliciesAsIdentity() {
        String role = """
                {
                  "Account": "111111111111",
                  "RoleName": "runner",
                  "AssumeRolePolicyDocument": {"Version": "2012-10-17",
                    "Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}},
                  "InlinePolicies": {
                    "Invoke": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}},
                    "Admin": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
                  }
                }""";
        List<Finding> findings = PolicyValidator.validateSource(role, "r.json", PolicyKind.IDENTITY);
        assertThat(findings).extracting(Finding::code, Finding::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple("MISSING_VERSION", "InlinePolicies.Admin"),
                org.assertj.core.groups.Tuple.tuple("FULL_ADMIN", "InlinePolicies.Admin.Statement"));
        String principalInInline = role.replace("\"Action\": \"*\"", "\"Principal\": \"*\", \"Action\": \"*\"");
        assertThat(PolicyValidator.validateSource(principalInInline, "r.json", PolicyKind.IDENTITY))
                .extracting(Finding::code).contains("ELEMENT_NOT_ALLOWED");
    }

    @Test
    void entityFilesWithoutPoliciesHaveNoFindingsButBareDocumentsWithoutStatementDo() {
        assertThat(PolicyValidator.validateSource("{\"UserName\": \"dave\", \"Groups\": [\"a\"]}", "u", PolicyKind.IDENTITY)).isEmpty();
        assertThat(PolicyValidator.validateSource("{\"Version\": \"2012-10-17\"}", "p", PolicyKind.IDENTITY))
                .extracting(Finding::code).containsExactly("MISSING_ELEMENT");
    }

    @Test
    void duplicateKeysAnywhereInTheFileAreReported() {
        String file = "{\"PolicyName\": \"a\", \"PolicyName\": \"b\", \"PolicyDocument\": {\"Version\": \"2012-10-17\","
                + " \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}}}";
        assertThat(PolicyValidator.validateSource(file, "m", PolicyKind.IDENTITY)).extracting(Finding::code, Finding::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("DUPLICATE_KEY", "PolicyName"));
    }

    @Test
    void theShippedPoliciesDirectoryHasNoErrors() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of("policies"))) {
            files = s.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("/tests/")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            List<Finding> findings = PolicyValidator.validateSource(Files.readString(f), f.toString(), PolicyKind.IDENTITY);
            assertThat(PolicyValidator.hasErrors(findings)).as("%s: %s", f, findings).isFalse();
        }
    }
}
