package io.mlgate.gateway.console;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code mlgate.console.*}: defaults, the OIDC block's checks, and the {@code config.json} made from them. */
class ConsolePropertiesTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/ConsoleUsers";

    @Test
    void defaultsAreEnabledWithoutOidc() throws Exception {
        ConsoleProperties p = new ConsoleProperties(null, null, null);
        assertThat(p.assets()).isEqualTo(ConsoleConfiguration.FOLDER);
        assertThat(new ConsoleProperties(null, null, "console-fixture").assets()).isEqualTo("console-fixture");
        assertThatThrownBy(() -> new ConsoleProperties(null, null, "../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThat(p.enabled()).isTrue();
        assertThat(p.oidc()).isNull();
        assertThat(new ConsoleProperties(null, new ConsoleProperties.Oidc(null, " ", null, null, null, null), null).oidc())
                .as("nothing set is no OIDC").isNull();
        JsonNode config = JsonMapper.builder().build().readTree(ConsoleConfiguration.configJson(p, "us-east-1",
                "123456789012"));
        assertThat(config.toString()).isEqualTo("{\"region\":\"us-east-1\",\"accountId\":\"123456789012\","
                + "\"oidc\":null}");
    }

    @Test
    void aCompleteOidcBlockGoesIntoConfigJson() throws Exception {
        ConsoleProperties p = new ConsoleProperties(true, new ConsoleProperties.Oidc("https://idp.example.com",
                "mlgate-console", "https://idp.example.com/authorize", "http://localhost:8080/token", ROLE, null), null);
        JsonNode oidc = JsonMapper.builder().build().readTree(ConsoleConfiguration.configJson(p, "eu-west-1",
                "123456789012")).path("oidc");
        assertThat(oidc.path("issuer").asString()).isEqualTo("https://idp.example.com");
        assertThat(oidc.path("clientId").asString()).isEqualTo("mlgate-console");
        assertThat(oidc.path("authorizationEndpoint").asString()).isEqualTo("https://idp.example.com/authorize");
        assertThat(oidc.path("tokenEndpoint").asString()).isEqualTo("http://localhost:8080/token");
        assertThat(oidc.path("roleArn").asString()).isEqualTo(ROLE);
        assertThat(oidc.path("scopes").asString()).isEqualTo("openid");
    }

    @Test
    void anIncompleteOrUnsafeOidcBlockStopsTheStart() {
        assertThatThrownBy(() -> new ConsoleProperties(true, new ConsoleProperties.Oidc("https://idp.example.com",
                null, null, null, null, null), null)).hasMessageContaining("client-id");
        assertThatThrownBy(() -> new ConsoleProperties(true, new ConsoleProperties.Oidc("http://idp.example.com",
                "c", "https://idp.example.com/a", "https://idp.example.com/t", ROLE, null), null))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> new ConsoleProperties(true, new ConsoleProperties.Oidc("https://idp.example.com",
                "c", "https://idp.example.com/a", "https://idp.example.com/t", "arn:aws:iam::123456789012:user/x",
                null), null)).hasMessageContaining("role");
    }
}
