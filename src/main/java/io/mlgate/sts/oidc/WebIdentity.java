package io.mlgate.sts.oidc;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A validated web identity token: the provider that issued it (issuer URL, condition-key prefix such as
 * {@code token.actions.githubusercontent.com}), its subject, the client id it was accepted for, when it was issued,
 * and the provider condition keys it supplies ({@code <prefix>:sub}, {@code :aud}, {@code :amr}, {@code :oaud}).
 */
public record WebIdentity(String issuer, String keyPrefix, String subject, String audience, Instant issuedAt,
                          Map<String, List<String>> conditionKeys) {

    public WebIdentity {
        conditionKeys = Map.copyOf(conditionKeys);
    }

    /** The provider's ARN in an account: {@code arn:aws:iam::ACCOUNT:oidc-provider/<prefix>}. */
    public String providerArn(String accountId) {
        return "arn:aws:iam::" + accountId + ":oidc-provider/" + keyPrefix;
    }
}
