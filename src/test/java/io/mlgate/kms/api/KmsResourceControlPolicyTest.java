package io.mlgate.kms.api;

import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.protocol.json.JsonServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The organization's resource control policies apply to every call on a key of the account. */
class KmsResourceControlPolicyTest {

    @TempDir
    Path keys;

    @Test
    void anRcpDenyOverridesTheKeyPolicyAndIamAndOtherAccountsAreUnaffected() throws Exception {
        KmsFixture f = new KmsFixture(keys);
        String keyId = f.createKey("");
        f.call("Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"aGk=\"}", f.alice);

        IdentityPolicy rcp = IdentityPolicy.managed("NoEncryptByAlice", "arn:aws:organizations::1:policy/rcp",
                "arn:aws:organizations::1:policy/rcp", PolicyParser.parse("{\"Version\":\"2012-10-17\",\"Statement\":"
                        + "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Encrypt\",\"Resource\":\"*\","
                        + "\"Condition\":{\"StringEquals\":{\"aws:username\":\"alice\"}}}}", "rcp", PolicyKind.RESOURCE));
        f.service = new KmsService(f.store, new PolicyEvaluator(), f.clock, KmsFixture.REGION,
                account -> account.equals(KmsFixture.ACCOUNT) ? List.of(rcp) : List.of());

        assertThatThrownBy(() -> f.call("Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"aGk=\"}", f.alice))
                .isInstanceOf(JsonServiceException.class)
                .satisfies(e -> {
                    assertThat(((JsonServiceException) e).code()).isEqualTo("AccessDeniedException");
                    assertThat(e.getMessage()).contains("resource control policy");
                });
        // the admin is not named by the RCP's condition
        assertThat(f.call("Encrypt", "{\"KeyId\":\"" + keyId + "\",\"Plaintext\":\"aGk=\"}", f.admin)
                .path("CiphertextBlob").asString()).isNotEmpty();
    }
}
