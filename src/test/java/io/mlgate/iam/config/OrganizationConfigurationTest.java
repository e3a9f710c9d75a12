package io.mlgate.iam.config;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.json.ConfigurationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** policies/organization.json: guardrails (SCPs, RCPs) for an organization of accounts. */
class OrganizationConfigurationTest {

    @TempDir
    Path dir;

    private static final String IRIS = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris";
    private static final String ANALYST = "arn:aws:iam::123456789012:user/demo-analyst";

    @BeforeEach
    void copyDemo() throws Exception {
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
        Files.writeString(dir.resolve("accounts.json"), """
                {"Accounts": [{"AccountId": "123456789012", "Alias": "mlgate-demo"},
                              {"AccountId": "999999999999", "Alias": "management"}]}""");
    }

    private void organization(String scps, String rcps) throws Exception {
        Files.writeString(dir.resolve("organization.json"), """
                {"Id": "o-abcdefghij", "ManagementAccountId": "999999999999",
                 "ServiceControlPolicies": [%s], "ResourceControlPolicies": [%s]}""".formatted(scps, rcps));
    }

    private Decision invokeAsAnalyst(IamConfiguration config) {
        PrincipalContext analyst = config.principalForUser(ANALYST).orElseThrow();
        AuthorizationRequest.Builder request = AuthorizationRequest.builder(analyst, "sagemaker:InvokeEndpoint", IRIS)
                .context(RequestContext.builder().put("aws:SecureTransport", "true").build())
                .resourceAccount("123456789012");
        config.resourceControlPolicies("123456789012").forEach(request::resourceControlPolicy);
        return new PolicyEvaluator().evaluate(request.build());
    }

    @Test
    void anScpAttachedToTheAccountDeniesAndItsAbsenceAllows() throws Exception {
        assertThat(invokeAsAnalyst(IamConfigurationLoader.load(dir)).isAllowed()).as("no organization").isTrue();
        organization("""
                {"Name": "NoInference", "Targets": ["123456789012"], "PolicyDocument": {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                               {"Effect": "Deny", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}}""", "");
        IamConfiguration config = IamConfigurationLoader.load(dir);
        Decision denied = invokeAsAnalyst(config);
        assertThat(denied.isAllowed()).isFalse();
        assertThat(denied.policyType().phrase()).isEqualTo("service control policy");
        assertThat(config.principalForUser(ANALYST).orElseThrow().orgId()).hasValue("o-abcdefghij");
    }

    @Test
    void theManagementAccountIsNeverRestricted() throws Exception {
        organization("""
                {"Name": "DenyAll", "Targets": ["*"], "PolicyDocument": {"Version": "2012-10-17",
                 "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}}""", "");
        Organization org = IamConfigurationLoader.load(dir).organization().orElseThrow();
        assertThat(org.serviceControlPolicies("999999999999")).isEmpty();
        assertThat(org.serviceControlPolicies("123456789012")).hasSize(1);
    }

    @Test
    void anRcpDeniesActionsOnResourcesOfTheAccountInTheServicesRcpsCover() throws Exception {
        String key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        String admin = "arn:aws:iam::123456789012:user/demo-admin";
        IamConfiguration without = IamConfigurationLoader.load(dir);
        assertThat(decide(without, admin, "kms:Decrypt", key).isAllowed()).as("no organization").isTrue();
        organization("", """
                {"Name": "SecurityTeamKeysOnly", "Targets": ["123456789012"], "PolicyDocument": {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Deny", "Principal": "*", "Action": ["kms:Decrypt", "sagemaker:*"],
                   "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "security"}}}]}}""");
        IamConfiguration with = IamConfigurationLoader.load(dir);
        Decision denied = decide(with, admin, "kms:Decrypt", key);
        assertThat(denied.isAllowed()).isFalse();
        assertThat(denied.policyType().phrase()).isEqualTo("resource control policy");
        // RCPs do not cover SageMaker (semantics reference §1, [EVAL, KMSRCP])
        assertThat(invokeAsAnalyst(with).isAllowed()).isTrue();
    }

    private static Decision decide(IamConfiguration config, String user, String action, String resource) {
        AuthorizationRequest.Builder request = AuthorizationRequest.builder(
                config.principalForUser(user).orElseThrow(), action, resource).resourceAccount("123456789012");
        config.resourceControlPolicies("123456789012").forEach(request::resourceControlPolicy);
        return new PolicyEvaluator().evaluate(request.build());
    }

    @Test
    void invalidOrganizationsAreRefusedWithTheirLocation() throws Exception {
        Files.writeString(dir.resolve("organization.json"), """
                {"Id": "org-1", "ManagementAccountId": "111111111111",
                 "ServiceControlPolicies": [{"Name": "x", "Targets": ["222222222222"],
                   "PolicyDocument": {"Statement": {"Effect": "Alow", "Action": "*", "Resource": "*"}}}]}""");
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> IamConfigurationLoader.load(dir));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("organization.json").contains("org-1").contains("111111111111")
                .contains("222222222222").contains("Alow");
    }
}
