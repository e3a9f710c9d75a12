package io.mlgate.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TemporaryCredentialsTest {

    private static final String ANSWER = """
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo-inference/bench-1</Arn></AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>ASIAEXAMPLE0001</AccessKeyId>
                  <SecretAccessKey>s3cr&amp;t/EXAMPLE</SecretAccessKey>
                  <SessionToken>TOKENEXAMPLE==</SessionToken>
                  <Expiration>2026-01-01T00:15:00Z</Expiration>
                </Credentials>
              </AssumeRoleResult>
            </AssumeRoleResponse>
            """;

    @Test
    void readsTheThreeValuesAndHidesTheSecrets() {
        TemporaryCredentials c = TemporaryCredentials.fromStsResponse(ANSWER).orElseThrow();
        assertThat(c.accessKeyId()).isEqualTo("ASIAEXAMPLE0001");
        assertThat(c.secretAccessKey()).containsExactly("s3cr&t/EXAMPLE".toCharArray());
        assertThat(c.sessionToken()).isEqualTo("TOKENEXAMPLE==");
        assertThat(c.toString()).contains("ASIAEXAMPLE0001").doesNotContain("s3cr").doesNotContain("TOKENEXAMPLE");
    }

    @Test
    void anErrorOrAMissingTokenGivesNothing() {
        assertThat(TemporaryCredentials.fromStsResponse(
                "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>")).isEmpty();
        assertThat(TemporaryCredentials.fromStsResponse(ANSWER.replace("<SessionToken>TOKENEXAMPLE==</SessionToken>", "")))
                .isEmpty();
    }
}
