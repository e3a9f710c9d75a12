package io.mlgate.runtime;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.validate.ValidatedConfiguration;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The execution role's session principal, built from the IAM configuration without issuing credentials. */
class ExecutionRoleTest {

    @Test
    void buildsTheRoleSessionPrincipalWithTheRolesPoliciesAndTags() throws Exception {
        IamConfiguration iam = ValidatedConfiguration.load(Path.of("policies")).configuration();
        ExecutionRole role = new ExecutionRole("arn:aws:iam::123456789012:role/service/demo-inference", () -> iam);
        PrincipalContext p = role.principal();
        assertThat(p.arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/demo-inference/mlgate-runtime");
        assertThat(p.type()).isEqualTo(PrincipalType.ASSUMED_ROLE);
        assertThat(p.roleArn()).contains("arn:aws:iam::123456789012:role/service/demo-inference");
        assertThat(p.userId().orElseThrow()).startsWith("AROA").endsWith(":mlgate-runtime");
        assertThat(p.tags()).containsEntry("team", "platform");
        assertThat(p.identityPolicies()).extracting(x -> x.name()).anySatisfy(s ->
                assertThat(s).contains("DecryptIrisModel"));
    }

    @Test
    void aRoleThatNoLongerExistsHasNoPolicies() {
        ExecutionRole role = new ExecutionRole("arn:aws:iam::123456789012:role/gone", IamConfiguration::empty);
        assertThat(role.principal().identityPolicies()).isEmpty();
        assertThatThrownBy(() -> new ExecutionRole("arn:aws:iam::123456789012:user/alice", IamConfiguration::empty))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
