package io.mlgate.iam.admin;

import static io.mlgate.iam.admin.AdminFixture.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.credentials.AccessKeyStatus;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.config.IamGroup;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.config.IamUser;

import tools.jackson.databind.JsonNode;

class IamAdministrationTest {

    private static final String READ_MODELS = "arn:aws:iam::123456789012:policy/models/ReadModels";
    private static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"sagemaker.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    private static final String ALLOW_DESCRIBE = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
            + "\"Action\":\"sagemaker:DescribeEndpoint\",\"Resource\":\"*\"}}";

    @TempDir
    java.nio.file.Path temp;

    AdminFixture f;
    IamAdministration admin;

    @BeforeEach
    void setUp() throws Exception {
        f = new AdminFixture(temp);
        admin = f.admin;
    }

    static IamAdminException failure(IamErrorCode expected, ThrowingCallable call) {
        IamAdminException e = catchThrowableOfType(IamAdminException.class, call);
        assertThat(e).as("expected " + expected).isNotNull();
        assertThat(e.error()).as(e.getMessage()).isEqualTo(expected);
        return e;
    }

    static JsonNode json(String text) {
        return PoliciesFolder.JSON.readTree(text);
    }

    // ---- users ------------------------------------------------------------------------------------------------

    @Test
    void createUserWritesItsFileAndPublishesTheNewConfiguration() throws Exception {
        IamUser bob = admin.createUser(ACCOUNT, new NewUser("bob", "/team/", null, List.of(new Tag("team", "ml"))));

        assertThat(bob.arn()).isEqualTo("arn:aws:iam::123456789012:user/team/bob");
        assertThat(bob.userId()).startsWith("AIDA");
        assertThat(bob.createDate()).isEqualTo(AdminFixture.NOW);
        assertThat(bob.tags()).containsEntry("team", "ml");
        String text = f.read("users/bob.json");
        assertThat(text).contains("\"UserName\": \"bob\"").contains("\"CreateDate\": \"2026-03-01T10:15:30Z\"")
                .endsWith("}\n");
        assertThat(f.published).hasSize(1);
        assertThat(f.published.get(0).userByName(ACCOUNT, "bob")).isPresent();
        assertThat(admin.getUser(ACCOUNT, "BOB").name()).isEqualTo("bob");
        // the same files give the same configuration to anyone who loads them
        IamConfiguration reloaded = IamConfigurationLoader.load(f.policies);
        assertThat(reloaded.userByName(ACCOUNT, "bob").orElseThrow().createDate()).isEqualTo(AdminFixture.NOW);
    }

