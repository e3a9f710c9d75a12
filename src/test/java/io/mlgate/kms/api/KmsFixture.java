package io.mlgate.kms.api;

import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.kms.RootKey;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import tools.jackson.databind.JsonNode;

/** Test support: a KMS service over a temporary keys directory, a movable clock and a few principals. */
final class KmsFixture {

    static final String ACCOUNT = "111122223333";
    static final String OTHER_ACCOUNT = "444455556666";
    static final String REGION = "us-east-1";

    final Path keys;
    final RootKey root;
    final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    KmsKeyStore store;
    KmsService service;

    /** kms:* through IAM. */
    final PrincipalContext admin = user("admin", ACCOUNT,
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}");
    /** kms:* through IAM too. */
    final PrincipalContext alice = user("alice", ACCOUNT,
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}");
    /** No IAM permissions at all. */
    final PrincipalContext bob = user("bob", ACCOUNT, null);

    KmsFixture(Path keys) throws Exception {
        this.keys = keys;
        this.root = RootKey.loadOrCreate(keys);
        reopen();
    }

    void reopen() throws Exception {
        store = KmsKeyStore.open(keys, root);
        service = new KmsService(store, new PolicyEvaluator(), clock, REGION);
    }

    static PrincipalContext user(String name, String account, String policy) {
        String arn = "arn:aws:iam::" + account + ":user/" + name;
        PrincipalContext.Builder b = PrincipalContext.builder(arn, account, PrincipalType.USER)
                .userName(name).userId("AIDA" + name.toUpperCase());
        if (policy != null) {
            try {
                b.identityPolicy(IdentityPolicy.inline(name + "-policy", arn, PolicyParser.parse(policy, name)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return b.build();
    }

    /** Sends {@code json} as the SDK would, through target then invoke. */
    JsonNode call(String op, String json, PrincipalContext caller) throws JsonServiceException {
        JsonNode body = JsonBodies.read(json.getBytes(StandardCharsets.UTF_8));
        service.target(op, body, caller.accountId(), caller);
        return service.invoke(op, body, caller, RequestContext.builder().put("aws:SecureTransport", "true").build());
    }

    String createKey(String extraJson) throws JsonServiceException {
        JsonNode out = call("CreateKey", "{" + extraJson + "}", admin);
        return out.get("KeyMetadata").get("KeyId").asString();
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] unb64(JsonNode node) {
        return Base64.getDecoder().decode(node.asString());
    }

    static String arn(String keyId) {
        return "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + keyId;
    }

    static String keyPolicy(String statementsJson) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statementsJson + "]}";
    }

    static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A clock tests can move forward. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
