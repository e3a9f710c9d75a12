package io.mlgate.cluster.node;

import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.api.KmsDataKeys;
import io.mlgate.kms.api.KmsKeyStore;
import io.mlgate.kms.api.KmsService;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.runtime.DemoEndpoints;
import io.mlgate.runtime.UploadedModels;
import io.mlgate.runtime.store.ModelStore;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;

/**
 * Test support: a real in-process KMS (keys under a temporary folder), an admin who creates keys and grants, and the
 * iris model uploaded as an artifact under a KMS key exactly as {@code mlgate model upload} writes it.
 */
final class ClusterKms {

    static final String ACCOUNT = "123456789012";
    static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/node-role";
    static final String MODEL = "iris-node";

    final KmsService kms;
    final PrincipalContext admin;
    final String keyId;
    final byte[] irisArtifact;

    ClusterKms(Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        Files.createDirectories(keys);
        RootKey root = RootKey.loadOrCreate(keys);
        kms = new KmsService(KmsKeyStore.open(keys, root), new PolicyEvaluator(), Clock.systemUTC(), "us-east-1");
        String arn = "arn:aws:iam::" + ACCOUNT + ":user/admin";
        admin = PrincipalContext.builder(arn, ACCOUNT, PrincipalType.USER).userName("admin").userId("AIDAADMIN")
                .identityPolicy(IdentityPolicy.inline("admin", arn, PolicyParser.parse("{\"Version\":\"2012-10-17\","
                        + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}", "admin")))
                .build();
        keyId = call("CreateKey", "{}", admin).get("KeyMetadata").get("KeyId").asString();
        UploadedModels uploads = new UploadedModels(new ModelStore(dir.resolve("data")));
        byte[] onnx = DemoEndpoints.classpathArtifacts().load("iris.onnx");
        uploads.upload(MODEL, onnx, DemoEndpoints.irisDescriptor(),
                new ModelArtifacts(new KmsDataKeys(kms, admin, RequestContext.builder().build())), keyId);
        irisArtifact = Files.readAllBytes(uploads.store().file(MODEL));
    }

    /** The principal a node's decrypt runs as (docs/cluster-protocol.md). */
    static PrincipalContext nodeSession(String roleArn, String node) {
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        String account = roleArn.split(":")[4];
        return PrincipalContext.builder("arn:aws:sts::" + account + ":assumed-role/" + roleName + "/mlgate-node-"
                + node, account, PrincipalType.ASSUMED_ROLE).roleArn(roleArn).userId("AROANODE:mlgate-node-" + node)
                .build();
    }

    /** A Decrypt grant for the node's session of {@code roleArn}, constrained to the model's context. */
    String grant(String roleArn, String node) throws JsonServiceException {
        return call("CreateGrant", "{\"KeyId\":\"" + keyId + "\",\"GranteePrincipal\":\""
                + nodeSession(roleArn, node).arn() + "\",\"Operations\":[\"Decrypt\"],\"Constraints\":"
                + "{\"EncryptionContextEquals\":{\"model\":\"" + MODEL + "\"}}}", admin).get("GrantId").asString();
    }

    /** Revokes a grant made by {@link #grant}. */
    void revoke(String grantId) throws JsonServiceException {
        call("RevokeGrant", "{\"KeyId\":\"" + keyId + "\",\"GrantId\":\"" + grantId + "\"}", admin);
    }

    JsonNode call(String op, String json, PrincipalContext caller) throws JsonServiceException {
        JsonNode body = JsonBodies.read(json.getBytes(StandardCharsets.UTF_8));
        kms.target(op, body, caller.accountId(), caller);
        return kms.invoke(op, body, caller, RequestContext.builder().put("aws:SecureTransport", "true").build());
    }

    String irisBase64() {
        return Base64.getEncoder().encodeToString(irisArtifact);
    }
}
