package io.mlgate.protocol.json;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonProtocolTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bodiesAreOneObjectParsedStrictly() throws Exception {
        JsonNode node = JsonBodies.read(bytes("{\"KeyId\":\"alias/x\",\"NumberOfBytes\":32}"));
        assertThat(node.path("KeyId").asString()).isEqualTo("alias/x");
        assertThat(JsonBodies.read(new byte[0]).isObject()).isTrue();
        assertThat(new String(JsonBodies.write(node), StandardCharsets.UTF_8))
                .isEqualTo("{\"KeyId\":\"alias/x\",\"NumberOfBytes\":32}");
    }

    @Test
    void malformedDuplicatedOrNonObjectBodiesAreSerializationExceptions() {
        for (String bad : List.of("{\"a\":1,\"a\":2}", "{\"a\":", "[1,2]", "\"text\"", "{\"a\":1} trailing",
                "{\"secret-value\" 1}")) {
            assertThatThrownBy(() -> JsonBodies.read(bytes(bad))).as(bad)
                    .isInstanceOf(JsonServiceException.class)
                    .satisfies(e -> {
                        assertThat(((JsonServiceException) e).code()).isEqualTo("SerializationException");
                        assertThat(e.getMessage()).doesNotContain("secret-value");
                    });
        }
    }

    @Test
    void theRouterSplitsTargetIntoServiceAndOperation() {
        JsonService kms = new Fake(JsonApi.KMS, Set.of("Encrypt", "Decrypt"));
        JsonRouter router = new JsonRouter(List.of(kms, new Fake(JsonApi.SAGEMAKER, Set.of("ListEndpoints"))));
        assertThat(router.route("TrentService.Encrypt")).isEqualTo(new JsonRouter.Route(kms, "Encrypt"));
        assertThat(router.route("SageMaker.ListEndpoints").operation()).isEqualTo("ListEndpoints");
        assertThat(router.route("TrentService.Unknown")).isNull();
        assertThat(router.route("Other.Encrypt")).isNull();
        assertThat(router.route(null)).isNull();
    }

    @Test
    void servicesSharingAPrefixSplitItsOperations() {
        JsonService hosting = new Fake(JsonApi.SAGEMAKER, Set.of("ListEndpoints"));
        JsonService transform = new Fake(JsonApi.SAGEMAKER, Set.of("ListTransformJobs"));
        JsonRouter router = new JsonRouter(List.of(hosting, transform));
        assertThat(router.route("SageMaker.ListEndpoints")).isEqualTo(new JsonRouter.Route(hosting, "ListEndpoints"));
        assertThat(router.route("SageMaker.ListTransformJobs"))
                .isEqualTo(new JsonRouter.Route(transform, "ListTransformJobs"));
        assertThat(router.route("SageMaker.ListTrainingJobs")).isNull();
    }

    @Test
    void errorsCarryAnErrorStatus() {
        assertThat(JsonServiceException.validation("x").status()).isEqualTo(400);
        assertThatThrownBy(() -> new JsonServiceException("X", 200, "no")).isInstanceOf(IllegalArgumentException.class);
    }

    private record Fake(JsonApi api, Set<String> operations) implements JsonService {
        public JsonTarget target(String op, JsonNode body, String account, PrincipalContext caller) {
            return new JsonTarget("x:" + op, "*", null, true, null);
        }
        public JsonNode invoke(String op, JsonNode body, PrincipalContext caller, RequestContext context) {
            return JsonBodies.object();
        }
    }
}
