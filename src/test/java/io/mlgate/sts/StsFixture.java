package io.mlgate.sts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.kms.RootKey;
import io.mlgate.sts.mfa.VirtualMfaDevices;
import io.mlgate.sts.oidc.OidcProviders;
import io.mlgate.sts.oidc.WebIdentityTokenValidator;

/** A policies/ tree with users, roles and an OIDC provider, and an STS service over it, for tests. */
final class StsFixture {

    static final String ACCT = "123456789012";
    static final String ALICE = "arn:aws:iam::123456789012:user/alice";
    static final String BOB = "arn:aws:iam::123456789012:user/bob";
    static final String DEMO = "arn:aws:iam::123456789012:role/demo";
    static final String CHAIN = "arn:aws:iam::123456789012:role/chain";
    static final String MFA_ROLE = "arn:aws:iam::123456789012:role/mfa-role";
    static final String WEB = "arn:aws:iam::123456789012:role/web";

    final MutableClock clock;
    final IamConfiguration config;
    final RootKey root;
    final SessionTokens tokens;
    final SessionPrincipals sessions;
    final VirtualMfaDevices mfa;
    final StsQueryService sts;
    final OidcProviders providers;

    StsFixture(Path dir, Instant now) throws Exception {
        clock = new MutableClock(now);
        Path policies = Files.createDirectories(dir.resolve("policies"));
        Path keys = dir.resolve("keys");
        write(policies, "accounts.json", "{\"Accounts\":[{\"AccountId\":\"" + ACCT + "\"}]}");
        write(policies, "users/alice.json", "{\"Account\":\"" + ACCT + "\",\"UserName\":\"alice\",\"Tags\":{\"team\":\"ml\"}}");
        write(policies, "users/bob.json", "{\"Account\":\"" + ACCT + "\",\"UserName\":\"bob\",\"InlinePolicies\":{\"sts\":"
                + "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sts:AssumeRole\","
                + "\"sts:GetFederationToken\",\"sagemaker:InvokeEndpoint\"],\"Resource\":\"*\"}]}}}");
        write(policies, "managed-policies/invoke.json", "{\"Account\":\"" + ACCT + "\",\"PolicyName\":\"Invoke\","
                + "\"PolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}]}}");
        String invokeAll = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sagemaker:*\","
                + "\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":\"sts:*\",\"Resource\":\"*\"}]}";
        write(policies, "roles/demo.json", "{\"Account\":\"" + ACCT + "\",\"RoleName\":\"demo\",\"MaxSessionDuration\":7200,"
                + "\"Tags\":{\"team\":\"platform\"},\"InlinePolicies\":{\"all\":" + invokeAll + "},"
                + "\"AssumeRolePolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ALICE + "\"},\"Action\":\"sts:AssumeRole\","
                + "\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"ext-1\"}}},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ALICE + "\"},\"Action\":\"sts:TagSession\","
                + "\"Condition\":{\"StringEquals\":{\"aws:RequestTag/project\":\"ml\"}}},"
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ALICE + "\"},\"Action\":\"sts:SetSourceIdentity\","
                + "\"Condition\":{\"StringLike\":{\"sts:SourceIdentity\":\"alice*\"}}}]}}");
        write(policies, "roles/chain.json", "{\"Account\":\"" + ACCT + "\",\"RoleName\":\"chain\",\"MaxSessionDuration\":43200,"
                + "\"Tags\":{\"project\":\"other\"},"
                + "\"AssumeRolePolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + DEMO + "\"},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],"
                + "\"Condition\":{\"StringEquals\":{\"aws:ResourceTag/project\":\"ml\"}}}]}}");
        write(policies, "roles/mfa-role.json", "{\"Account\":\"" + ACCT + "\",\"RoleName\":\"mfa-role\","
                + "\"AssumeRolePolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + ACCT + ":root\"},\"Action\":\"sts:AssumeRole\","
                + "\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}}");
        write(policies, "roles/web.json", "{\"Account\":\"" + ACCT + "\",\"RoleName\":\"web\","
                + "\"InlinePolicies\":{\"all\":" + invokeAll + "},"
                + "\"AssumeRolePolicyDocument\":{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::" + ACCT
                + ":oidc-provider/idp.example.com\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\","
                + "\"Condition\":{\"StringEquals\":{\"idp.example.com:sub\":\"repo:x\",\"idp.example.com:aud\":\"gateway\"}}}]}}");
        io.mlgate.sts.oidc.WebIdentityTokenValidatorTestSupport.writeProvider(policies, ACCT);
        config = IamConfigurationLoader.load(policies);
        providers = OidcProviders.load(policies);
        root = RootKey.loadOrCreate(keys);
        tokens = new SessionTokens(SessionTokenKeys.loadOrCreate(keys, root, clock, Duration.ofHours(24)));
        sessions = new SessionPrincipals(() -> config);
        mfa = VirtualMfaDevices.open(keys, root, clock, "mlgate");
        sts = new StsQueryService(() -> config, tokens, sessions, mfa,
                new WebIdentityTokenValidator(() -> providers, clock), new PolicyEvaluator(), clock);
    }

    PrincipalContext user(String arn) {
        return config.principalForUser(arn).orElseThrow();
    }

    private static void write(Path policies, String name, String json) throws Exception {
        Path f = policies.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, json);
    }
}
