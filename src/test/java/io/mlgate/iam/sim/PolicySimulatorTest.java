package io.mlgate.iam.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.mlgate.iam.json.ConfigurationProblem;

class PolicySimulatorTest {

    static final String INVOKE_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"Invoke\",\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}}";
    static final String USER = "{\"type\":\"User\",\"arn\":\"arn:aws:iam::111122223333:user/alice\",\"account\":\"111122223333\",\"username\":\"alice\"}";
    static final String RES = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/iris";

    private final PolicySimulator simulator = new PolicySimulator();

    static String input(String policies, String principal, String extraRequest) {
        return "{\"policies\":" + policies + ",\"request\":{\"principal\":" + principal
                + ",\"action\":\"sagemaker:InvokeEndpoint\",\"resource\":\"" + RES + "\"" + extraRequest + "}}";
    }

    SimulationResult one(String text) throws SimulationInputException {
        List<SimulationResult> r = simulator.simulate(text, "in.json");
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    @Test
    void allowReportsTheStatementAsJson() throws Exception {
        SimulationResult r = one(input("{\"identity\":[" + INVOKE_ALL + "]}", USER, ""));
        assertThat(r.decision()).isEqualTo("Allow");
        assertThat(r.matchedStatements()).containsExactly(new MatchedStatement("identity", "identity[0]", 0, "Invoke", "Allow"));
        assertThat(r.toJson()).startsWith("{\"decision\":\"Allow\",\"matchedStatements\":[{\"policyType\":\"identity\",\"policy\":\"identity[0]\",\"statementIndex\":0,\"sid\":\"Invoke\",\"effect\":\"Allow\"}],\"explanation\":\"")
                .doesNotContain("\n");
    }

    @Test
    void implicitDenyUsesAwsWording() throws Exception {
        SimulationResult r = one(input("{\"identity\":[]}", USER, ""));
        assertThat(r.decision()).isEqualTo("ImplicitDeny");
        assertThat(r.matchedStatements()).isEmpty();
        assertThat(r.explanation()).endsWith("because no identity-based policy allows the sagemaker:InvokeEndpoint action");
    }

    @Test
    void explicitDenyInScpNamesIt() throws Exception {
        String scp = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"sagemaker:*\",\"Resource\":\"*\"}}";
        SimulationResult r = one(input("{\"identity\":[" + INVOKE_ALL + "],\"scp\":[" + scp + "]}", USER, ""));
        assertThat(r.decision()).isEqualTo("ExplicitDeny");
        assertThat(r.matchedStatements()).containsExactly(new MatchedStatement("scp", "scp[0]", 0, null, "Deny"));
        assertThat(r.explanation()).contains("with an explicit deny in a service control policy");
        assertThat(r.toJson()).doesNotContain("\"sid\"");
    }

    @Test
    void arrayAndJsonLinesGiveOneResultPerInputInOrder() throws Exception {
        String allow = input("{\"identity\":[" + INVOKE_ALL + "]}", USER, "");
        String deny = input("{\"identity\":[]}", USER, "");
        assertThat(simulator.simulate("[" + allow + ",\n" + deny + "]", "a.json")).extracting(SimulationResult::decision)
                .containsExactly("Allow", "ImplicitDeny");
        assertThat(simulator.simulate(deny + "\n\n" + allow + "\n" + deny + "\n", "a.jsonl")).extracting(SimulationResult::decision)
                .containsExactly("ImplicitDeny", "Allow", "ImplicitDeny");
        // a pretty-printed single object is one input, not JSON Lines
        assertThat(simulator.simulate(allow.replace(",\"request\"", ",\n\"request\""), "p.json")).hasSize(1);
    }

    @Test
    void policyWithoutVersionTreatsVariablesAsLiterals_VER_VARS() throws Exception {
        String withVar = "\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"arn:aws:sagemaker:us-east-1:111122223333:endpoint/${aws:username}\"}}";
        String alice = USER.replace("alice\"}", "alice\"}");
        String res = ",\"resource\":\"arn:aws:sagemaker:us-east-1:111122223333:endpoint/alice\"";
        String current = "{\"policies\":{\"identity\":[{\"Version\":\"2012-10-17\"," + withVar + "]},\"request\":{\"principal\":" + alice
                + ",\"action\":\"sagemaker:InvokeEndpoint\"" + res + "}}";
        assertThat(one(current).decision()).isEqualTo("Allow");
        String old = "{\"policies\":{\"identity\":[{" + withVar + "]},\"request\":{\"principal\":" + alice
                + ",\"action\":\"sagemaker:InvokeEndpoint\"" + res + "}}";
        assertThat(one(old).decision()).isEqualTo("ImplicitDeny");
    }

    @Test
    void contextWinsOverPrincipalDerivedKeys() throws Exception {
        String byTag = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/team\":\"ml\"}}}}";
        String tagged = USER.replace("}", ",\"tags\":{\"team\":\"ops\"}}");
        assertThat(one(input("{\"identity\":[" + byTag + "]}", tagged, "")).decision()).isEqualTo("ImplicitDeny");
        assertThat(one(input("{\"identity\":[" + byTag + "]}", tagged, ",\"context\":{\"aws:PrincipalTag/Team\":\"ml\"}")).decision()).isEqualTo("Allow");
    }

    @Test
    void assumedRolePrincipalArnIsTheRoleAndSessionArnIsDerived() throws Exception {
        String cond = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\",\"Condition\":{\"ArnEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/runner\"}}}}";
        String session = "{\"type\":\"AssumedRole\",\"account\":\"111122223333\",\"roleArn\":\"arn:aws:iam::111122223333:role/runner\",\"sessionName\":\"s1\"}";
        SimulationResult ok = one(input("{\"identity\":[" + cond + "]}", session, ""));
        assertThat(ok.decision()).isEqualTo("Allow");
        SimulationResult denied = one(input("{\"identity\":[]}", session, ""));
        assertThat(denied.explanation()).startsWith("User: arn:aws:sts::111122223333:assumed-role/runner/s1 is not authorized");
    }

    @Test
    void crossAccountComesFromTheResourceArn_XACCT() throws Exception {
        String other = ",\"resource\":\"arn:aws:sagemaker:us-east-1:444455556666:endpoint/iris\"";
        String text = "{\"policies\":{\"identity\":[" + INVOKE_ALL + "]},\"request\":{\"principal\":" + USER
                + ",\"action\":\"sagemaker:InvokeEndpoint\"" + other + "}}";
        SimulationResult r = one(text);
        assertThat(r.decision()).isEqualTo("ImplicitDeny");
        assertThat(r.explanation()).contains("because no resource-based policy allows");
        String rp = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}}";
        String withPolicy = text.replace("\"identity\":[" + INVOKE_ALL + "]", "\"identity\":[" + INVOKE_ALL + "],\"resource\":" + rp);
        SimulationResult both = one(withPolicy);
        assertThat(both.decision()).isEqualTo("Allow");
        assertThat(both.matchedStatements()).extracting(MatchedStatement::policyType).containsExactly("identity", "resource");
    }

    @Test
    void trustPolicyTypeIsParsedAsTrustPolicy_ROLES() throws Exception {
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"accounts.google.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\"}}";
        String web = "{\"type\":\"WebIdentity\",\"provider\":\"accounts.google.com\"}";
        String text = "{\"policies\":{\"identity\":[],\"resource\":" + trust + "},\"request\":{\"principal\":" + web
                + ",\"action\":\"sts:AssumeRoleWithWebIdentity\",\"resource\":\"arn:aws:iam::111122223333:role/web\",\"resourcePolicyType\":\"role-trust-policy\"}}";
        assertThat(one(text).decision()).isEqualTo("Allow");
        assertThat(one(text.replace("\"provider\":\"accounts.google.com\"", "\"provider\":\"graph.facebook.com\"")).decision()).isEqualTo("ImplicitDeny");
    }

    @Test
    void invalidInputNamesFieldLineAndColumn() {
        String text = "{\"policies\": {\"identity\": []},\n \"request\": {\"principal\": " + USER + ",\n  \"acton\": \"x\", \"resource\": \"" + RES + "\"}}";
        assertThatThrownBy(() -> simulator.simulate(text, "bad.json"))
                .isInstanceOfSatisfying(SimulationInputException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigurationProblem::toString)
                            .anyMatch(s -> s.startsWith("bad.json:3:3: unknown field 'acton' in request"))
                            .anyMatch(s -> s.contains("request.action is required"));
                });
    }

    @Test
    void invalidValuesAreReported() {
        assertThatThrownBy(() -> simulator.simulate(input("{\"identity\":[]}", USER.replace("\"User\"", "\"Robot\""), ""), "t.json"))
                .hasMessageContaining("request.principal.type must be one of");
        assertThatThrownBy(() -> simulator.simulate(input("{}", USER, ""), "t.json"))
                .hasMessageContaining("policies.identity is required");
        assertThatThrownBy(() -> simulator.simulate(input("{\"identity\":[]}", USER, ",\"resourcePolicyType\":\"bucket\""), "t.json"))
                .hasMessageContaining("request.resourcePolicyType must be");
        assertThatThrownBy(() -> simulator.simulate(input("{\"identity\":[{\"Statement\":{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}]}", USER, ""), "t.json"))
                .hasMessageContaining("policies.identity[0]: bad Effect 'allow'");
        assertThatThrownBy(() -> simulator.simulate(input("{\"identity\":[],\"resource\":{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}}", USER, ""), "t.json"))
                .hasMessageContaining("policies.resource: resource-based policy statement needs a Principal");
        assertThatThrownBy(() -> simulator.simulate(input("{\"identity\":[]}", USER, ",\"context\":{\"aws:SourceIp\":{\"a\":1}}"), "t.json"))
                .hasMessageContaining("request.context.aws:SourceIp must be a string or an array of strings");
    }

    @Test
    void malformedJsonLineIsReportedAtItsLine() {
        String good = input("{\"identity\":[]}", USER, "");
        assertThatThrownBy(() -> simulator.simulate(good + "\n" + good + "\n{\"policies\": oops}\n", "l.jsonl"))
                .isInstanceOfSatisfying(SimulationInputException.class, e ->
                        assertThat(e.problems()).singleElement().satisfies(p -> {
                            assertThat(p.position().line()).isEqualTo(3);
                            assertThat(p.message()).startsWith("malformed JSON");
                        }));
    }

    @Test
    void emptyInputIsInvalid() {
        assertThatThrownBy(() -> simulator.simulate("  \n", "e.json")).isInstanceOf(SimulationInputException.class)
                .hasMessageContaining("no input");
    }
}
