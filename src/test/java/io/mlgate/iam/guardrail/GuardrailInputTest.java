package io.mlgate.iam.guardrail;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardrailInputTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String IRIS = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris";

    static PrincipalContext analyst() {
        IdentityPolicy allow;
        try {
            allow = IdentityPolicy.inline("inline", "arn:aws:iam::123456789012:user/demo-analyst",
                PolicyParser.parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Invoke\","
                        + "\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}]}",
                        "inline"));
        } catch (io.mlgate.iam.policy.PolicyParseException e) {
            throw new IllegalStateException(e);
        }
        return PrincipalContext.builder("arn:aws:iam::123456789012:user/demo-analyst", "123456789012",
                        PrincipalType.USER).userName("demo-analyst").userId("AIDAEXAMPLE")
                .tag("team", "analytics").identityPolicy(allow).build();
    }

    static AuthorizationRequest request(RequestContext context) {
        return AuthorizationRequest.of(analyst(), "sagemaker:InvokeEndpoint", IRIS, context);
    }

    @Test
    void carriesTheRequestContextTheCallFactsAndTheIamDecision() {
        RequestContext context = RequestContext.builder().put("aws:SourceIp", "10.0.0.7")
                .put("mlgate:PiiDetected", "true").put("mlgate:PiiTypes", List.of("EMAIL", "PHONE"))
                .put("aws:ResourceTag/Stage", "experimental").put("aws:EpochTime", "1795005900").build();
        AuthorizationRequest request = request(context);
        Decision decision = new PolicyEvaluator().evaluate(request);
        JsonNode input = JSON.readTree(GuardrailInput.builder(request).iamDecision(decision)
                .endpoint("iris", "variant-b", null).payload(15, "text/csv").network("10.0.0.7", null, null)
                .build().json());

        assertThat(input.get("user").asString()).isEqualTo("demo-analyst");
        assertThat(input.at("/principal/arn").asString()).isEqualTo("arn:aws:iam::123456789012:user/demo-analyst");
        assertThat(input.at("/principal/type").asString()).isEqualTo("User");
        assertThat(input.at("/principal/tags/team").asString()).isEqualTo("analytics");
        assertThat(input.get("action").asString()).isEqualTo("sagemaker:InvokeEndpoint");
        assertThat(input.get("resource").asString()).isEqualTo(IRIS);
        assertThat(input.at("/resourceTags/stage").asString()).isEqualTo("experimental");
        assertThat(input.at("/context/mlgate:piidetected/0").asString()).isEqualTo("true");
        assertThat(input.at("/context/mlgate:piitypes").size()).isEqualTo(2);
        assertThat(input.at("/endpoint/name").asString()).isEqualTo("iris");
        assertThat(input.at("/endpoint/targetVariant").asString()).isEqualTo("variant-b");
        assertThat(input.at("/endpoint").has("targetModel")).as("absent facts are left out").isFalse();
        assertThat(input.at("/payload/bytes").asLong()).isEqualTo(15);
        assertThat(input.at("/payload/contentType").asString()).isEqualTo("text/csv");
        assertThat(input.at("/network/sourceIp").asString()).isEqualTo("10.0.0.7");
        assertThat(input.at("/iam/decision").asString()).isEqualTo("Allow");
        assertThat(input.at("/iam/statements/0").asString()).contains("Invoke");
        // 1795005900 = 2026-11-18T12:45:00Z, a Wednesday
        assertThat(input.at("/time/hourUtc").asInt()).isEqualTo(12);
        assertThat(input.at("/time/minuteUtc").asInt()).isEqualTo(45);
        assertThat(input.at("/time/weekdayUtc").asString()).isEqualTo("Wednesday");
    }

    @Test
    void isDeterministicWhateverTheOrderKeysWereAddedIn() {
        RequestContext a = RequestContext.builder().put("aws:SourceIp", "10.0.0.7").put("aws:SecureTransport", "true")
                .put("mlgate:PiiDetected", "false").build();
        RequestContext b = RequestContext.builder().put("mlgate:PiiDetected", "false").put("aws:SecureTransport", "true")
                .put("aws:SourceIp", "10.0.0.7").build();
        assertThat(GuardrailInput.builder(request(a)).build().json())
                .isEqualTo(GuardrailInput.builder(request(b)).build().json());
        RequestContext c = RequestContext.builder().put("aws:SourceIp", "10.0.0.8").put("aws:SecureTransport", "true")
                .put("mlgate:PiiDetected", "false").build();
        assertThat(GuardrailInput.builder(request(a)).build().json())
                .isNotEqualTo(GuardrailInput.builder(request(c)).build().json());
    }

    @Test
    void escapesEveryStringSoTheDocumentStaysValidJson() {
        String nasty = "quote\" back\\slash \n\t\u0001 \u2028 lone\uD800 emoji\uD83D\uDE00";
        RequestContext context = RequestContext.builder().put("aws:RequestTag/x", nasty).build();
        String json = GuardrailInput.builder(request(context)).endpoint(nasty, null, null).build().json();
        JsonNode input = JSON.readTree(json);
        assertThat(input.at("/endpoint/name").asString()).startsWith("quote\" back\\slash \n\t\u0001")
                .endsWith("emoji\uD83D\uDE00");
        assertThat(json).doesNotContain("\n").doesNotContain("\u0001");
        assertThat(json.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)).as("pure printable ASCII").isTrue();
        assertThat(input.at("/endpoint/name").asString()).contains("lone\uFFFD");
    }

    @Test
    void theEndpointNameComesFromAnEndpointArnOnlyWhenNotGiven() {
        assertThat(GuardrailInput.endpointFromArn(IRIS)).isEqualTo("iris");
        assertThat(GuardrailInput.endpointFromArn("arn:aws:sagemaker:us-east-1:123456789012:endpoint/*")).isNull();
        assertThat(GuardrailInput.endpointFromArn("arn:aws:sagemaker:us-east-1:123456789012:model/iris")).isNull();
        assertThat(GuardrailInput.endpointFromArn("arn:aws:kms:us-east-1:123456789012:key/x")).isNull();
        AuthorizationRequest other = AuthorizationRequest.of(analyst(), "kms:Decrypt",
                "arn:aws:kms:us-east-1:123456789012:key/x", RequestContext.empty());
        assertThat(JSON.readTree(GuardrailInput.builder(other).build().json()).has("endpoint")).isFalse();
        assertThat(JSON.readTree(GuardrailInput.builder(request(RequestContext.empty())).build().json())
                .at("/endpoint/name").asString()).isEqualTo("iris");
    }

    @Test
    void roleSessionsAreNamedByTheirSessionName() {
        PrincipalContext session = PrincipalContext.builder(
                "arn:aws:sts::123456789012:assumed-role/demo-inference/batch-42", "123456789012",
                PrincipalType.ASSUMED_ROLE).roleArn("arn:aws:iam::123456789012:role/demo-inference").build();
        JsonNode input = JSON.readTree(GuardrailInput.builder(AuthorizationRequest.of(session,
                "sagemaker:InvokeEndpoint", IRIS)).build().json());
        assertThat(input.get("user").asString()).isEqualTo("batch-42");
        assertThat(input.at("/principal/roleArn").asString()).isEqualTo("arn:aws:iam::123456789012:role/demo-inference");
        assertThat(input.has("iam")).isFalse();
        assertThat(input.has("time")).isFalse();
    }

    @Test
    void aReadyMadeInputMustBeAnObject() {
        assertThat(GuardrailInput.ofJson("{\"user\":\"alice\"}").json()).isEqualTo("{\"user\":\"alice\"}");
        assertThatThrownBy(() -> GuardrailInput.ofJson("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GuardrailInput.ofJson(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
