package io.mlgate.iam.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryTarget;

/** What the simulation calls act on (for authorization) and what their audit records may show. */
class SimulationTargetTest {

    private final SimulationQueryService service = new SimulationQueryService(IamConfiguration::empty);

    @Test
    void serviceSpeaksIamQuery() {
        assertThat(service.signingName()).isEqualTo("iam");
        assertThat(service.apiVersion()).isEqualTo("2010-05-08");
        assertThat(service.xmlNamespace()).isEqualTo("https://iam.amazonaws.com/doc/2010-05-08/");
        assertThat(service.eventSource()).isEqualTo("iam.amazonaws.com");
        assertThat(service.operations()).containsExactlyInAnyOrder("SimulateCustomPolicy", "SimulatePrincipalPolicy");
    }

    @Test
    void customPolicyActsOnEverythingAndAuditsNoPolicyTextOrContextValue() throws Exception {
        WireForm form = WireForm.custom().list("PolicyInputList", SimulateCustomPolicyWireTest.ALLOW_INVOKE,
                        SimulateCustomPolicyWireTest.DENY_SAGEMAKER)
                .list("ActionNames", "sagemaker:InvokeEndpoint").context("aws:SourceIp", "ip", "203.0.113.77")
                .add("CallerArn", SimulateCustomPolicyWireTest.ALICE);
        QueryTarget t = service.target(form.operation(), form.parameters(), "111122223333", WireForm.CALLER);
        assertThat(t.action()).isEqualTo("iam:SimulateCustomPolicy");
        assertThat(t.resourceArn()).isEqualTo("*");
        assertThat(t.readOnly()).isTrue();
        Map<String, Object> audit = t.requestParameters();
        assertThat(audit.get("policyInputList")).isEqualTo(Map.of("count", 2, "totalLength",
                (long) (SimulateCustomPolicyWireTest.ALLOW_INVOKE.length() + SimulateCustomPolicyWireTest.DENY_SAGEMAKER.length())));
        assertThat(audit.get("actionNames")).isEqualTo(List.of("sagemaker:InvokeEndpoint"));
        assertThat(audit.get("contextEntries")).isEqualTo(List.of(Map.of("contextKeyName", "aws:SourceIp",
                "contextKeyType", "ip", "valueCount", 1)));
        assertThat(audit.toString()).doesNotContain("Statement").doesNotContain("203.0.113.77");
    }

    @Test
    void principalPolicyActsOnThePolicySource() throws Exception {
        WireForm form = WireForm.principal(SimulatePrincipalPolicyWireTest.RUNNER).list("ActionNames", "s3:GetObject")
                .add("ResourcePolicy", "{\"Statement\":[]}");
        QueryTarget t = service.target(form.operation(), form.parameters(), "111122223333", WireForm.CALLER);
        assertThat(t.action()).isEqualTo("iam:SimulatePrincipalPolicy");
        assertThat(t.resourceArn()).isEqualTo(SimulatePrincipalPolicyWireTest.RUNNER);
        assertThat(t.resourceType()).isEqualTo("AWS::IAM::Role");
        assertThat(t.readOnly()).isTrue();
        assertThat(t.requestParameters().get("resourcePolicy")).isEqualTo(Map.of("length", 16));
    }

    @Test
    void principalPolicyTargetNeedsAValidSource() throws Exception {
        QueryException missing = catchThrowableOfType(QueryException.class, () -> service.target("SimulatePrincipalPolicy",
                WireForm.custom().list("ActionNames", "s3:GetObject").parameters(), "111122223333", WireForm.CALLER));
        assertThat(missing.code()).isEqualTo("ValidationError");
        WireForm bad = WireForm.principal("arn:aws:s3:::bucket-name-long").list("ActionNames", "s3:GetObject");
        QueryException invalid = catchThrowableOfType(QueryException.class,
                () -> service.target(bad.operation(), bad.parameters(), "111122223333", WireForm.CALLER));
        assertThat(invalid.code()).isEqualTo("InvalidInput");
    }
}