    @Test
    void createUserRefusesANameTakenIgnoringCase() throws Exception {
        Map<String, String> before = f.snapshot();
        IamAdminException e = failure(IamErrorCode.ENTITY_ALREADY_EXISTS, () -> admin.createUser(ACCOUNT, NewUser.named("ALICE")));
        assertThat(e.getMessage()).isEqualTo("User with name ALICE already exists.");
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.published).isEmpty();
    }

    @Test
    void userNamesFollowTheModel() throws Exception {
        admin.createUser(ACCOUNT, NewUser.named("a+b=c,d.e@f_g-h"));
        assertThat(failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createUser(ACCOUNT, NewUser.named("no spaces")))
                .getMessage()).isEqualTo("1 validation error detected: Value 'no spaces' at 'userName' failed to "
                        + "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
        admin.createUser(ACCOUNT, NewUser.named("x".repeat(64)));
        assertThat(failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createUser(ACCOUNT, NewUser.named("y".repeat(65))))
                .getMessage()).contains("Member must have length less than or equal to 64");
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createUser(ACCOUNT, NewUser.named(null)));
    }

    @Test
    void pathsFollowTheModel() throws Exception {
        assertThat(admin.createUser(ACCOUNT, new NewUser("p1", "/a/b/", null, null)).path()).isEqualTo("/a/b/");
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createUser(ACCOUNT, new NewUser("p2", "/a", null, null)));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createUser(ACCOUNT, new NewUser("p3", "", null, null)));
    }

    @Test
    void tagsFollowTheModelAndIamRules() throws Exception {
        List<Tag> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add(new Tag("k" + i, "v"));
        }
        assertThat(admin.createUser(ACCOUNT, new NewUser("t1", null, null, fifty)).tags()).hasSize(50);
        List<Tag> fiftyOne = new ArrayList<>(fifty);
        fiftyOne.add(new Tag("k50", "v"));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createUser(ACCOUNT, new NewUser("t2", null, null, fiftyOne)));
        failure(IamErrorCode.INVALID_INPUT, () -> admin.createUser(ACCOUNT,
                new NewUser("t3", null, null, List.of(new Tag("Team", "a"), new Tag("team", "b")))));
        failure(IamErrorCode.INVALID_INPUT, () -> admin.createUser(ACCOUNT,
                new NewUser("t4", null, null, List.of(new Tag("aws:x", "a")))));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createUser(ACCOUNT,
                new NewUser("t5", null, null, List.of(new Tag("bad*key", "a")))));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createUser(ACCOUNT,
                new NewUser("t6", null, null, List.of(new Tag("k", "v".repeat(257))))));
        assertThat(Files.exists(f.policies.resolve("users/t2.json"))).isFalse();
    }

    @Test
    void permissionsBoundaryMustBeAPolicyOfTheAccount() throws Exception {
        IamUser u = admin.createUser(ACCOUNT, new NewUser("bounded", null, READ_MODELS, null));
        assertThat(u.permissionsBoundaryArn()).contains(READ_MODELS);
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.createUser(ACCOUNT,
                new NewUser("b2", null, "arn:aws:iam::123456789012:policy/Missing", null)));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.createUser(ACCOUNT,
                new NewUser("b3", null, "arn:aws:iam::210987654321:policy/Other", null)));
        failure(IamErrorCode.INVALID_INPUT, () -> admin.createUser(ACCOUNT,
                new NewUser("b4", null, "arn:aws:s3:::some-bucket/key", null)));
    }

    @Test
    void listUsersPagesWithMarkers() throws Exception {
        for (String n : List.of("erin", "Dave", "carl", "frank")) {
            admin.createUser(ACCOUNT, NewUser.named(n));
        }
        Page<IamUser> first = admin.listUsers(ACCOUNT, null, null, 2);
        assertThat(first.items()).extracting(IamUser::name).containsExactly("alice", "carl");
        assertThat(first.isTruncated()).isTrue();
        Page<IamUser> second = admin.listUsers(ACCOUNT, null, first.marker().orElseThrow(), 2);
        assertThat(second.items()).extracting(IamUser::name).containsExactly("Dave", "erin");
        Page<IamUser> third = admin.listUsers(ACCOUNT, null, second.marker().orElseThrow(), 2);
        assertThat(third.items()).extracting(IamUser::name).containsExactly("frank");
        assertThat(third.isTruncated()).isFalse();

        assertThat(admin.listUsers(ACCOUNT, "/staff/", null, null).items()).extracting(IamUser::name).containsExactly("alice");
        assertThat(admin.listUsers("210987654321", null, null, null).items()).isEmpty();
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.listUsers(ACCOUNT, null, null, 0));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.listUsers(ACCOUNT, null, null, 1001));
        assertThat(admin.listUsers(ACCOUNT, null, null, 1000).items()).hasSize(5);
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.listUsers(ACCOUNT, "staff", null, null));
        failure(IamErrorCode.INVALID_INPUT, () -> admin.listUsers(ACCOUNT, null, "not-a-marker", null));
    }

    @Test
    void deleteUserRefusesWhileTheUserHasKeysPoliciesOrGroups() throws Exception {
        admin.createUser(ACCOUNT, NewUser.named("gone"));
        NewAccessKey key = admin.createAccessKey(ACCOUNT, "gone");
        failure(IamErrorCode.DELETE_CONFLICT, () -> admin.deleteUser(ACCOUNT, "gone"));
        admin.deleteAccessKey(ACCOUNT, "gone", key.key().accessKeyId());

        admin.attachUserPolicy(ACCOUNT, "gone", READ_MODELS);
        failure(IamErrorCode.DELETE_CONFLICT, () -> admin.deleteUser(ACCOUNT, "gone"));
        // alice has an inline policy
        failure(IamErrorCode.DELETE_CONFLICT, () -> admin.deleteUser(ACCOUNT, "alice"));
        admin.createGroup(ACCOUNT, "g", null);
        admin.createUser(ACCOUNT, NewUser.named("member"));
        admin.addUserToGroup(ACCOUNT, "g", "member");
        failure(IamErrorCode.DELETE_CONFLICT, () -> admin.deleteUser(ACCOUNT, "member"));

        admin.createUser(ACCOUNT, NewUser.named("free"));
        assertThat(f.policies.resolve("users/free.json")).exists();
        admin.deleteUser(ACCOUNT, "FREE");
        assertThat(f.policies.resolve("users/free.json")).doesNotExist();
        assertThat(f.served.get().userByName(ACCOUNT, "free")).isEmpty();
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.deleteUser(ACCOUNT, "free"));
    }

    // ---- access keys ------------------------------------------------------------------------------------------

    @Test
    void accessKeySecretIsReturnedOnceAndNeverShownAgain() throws Exception {
        NewAccessKey created = admin.createAccessKey(ACCOUNT, "alice");
        String secret = created.key().secretAccessKey();
        assertThat(secret).hasSize(40);
        assertThat(created.userName()).isEqualTo("alice");
        assertThat(created.key().userArn()).isEqualTo("arn:aws:iam::123456789012:user/staff/alice");
        assertThat(created.toString()).doesNotContain(secret).contains(created.key().accessKeyId());

        Page<AccessKeyInfo> keys = admin.listAccessKeys(ACCOUNT, "alice", null, null);
        assertThat(keys.items()).singleElement().satisfies(k -> {
            assertThat(k.accessKeyId()).isEqualTo(created.key().accessKeyId());
            assertThat(k.status()).isEqualTo(AccessKeyStatus.ACTIVE);
            assertThat(k.toString()).doesNotContain(secret);
        });
        assertThat(f.snapshot().toString()).doesNotContain(secret);
        IamAdminException limit = null;
        admin.createAccessKey(ACCOUNT, "alice");
        limit = failure(IamErrorCode.LIMIT_EXCEEDED, () -> admin.createAccessKey(ACCOUNT, "alice"));
        assertThat(limit.getMessage()).doesNotContain(secret);
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.createAccessKey(ACCOUNT, "nobody"));
    }

    @Test
    void accessKeysPageOldestFirst() throws Exception {
        NewAccessKey a = admin.createAccessKey(ACCOUNT, "alice");
        Thread.sleep(2);
        NewAccessKey b = admin.createAccessKey(ACCOUNT, "alice");
        Page<AccessKeyInfo> first = admin.listAccessKeys(ACCOUNT, "alice", null, 1);
        assertThat(first.items()).extracting(AccessKeyInfo::accessKeyId).containsExactly(a.key().accessKeyId());
        Page<AccessKeyInfo> second = admin.listAccessKeys(ACCOUNT, "alice", first.marker().orElseThrow(), 1);
        assertThat(second.items()).extracting(AccessKeyInfo::accessKeyId).containsExactly(b.key().accessKeyId());
        assertThat(second.isTruncated()).isFalse();
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.listAccessKeys(ACCOUNT, "nobody", null, null));
    }

    @Test
    void updateAccessKeySetsActiveOrInactiveOnTheOwnersKeyOnly() throws Exception {
        String id = admin.createAccessKey(ACCOUNT, "alice").key().accessKeyId();
        admin.updateAccessKey(ACCOUNT, "alice", id, "Inactive");
        assertThat(f.accessKeys.find(id).orElseThrow().status()).isEqualTo(AccessKeyStatus.INACTIVE);
        admin.updateAccessKey(ACCOUNT, "alice", id, "Active");
        assertThat(f.accessKeys.find(id).orElseThrow().isActive()).isTrue();

        failure(IamErrorCode.INVALID_INPUT, () -> admin.updateAccessKey(ACCOUNT, "alice", id, "Expired"));
        assertThat(failure(IamErrorCode.VALIDATION_ERROR, () -> admin.updateAccessKey(ACCOUNT, "alice", id, "active"))
                .getMessage()).contains("enum value set: [Active, Inactive, Expired]");
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.updateAccessKey(ACCOUNT, "alice", "AKIASHORT", "Active"));
        admin.createUser(ACCOUNT, NewUser.named("mallory"));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.updateAccessKey(ACCOUNT, "mallory", id, "Inactive"));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.deleteAccessKey(ACCOUNT, "mallory", id));
        admin.deleteAccessKey(ACCOUNT, "alice", id);
        assertThat(f.accessKeys.find(id)).isEmpty();
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.deleteAccessKey(ACCOUNT, "alice", id));
    }

    // ---- roles ------------------------------------------------------------------------------------------------

    @Test
    void createRoleStoresTheTrustPolicyAsJson() throws Exception {
        IamRole role = admin.createRole(ACCOUNT, new NewRole("trainer", TRUST, "/svc/", "Trains models", 7200, null,
                List.of(new Tag("team", "ml"))));
        assertThat(role.arn()).isEqualTo("arn:aws:iam::123456789012:role/svc/trainer");
        assertThat(role.roleId()).startsWith("AROA");
        assertThat(role.maxSessionDurationSeconds()).isEqualTo(7200);
        assertThat(json(role.trustPolicyJson())).isEqualTo(json(TRUST));
        JsonNode file = json(f.read("roles/trainer.json"));
        assertThat(file.get("AssumeRolePolicyDocument")).isEqualTo(json(TRUST));
        assertThat(file.get("Description").asString()).isEqualTo("Trains models");
        assertThat(admin.getRole(ACCOUNT, "Trainer").arn()).isEqualTo(role.arn());
        failure(IamErrorCode.ENTITY_ALREADY_EXISTS, () -> admin.createRole(ACCOUNT, NewRole.of("TRAINER", TRUST)));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.getRole(ACCOUNT, "nothing"));
    }

    @Test
    void createRoleRefusesABadTrustPolicyAndWritesNothing() throws Exception {
        Map<String, String> before = f.snapshot();
        // a trust policy needs a Principal
        IamAdminException e = failure(IamErrorCode.MALFORMED_POLICY_DOCUMENT, () -> admin.createRole(ACCOUNT,
                NewRole.of("r1", ALLOW_DESCRIBE)));
        assertThat(e.getMessage()).contains("Principal");
        failure(IamErrorCode.MALFORMED_POLICY_DOCUMENT, () -> admin.createRole(ACCOUNT, NewRole.of("r2", "{not json")));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createRole(ACCOUNT,
                new NewRole("r3", TRUST, null, null, 3599, null, null)));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createRole(ACCOUNT,
                new NewRole("r4", TRUST, null, null, 43201, null, null)));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createRole(ACCOUNT, NewRole.of("r5", null)));
        String big = TRUST.replace("\"Action\":\"sts:AssumeRole\"",
                "\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/x\":\""
                        + "v".repeat(2000) + "\"}}");
        failure(IamErrorCode.LIMIT_EXCEEDED, () -> admin.createRole(ACCOUNT, NewRole.of("r6", big)));
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.published).isEmpty();
    }

    @Test
    void tagRoleMergesTags() throws Exception {
        admin.tagRole(ACCOUNT, "runner", List.of(new Tag("env", "prod")));
        admin.tagRole(ACCOUNT, "runner", List.of(new Tag("ENV", "dev"), new Tag("owner", "me")));
        assertThat(admin.getRole(ACCOUNT, "runner").tags()).containsExactly(Map.entry("ENV", "dev"), Map.entry("owner", "me"));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.tagRole(ACCOUNT, "nothing", List.of(new Tag("a", "b"))));
    }

    // ---- managed policies -------------------------------------------------------------------------------------

    @Test
    void createPolicyAndGetPolicyCountAttachments() throws Exception {
        PolicyDetails created = admin.createPolicy(ACCOUNT, new NewPolicy("Describe", ALLOW_DESCRIBE, "/ops/",
                "may describe", List.of(new Tag("k", "v"))));
        String arn = "arn:aws:iam::123456789012:policy/ops/Describe";
        assertThat(created.policy().arn()).isEqualTo(arn);
        assertThat(created.policy().policyId()).startsWith("ANPA");
        assertThat(created.policy().createDate()).isEqualTo(AdminFixture.NOW);
        assertThat(created.policy().tags()).containsEntry("k", "v");
        assertThat(created.attachmentCount()).isZero();
        assertThat(json(f.read("managed-policies/Describe.json")).get("PolicyDocument")).isEqualTo(json(ALLOW_DESCRIBE));

        admin.attachUserPolicy(ACCOUNT, "alice", arn);
        admin.attachRolePolicy(ACCOUNT, "runner", arn);
        admin.createUser(ACCOUNT, new NewUser("bounded", null, arn, null));
        PolicyDetails got = admin.getPolicy(ACCOUNT, arn);
        assertThat(got.attachmentCount()).isEqualTo(2);
        assertThat(got.permissionsBoundaryUsageCount()).isEqualTo(1);
        assertThat(got.policy().description()).isEqualTo("may describe");

        failure(IamErrorCode.ENTITY_ALREADY_EXISTS, () -> admin.createPolicy(ACCOUNT, NewPolicy.of("describe", ALLOW_DESCRIBE)));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.getPolicy(ACCOUNT, "arn:aws:iam::123456789012:policy/Nope"));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.getPolicy(ACCOUNT, "arn:aws:iam::210987654321:policy/Other"));
        failure(IamErrorCode.INVALID_INPUT, () -> admin.getPolicy(ACCOUNT, "arn:aws:iam::123456789012:user/alice"));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.getPolicy(ACCOUNT, "arn:short"));
    }

    @Test
    void createPolicyValidatesTheDocumentAndPath() throws Exception {
        Map<String, String> before = f.snapshot();
        failure(IamErrorCode.MALFORMED_POLICY_DOCUMENT, () -> admin.createPolicy(ACCOUNT,
                NewPolicy.of("P1", ALLOW_DESCRIBE.replace("\"Allow\"", "\"allow\""))));
        failure(IamErrorCode.MALFORMED_POLICY_DOCUMENT, () -> admin.createPolicy(ACCOUNT,
                NewPolicy.of("P2", TRUST)));
        // policyPathType is stricter than pathType
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createPolicy(ACCOUNT,
                new NewPolicy("P3", ALLOW_DESCRIBE, "/with space/", null, null)));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createPolicy(ACCOUNT, NewPolicy.of("P4", "")));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createPolicy(ACCOUNT,
                NewPolicy.of("P5", ALLOW_DESCRIBE.replace("*", "\u4e16"))));
        String big = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::" + "b".repeat(6100) + "\"}}";
        failure(IamErrorCode.LIMIT_EXCEEDED, () -> admin.createPolicy(ACCOUNT, NewPolicy.of("P6", big)));
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void attachUserPolicyEditsTheFileAndKeepsEverythingElse() throws Exception {
        JsonNode before = json(f.read("users/alice.json"));
        IamUser old = admin.getUser(ACCOUNT, "alice");
        assertThat(old.createDate()).isEqualTo(AdminFixture.FILE_TIME);

        admin.attachUserPolicy(ACCOUNT, "alice", READ_MODELS);
        admin.attachUserPolicy(ACCOUNT, "alice", READ_MODELS); // already attached: nothing changes
        JsonNode after = json(f.read("users/alice.json"));
        assertThat(after.get("AttachedPolicies")).hasSize(1);
        assertThat(after.get("InlinePolicies")).isEqualTo(before.get("InlinePolicies"));
        assertThat(after.get("Tags")).isEqualTo(before.get("Tags"));
        // the CreateDate the user reported (the file's modification time) is now recorded and stays
        assertThat(after.get("CreateDate").asString()).isEqualTo("2025-06-01T08:00:00Z");
        assertThat(admin.getUser(ACCOUNT, "alice").createDate()).isEqualTo(AdminFixture.FILE_TIME);
        assertThat(f.read("users/alice.json")).contains("\"Path\": \"/staff/\",\n  \"CreateDate\"");

        Page<AttachedPolicy> attached = admin.listAttachedUserPolicies(ACCOUNT, "alice", null, null, null);
        assertThat(attached.items()).containsExactly(new AttachedPolicy("ReadModels", READ_MODELS));
        assertThat(admin.listAttachedUserPolicies(ACCOUNT, "alice", "/models/", null, null).items()).hasSize(1);
        assertThat(admin.listAttachedUserPolicies(ACCOUNT, "alice", "/other/", null, null).items()).isEmpty();

        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.attachUserPolicy(ACCOUNT, "alice",
                "arn:aws:iam::123456789012:policy/Missing"));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.attachUserPolicy(ACCOUNT, "nobody", READ_MODELS));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.attachRolePolicy(ACCOUNT, "nothing", READ_MODELS));
    }

    @Test
    void attachedPoliciesAreLimitedToTenPerUser() throws Exception {
        StringBuilder arns = new StringBuilder();
        for (int i = 0; i <= 10; i++) {
            f.write("managed-policies/P" + i + ".json", "{ \"Account\": \"123456789012\", \"PolicyName\": \"P" + i
                    + "\", \"PolicyDocument\": " + ALLOW_DESCRIBE + " }");
            if (i < 9) {
                arns.append(i == 0 ? "" : ", ").append("\"arn:aws:iam::123456789012:policy/P").append(i).append('"');
            }
        }
        f.write("users/busy.json", "{ \"Account\": \"123456789012\", \"UserName\": \"busy\", \"AttachedPolicies\": ["
                + arns + "] }");
        f.served.set(IamConfigurationLoader.load(f.policies));
        admin.attachUserPolicy(ACCOUNT, "busy", "arn:aws:iam::123456789012:policy/P9");
        failure(IamErrorCode.LIMIT_EXCEEDED, () -> admin.attachUserPolicy(ACCOUNT, "busy",
                "arn:aws:iam::123456789012:policy/P10"));
        Page<AttachedPolicy> page = admin.listAttachedUserPolicies(ACCOUNT, "busy", null, null, 4);
        assertThat(page.items()).hasSize(4);
        Page<AttachedPolicy> rest = admin.listAttachedUserPolicies(ACCOUNT, "busy", null, page.marker().orElseThrow(), 100);
        assertThat(rest.items()).hasSize(6).doesNotContainAnyElementsOf(page.items());
        assertThat(rest.isTruncated()).isFalse();
    }

    @Test
    void putUserPolicyAddsOrReplacesAnInlinePolicy() throws Exception {
        admin.putUserPolicy(ACCOUNT, "alice", "Describe", ALLOW_DESCRIBE);
        assertThat(admin.getUser(ACCOUNT, "alice").inlinePolicies()).containsOnlyKeys("Invoke", "Describe");
        admin.putUserPolicy(ACCOUNT, "alice", "invoke", ALLOW_DESCRIBE);
        JsonNode inline = json(f.read("users/alice.json")).get("InlinePolicies");
        assertThat(inline.propertyNames()).containsExactly("invoke", "Describe");
        assertThat(inline.get("invoke")).isEqualTo(json(ALLOW_DESCRIBE));
    }

    @Test
    void putUserPolicyRefusesAMalformedDocumentAndWritesNothing() throws Exception {
        Map<String, String> before = f.snapshot();
        failure(IamErrorCode.MALFORMED_POLICY_DOCUMENT, () -> admin.putUserPolicy(ACCOUNT, "alice", "X", TRUST));
        failure(IamErrorCode.MALFORMED_POLICY_DOCUMENT, () -> admin.putUserPolicy(ACCOUNT, "alice", "X",
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker\",\"Resource\":\"*\"}}"));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.putUserPolicy(ACCOUNT, "alice", "bad name", ALLOW_DESCRIBE));
        String big = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::" + "b".repeat(1800) + "\"}}";
        // alone it fits a role, not a user next to its existing inline policy
        failure(IamErrorCode.LIMIT_EXCEEDED, () -> admin.putUserPolicy(ACCOUNT, "alice", "Big", big));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.putUserPolicy(ACCOUNT, "nobody", "X", ALLOW_DESCRIBE));
        assertThat(f.snapshot()).isEqualTo(before);
        admin.putRolePolicy(ACCOUNT, "runner", "Big", big);
        assertThat(admin.getRole(ACCOUNT, "runner").inlinePolicies()).containsKey("Big");
    }

    @Test
    void tagUserOverwritesKeysIgnoringCaseAndKeepsTheLimit() throws Exception {
        admin.tagUser(ACCOUNT, "alice", List.of(new Tag("TEAM", "platform"), new Tag("cost", "42")));
        assertThat(admin.getUser(ACCOUNT, "alice").tags()).containsExactly(Map.entry("TEAM", "platform"),
                Map.entry("cost", "42"));
        List<Tag> many = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            many.add(new Tag("k" + i, "v"));
        }
        failure(IamErrorCode.LIMIT_EXCEEDED, () -> admin.tagUser(ACCOUNT, "alice", many));
        admin.tagUser(ACCOUNT, "alice", many.subList(0, 48));
        assertThat(admin.getUser(ACCOUNT, "alice").tags()).hasSize(50);
    }

    // ---- groups -----------------------------------------------------------------------------------------------

    @Test
    void createGroupAndAddUserToGroup() throws Exception {
        IamGroup g = admin.createGroup(ACCOUNT, "Engineers", "/eng/");
        assertThat(g.arn()).isEqualTo("arn:aws:iam::123456789012:group/eng/Engineers");
        assertThat(g.groupId()).startsWith("AGPA");
        assertThat(g.createDate()).isEqualTo(AdminFixture.NOW);
        failure(IamErrorCode.ENTITY_ALREADY_EXISTS, () -> admin.createGroup(ACCOUNT, "engineers", null));
        failure(IamErrorCode.VALIDATION_ERROR, () -> admin.createGroup(ACCOUNT, "g".repeat(129), null));

        admin.addUserToGroup(ACCOUNT, "engineers", "alice");
        admin.addUserToGroup(ACCOUNT, "Engineers", "alice");
        assertThat(admin.getUser(ACCOUNT, "alice").groupNames()).containsExactly("Engineers");
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.addUserToGroup(ACCOUNT, "nothing", "alice"));
        failure(IamErrorCode.NO_SUCH_ENTITY, () -> admin.addUserToGroup(ACCOUNT, "Engineers", "nobody"));
    }

    // ---- the folder as source of truth ------------------------------------------------------------------------

    @Test
    void aRestartSeesEverythingTheApiDid() throws Exception {
        admin.createUser(ACCOUNT, NewUser.named("bob"));
        String keyId = admin.createAccessKey(ACCOUNT, "bob").key().accessKeyId();
        admin.updateAccessKey(ACCOUNT, "bob", keyId, "Inactive");
        admin.createGroup(ACCOUNT, "ops", null);
        admin.addUserToGroup(ACCOUNT, "ops", "bob");
        admin.createRole(ACCOUNT, NewRole.of("svc", TRUST));
        admin.createPolicy(ACCOUNT, NewPolicy.of("Describe", ALLOW_DESCRIBE));
        admin.attachRolePolicy(ACCOUNT, "svc", "arn:aws:iam::123456789012:policy/Describe");
        admin.putRolePolicy(ACCOUNT, "svc", "inline", ALLOW_DESCRIBE);

        IamAdministration again = f.restart();
        IamUser bob = again.getUser(ACCOUNT, "bob");
        assertThat(bob.groupNames()).containsExactly("ops");
        assertThat(bob.createDate()).isEqualTo(AdminFixture.NOW);
        assertThat(again.listAccessKeys(ACCOUNT, "bob", null, null).items()).singleElement()
                .satisfies(k -> assertThat(k.status()).isEqualTo(AccessKeyStatus.INACTIVE));
        IamRole svc = again.getRole(ACCOUNT, "svc");
        assertThat(svc.attachedPolicyArns()).containsExactly("arn:aws:iam::123456789012:policy/Describe");
        assertThat(svc.inlinePolicies()).containsOnlyKeys("inline");
        assertThat(again.getPolicy(ACCOUNT, "arn:aws:iam::123456789012:policy/Describe").attachmentCount()).isEqualTo(1);
    }

    @Test
    void anInvalidFolderIsNotChangedThroughTheApi() throws Exception {
        f.write("users/broken.json", "{ \"Account\": \"123456789012\", \"UserName\": \"broken\", \"Groups\": [\"none\"] }");
        Map<String, String> before = f.snapshot();
        IamAdminException e = failure(IamErrorCode.SERVICE_FAILURE, () -> admin.createUser(ACCOUNT, NewUser.named("bob")));
        assertThat(e.getMessage()).contains("users/broken.json");
        failure(IamErrorCode.SERVICE_FAILURE, () -> admin.attachUserPolicy(ACCOUNT, "alice", READ_MODELS));
        assertThat(f.snapshot()).isEqualTo(before);
        assertThat(f.published).isEmpty();
        // reads keep answering from the configuration in force
        assertThat(admin.getUser(ACCOUNT, "alice").name()).isEqualTo("alice");
    }

    @Test
    void stagedValidationRefusesAChangeTheLoaderRejects() throws Exception {
        // an entity file that names a user whose file the API does not know about: the API's own checks pass
        // (they read the configuration), the loader sees the clash in the staged copy
        Map<String, String> before = f.snapshot();
        PoliciesFolder folder = new PoliciesFolder(f.policies);
        tools.jackson.databind.node.ObjectNode clash = PoliciesFolder.JSON.createObjectNode();
        clash.put("Account", ACCOUNT);
        clash.put("UserName", "Alice");
        IamAdminException e = failure(IamErrorCode.INVALID_INPUT,
                () -> folder.commit(PoliciesFolder.FileChange.create("users/other.json", clash)));
        assertThat(e.getMessage()).contains("already used");
        assertThat(f.snapshot()).isEqualTo(before);
    }

    @Test
    void aFileChangedSinceItWasReadIsNotOverwritten() throws Exception {
        PoliciesFolder folder = new PoliciesFolder(f.policies);
        IamUser alice = f.served.get().userByName(ACCOUNT, "alice").orElseThrow();
        PoliciesFolder.EntityFile file = folder.read(alice.definedAt());
        f.write("users/alice.json", f.read("users/alice.json").replace("\"ml\"", "\"hand-edited\""));
        tools.jackson.databind.node.ObjectNode edited = file.tree().deepCopy();
        edited.put("Path", "/x/");
        failure(IamErrorCode.CONCURRENT_MODIFICATION, () -> folder.commit(PoliciesFolder.FileChange.replace(file, edited)));
        assertThat(f.read("users/alice.json")).contains("hand-edited").contains("/staff/");
    }
}
