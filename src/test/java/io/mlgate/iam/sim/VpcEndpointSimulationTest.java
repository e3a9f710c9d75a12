package io.mlgate.iam.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code ./mlgate policy simulate} with a VPC endpoint policy ({@code vpce}) and the keys of a call through it. */
class VpcEndpointSimulationTest {

    private final PolicySimulator simulator = new PolicySimulator();

    private static final String BOB_ONLY = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"Bob\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/bob\"},\"Action\":\"*\",\"Resource\":\"*\"}}";
    private static final String ONLY_VIA_VPCE = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
            + "\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\","
            + "\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}}}";
    private static final String VIA_VPCE = ",\"context\":{\"aws:SourceVpce\":\"vpce-1\",\"aws:SourceVpc\":\"vpc-1\",\"aws:VpcSourceIp\":\"10.1.2.20\"}";

    private SimulationResult one(String policies, String extra) throws Exception {
        return simulator.simulate(PolicySimulatorTest.input(policies, PolicySimulatorTest.USER, extra), "in.json").get(0);
    }

    @Test
    void theEndpointPolicyStopsAPrincipalItDoesNotName() throws Exception {
        SimulationResult r = one("{\"identity\":[" + PolicySimulatorTest.INVOKE_ALL + "],\"vpce\":" + BOB_ONLY + "}", "");
        assertThat(r.decision()).isEqualTo("ImplicitDeny");
        assertThat(r.explanation()).endsWith("because no VPC endpoint policy allows the sagemaker:InvokeEndpoint action");
        String aliceToo = BOB_ONLY.replace("\"arn:aws:iam::111122223333:user/bob\"",
                "[\"arn:aws:iam::111122223333:user/bob\",\"arn:aws:iam::111122223333:user/alice\"]");
        assertThat(one("{\"identity\":[" + PolicySimulatorTest.INVOKE_ALL + "],\"vpce\":" + aliceToo + "}", "").decision())
                .isEqualTo("Allow");
    }

    @Test
    void sourceVpceInTheContextMeetsItsCondition() throws Exception {
        assertThat(one("{\"identity\":[" + ONLY_VIA_VPCE + "]}", VIA_VPCE).decision()).isEqualTo("Allow");
        assertThat(one("{\"identity\":[" + ONLY_VIA_VPCE + "]}", ",\"context\":{\"aws:SourceIp\":\"203.0.113.10\"}")
                .decision()).isEqualTo("ImplicitDeny");
    }

    @Test
    void anEndpointPolicyNeedsAPrincipal() {
        assertThatThrownBy(() -> one("{\"identity\":[],\"vpce\":" + PolicySimulatorTest.INVOKE_ALL + "}", ""))
                .isInstanceOf(SimulationInputException.class).hasMessageContaining("Principal");
    }
}
