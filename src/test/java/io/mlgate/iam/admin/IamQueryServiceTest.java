package io.mlgate.iam.admin;

import static io.mlgate.iam.admin.AdminFixture.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryResponses;
import io.mlgate.protocol.query.QueryTarget;
import io.mlgate.protocol.query.XmlWriter;

class IamQueryServiceTest {

    private static final String TRUST = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", "
            + "\"Principal\": {\"Service\": \"sagemaker.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}]}";
    private static final String DESCRIBE = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
            + "\"Action\":\"sagemaker:DescribeEndpoint\",\"Resource\":\"*\"}}";
    private static final String ISO_SECONDS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";

    @TempDir
    java.nio.file.Path temp;

    AdminFixture f;
    IamQueryService service;
    PrincipalContext alice;
    PrincipalContext roleSession;

    @BeforeEach
    void setUp() throws Exception {
        f = new AdminFixture(temp);
        service = new IamQueryService(f.admin);
        alice = PrincipalContext.builder("arn:aws:iam::123456789012:user/staff/alice", ACCOUNT, PrincipalType.USER)
                .userName("alice").userId("AIDAEXAMPLE").build();
        roleSession = PrincipalContext.builder("arn:aws:sts::123456789012:assumed-role/runner/s1", ACCOUNT,
                PrincipalType.ASSUMED_ROLE).build();
    }

    /** An AWS-CLI-style form body: Action, Version, then the members, percent-encoded. */
    static String form(String action, String... pairs) {
        StringBuilder b = new StringBuilder("Action=").append(action).append("&Version=2010-05-08");
        for (int i = 0; i < pairs.length; i += 2) {
            b.append('&').append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    QueryTarget target(String body, PrincipalContext caller) throws QueryException {
        QueryParameters p = QueryParameters.parse(body);
        return service.target(p.action(), p, ACCOUNT, caller);
    }

    /** Runs a call as the gateway does (target, then invoke) and parses the complete response document. */
    Element call(String body, PrincipalContext caller) throws Exception {
        QueryParameters p = QueryParameters.parse(body);
        service.target(p.action(), p, ACCOUNT, caller);
        XmlWriter result = new XmlWriter();
        service.invoke(p.action(), p, caller, result);
        String xml = QueryResponses.success(p.action(), service.xmlNamespace(), result, "req-1");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        Document doc = builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element root = doc.getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo(p.action() + "Response");
        assertThat(root.getNamespaceURI()).isEqualTo("https://iam.amazonaws.com/doc/2010-05-08/");
        return root;
    }

    QueryException error(String body, PrincipalContext caller) {
        QueryException e = catchThrowableOfType(QueryException.class, () -> call(body, caller));
        assertThat(e).as("expected an error").isNotNull();
        return e;
    }

    static Element child(Element parent, String path) {
        Element at = parent;
        for (String name : path.split("/")) {
            Element next = null;
            for (Node n = at.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getLocalName().equals(name)) {
                    next = e;
                    break;
                }
            }
            if (next == null) {
                return null;
            }
            at = next;
        }
        return at;
    }

    static String text(Element parent, String path) {
        Element e = child(parent, path);
        return e == null ? null : e.getTextContent();
    }

    static List<Element> members(Element list) {
        List<Element> out = new ArrayList<>();
        for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                assertThat(e.getLocalName()).isEqualTo("member");
                out.add(e);
            }
        }
        return out;
    }

    static List<String> childNames(Element e) {
        List<String> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                out.add(c.getLocalName());
            }
        }
        return out;
    }

    @Test
    void describesTheIamService() {
        assertThat(service.signingName()).isEqualTo("iam");
        assertThat(service.apiVersion()).isEqualTo("2010-05-08");
        assertThat(service.eventSource()).isEqualTo("iam.amazonaws.com");
        assertThat(service.operations()).hasSize(21).contains("CreateUser", "AddUserToGroup", "ListAttachedUserPolicies");
        QueryException e = catchThrowableOfType(QueryException.class, () -> target(form("DeleteRole",
                "RoleName", "x"), alice));
        assertThat(e.code()).isEqualTo("InvalidAction");
    }

    @Test
    void createUserTargetsTheNewUsersArnAndWritesTheUserShape() throws Exception {
        String body = form("CreateUser", "UserName", "bob", "Path", "/team/", "Tags.member.1.Key", "team",
                "Tags.member.1.Value", "ml");
        QueryTarget t = target(body, alice);
        assertThat(t.action()).isEqualTo("iam:CreateUser");
        assertThat(t.resourceArn()).isEqualTo("arn:aws:iam::123456789012:user/team/bob");
        assertThat(t.resourceType()).isEqualTo("AWS::IAM::User");
        assertThat(t.readOnly()).isFalse();
        assertThat(t.requestParameters()).containsEntry("userName", "bob").containsEntry("path", "/team/")
                .containsEntry("tags", List.of(Map.of("key", "team", "value", "ml")));

        Element user = child(call(body, alice), "CreateUserResult/User");
        assertThat(childNames(user)).containsExactly("Path", "UserName", "UserId", "Arn", "CreateDate", "Tags");
        assertThat(text(user, "Arn")).isEqualTo("arn:aws:iam::123456789012:user/team/bob");
        assertThat(text(user, "UserId")).matches("AIDA[A-Z2-7]{17}");
        assertThat(text(user, "CreateDate")).isEqualTo("2026-03-01T10:15:30Z");
        assertThat(members(child(user, "Tags"))).singleElement().satisfies(m -> {
            assertThat(text(m, "Key")).isEqualTo("team");
            assertThat(text(m, "Value")).isEqualTo("ml");
        });
        assertThat(f.policies.resolve("users/bob.json")).exists();
    }

    @Test
    void modelViolationsAreValidationErrors() {
        QueryException e = error(form("CreateUser", "UserName", "bad name"), alice);
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.status()).isEqualTo(400);
        assertThat(error(form("CreateUser"), alice).getMessage()).contains("'userName'").contains("must not be null");
        assertThat(error(form("ListUsers", "MaxItems", "0"), alice).code()).isEqualTo("ValidationError");
        assertThat(error(form("ListUsers", "MaxItems", "ten"), alice).code()).isEqualTo("ValidationError");
        assertThat(error(form("TagUser", "UserName", "alice"), alice).getMessage()).contains("'tags'");
        assertThat(error(form("TagUser", "UserName", "alice", "Tags.member.1.Key", "k"), alice).getMessage())
                .contains("tags.1.member.value");
    }

    @Test
    void getUserWithoutANameIsTheCallingUser() throws Exception {
        QueryTarget t = target(form("GetUser"), alice);
        assertThat(t.resourceArn()).isEqualTo("arn:aws:iam::123456789012:user/staff/alice");
        assertThat(t.readOnly()).isTrue();
        assertThat(t.requestParameters()).isEmpty();
        Element user = child(call(form("GetUser"), alice), "GetUserResult/User");
        assertThat(text(user, "UserName")).isEqualTo("alice");
        assertThat(text(user, "Path")).isEqualTo("/staff/");
        assertThat(text(user, "CreateDate")).matches(ISO_SECONDS);
        assertThat(text(user, "Tags/member/Key")).isEqualTo("team");

        QueryException e = error(form("GetUser"), roleSession);
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.getMessage()).contains("Must specify userName");
        QueryException missing = error(form("GetUser", "UserName", "nobody"), alice);
        assertThat(missing.code()).isEqualTo("NoSuchEntity");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(target(form("GetUser", "UserName", "alice"), roleSession).resourceArn())
                .isEqualTo("arn:aws:iam::123456789012:user/staff/alice");
    }

    @Test
    void listUsersPagesAndLeavesOutTags() throws Exception {
        call(form("CreateUser", "UserName", "bob"), alice);
        QueryTarget t = target(form("ListUsers", "MaxItems", "1"), alice);
        assertThat(t.resourceArn()).isEqualTo("*");
        assertThat(t.readOnly()).isTrue();
        assertThat(t.requestParameters()).containsEntry("maxItems", 1);

        Element result = child(call(form("ListUsers", "MaxItems", "1"), alice), "ListUsersResult");
        assertThat(childNames(result)).containsExactly("Users", "IsTruncated", "Marker");
        List<Element> users = members(child(result, "Users"));
        assertThat(users).singleElement().satisfies(u -> {
            assertThat(text(u, "UserName")).isEqualTo("alice");
            assertThat(childNames(u)).containsExactly("Path", "UserName", "UserId", "Arn", "CreateDate");
        });
        assertThat(text(result, "IsTruncated")).isEqualTo("true");
        Element next = child(call(form("ListUsers", "MaxItems", "1", "Marker", text(result, "Marker")), alice),
                "ListUsersResult");
        assertThat(text(next, "Users/member/UserName")).isEqualTo("bob");
        assertThat(text(next, "IsTruncated")).isEqualTo("false");
        assertThat(child(next, "Marker")).isNull();
    }

    @Test
    void accessKeysOverTheWire() throws Exception {
        QueryTarget t = target(form("CreateAccessKey"), alice);
        assertThat(t.resourceArn()).isEqualTo("arn:aws:iam::123456789012:user/staff/alice");
        Element key = child(call(form("CreateAccessKey"), alice), "CreateAccessKeyResult/AccessKey");
        assertThat(childNames(key)).containsExactly("UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate");
        String id = text(key, "AccessKeyId");
        String secret = text(key, "SecretAccessKey");
        assertThat(id).matches("AKIA[A-Z2-7]{16}");
        assertThat(secret).hasSize(40);
        assertThat(text(key, "Status")).isEqualTo("Active");

        Element list = child(call(form("ListAccessKeys"), alice), "ListAccessKeysResult");
        Element meta = members(child(list, "AccessKeyMetadata")).get(0);
        assertThat(childNames(meta)).containsExactly("UserName", "AccessKeyId", "Status", "CreateDate");
        assertThat(list.getTextContent()).doesNotContain(secret);

        String update = form("UpdateAccessKey", "AccessKeyId", id, "Status", "Inactive");
        QueryTarget ut = target(update, alice);
        assertThat(ut.requestParameters()).containsEntry("accessKeyId", id).containsEntry("status", "Inactive");
        assertThat(ut.requestParameters().toString()).doesNotContain(secret);
        Element none = call(update, alice);
        assertThat(child(none, "UpdateAccessKeyResult")).isNull();
        assertThat(f.accessKeys.find(id).orElseThrow().isActive()).isFalse();

        QueryException conflict = error(form("DeleteUser", "UserName", "alice"), alice);
        assertThat(conflict.code()).isEqualTo("DeleteConflict");
        assertThat(conflict.status()).isEqualTo(409);
        call(form("DeleteAccessKey", "UserName", "alice", "AccessKeyId", id), alice);
        assertThat(f.accessKeys.find(id)).isEmpty();
    }

    @Test
    void rolesOverTheWireReturnTheTrustPolicyUrlEncoded() throws Exception {
        String body = form("CreateRole", "RoleName", "trainer", "Path", "/svc/", "AssumeRolePolicyDocument", TRUST,
                "Description", "Trains", "MaxSessionDuration", "7200", "Tags.member.1.Key", "a", "Tags.member.1.Value", "b");
        QueryTarget t = target(body, alice);
        assertThat(t.resourceArn()).isEqualTo("arn:aws:iam::123456789012:role/svc/trainer");
        assertThat(t.resourceType()).isEqualTo("AWS::IAM::Role");
        assertThat(t.requestParameters()).containsEntry("assumeRolePolicyDocument", TRUST)
                .containsEntry("maxSessionDuration", 7200);
        call(body, alice);

        Element role = child(call(form("GetRole", "RoleName", "trainer"), alice), "GetRoleResult/Role");
        assertThat(childNames(role)).containsExactly("Path", "RoleName", "RoleId", "Arn", "CreateDate",
                "AssumeRolePolicyDocument", "Description", "MaxSessionDuration", "Tags");
        String encoded = text(role, "AssumeRolePolicyDocument");
        assertThat(encoded).startsWith("%7B%22Version%22%3A%222012-10-17%22").doesNotContain("+").doesNotContain("{");
        assertThat(PoliciesFolder.JSON.readTree(URLDecoder.decode(encoded, StandardCharsets.UTF_8)))
                .isEqualTo(PoliciesFolder.JSON.readTree(TRUST));
        assertThat(text(role, "MaxSessionDuration")).isEqualTo("7200");
        assertThat(target(form("GetRole", "RoleName", "trainer"), alice).resourceArn())
                .isEqualTo("arn:aws:iam::123456789012:role/svc/trainer");

        QueryException bad = error(form("CreateRole", "RoleName", "r2", "AssumeRolePolicyDocument", DESCRIBE), alice);
        assertThat(bad.code()).isEqualTo("MalformedPolicyDocument");
        assertThat(bad.status()).isEqualTo(400);
        call(form("PutRolePolicy", "RoleName", "trainer", "PolicyName", "p", "PolicyDocument", DESCRIBE), alice);
        call(form("TagRole", "RoleName", "trainer", "Tags.member.1.Key", "c", "Tags.member.1.Value", "d"), alice);
        assertThat(f.admin.getRole(ACCOUNT, "trainer").tags()).containsKeys("a", "c");
    }

    @Test
    void policiesOverTheWire() throws Exception {
        String create = form("CreatePolicy", "PolicyName", "Describe", "Path", "/ops/", "PolicyDocument", DESCRIBE,
                "Description", "d");
        QueryTarget t = target(create, alice);
        String arn = "arn:aws:iam::123456789012:policy/ops/Describe";
        assertThat(t.resourceArn()).isEqualTo(arn);
        assertThat(t.resourceType()).isEqualTo("AWS::IAM::Policy");
        assertThat(t.requestParameters()).containsEntry("policyName", "Describe").containsEntry("policyDocument", DESCRIBE);
        Element policy = child(call(create, alice), "CreatePolicyResult/Policy");
        assertThat(childNames(policy)).containsExactly("PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId",
                "AttachmentCount", "PermissionsBoundaryUsageCount", "IsAttachable", "Description", "CreateDate",
                "UpdateDate");
        assertThat(text(policy, "DefaultVersionId")).isEqualTo("v1");
        assertThat(text(policy, "AttachmentCount")).isEqualTo("0");
        assertThat(text(policy, "IsAttachable")).isEqualTo("true");

        String attach = form("AttachUserPolicy", "UserName", "alice", "PolicyArn", arn);
        assertThat(target(attach, alice).resourceArn()).isEqualTo("arn:aws:iam::123456789012:user/staff/alice");
        call(attach, alice);
        assertThat(text(call(form("GetPolicy", "PolicyArn", arn), alice), "GetPolicyResult/Policy/AttachmentCount"))
                .isEqualTo("1");
        assertThat(target(form("GetPolicy", "PolicyArn", arn), alice).readOnly()).isTrue();

        Element listed = child(call(form("ListAttachedUserPolicies", "UserName", "alice"), alice),
                "ListAttachedUserPoliciesResult");
        assertThat(text(listed, "AttachedPolicies/member/PolicyName")).isEqualTo("Describe");
        assertThat(text(listed, "AttachedPolicies/member/PolicyArn")).isEqualTo(arn);
        assertThat(text(listed, "IsTruncated")).isEqualTo("false");
        // UserName is required by the model for this operation
        assertThat(error(form("ListAttachedUserPolicies"), alice).code()).isEqualTo("ValidationError");

        QueryException malformed = error(form("PutUserPolicy", "UserName", "alice", "PolicyName", "x",
                "PolicyDocument", "{\"Statement\":[]"), alice);
        assertThat(malformed.code()).isEqualTo("MalformedPolicyDocument");
        assertThat(error(form("GetPolicy", "PolicyArn", "arn:aws:iam::123456789012:policy/None"), alice).code())
                .isEqualTo("NoSuchEntity");
        assertThat(error(form("CreatePolicy", "PolicyName", "describe", "PolicyDocument", DESCRIBE), alice).code())
                .isEqualTo("EntityAlreadyExists");
    }

    @Test
    void groupsOverTheWire() throws Exception {
        String create = form("CreateGroup", "GroupName", "ops", "Path", "/eng/");
        QueryTarget t = target(create, alice);
        assertThat(t.resourceArn()).isEqualTo("arn:aws:iam::123456789012:group/eng/ops");
        assertThat(t.resourceType()).isEqualTo("AWS::IAM::Group");
        Element group = child(call(create, alice), "CreateGroupResult/Group");
        assertThat(childNames(group)).containsExactly("Path", "GroupName", "GroupId", "Arn", "CreateDate");

        String add = form("AddUserToGroup", "GroupName", "ops", "UserName", "alice");
        QueryTarget at = target(add, alice);
        assertThat(at.resourceArn()).isEqualTo("arn:aws:iam::123456789012:group/eng/ops");
        assertThat(at.requestParameters()).containsEntry("groupName", "ops").containsEntry("userName", "alice");
        call(add, alice);
        assertThat(f.admin.getUser(ACCOUNT, "alice").groupNames()).containsExactly("ops");
        assertThat(error(add.replace("GroupName=ops", "GroupName=none"), alice).code()).isEqualTo("NoSuchEntity");
    }

    @Test
    void tagUserAndDeleteUser() throws Exception {
        call(form("CreateUser", "UserName", "temp"), alice);
        String tag = form("TagUser", "UserName", "temp", "Tags.member.1.Key", "k", "Tags.member.1.Value", "v");
        assertThat(target(tag, alice).requestParameters()).containsEntry("tags", List.of(Map.of("key", "k", "value", "v")));
        call(tag, alice);
        assertThat(f.admin.getUser(ACCOUNT, "temp").tags()).containsEntry("k", "v");
        Element deleted = call(form("DeleteUser", "UserName", "temp"), alice);
        assertThat(child(deleted, "DeleteUserResult")).isNull();
        assertThat(text(deleted, "ResponseMetadata/RequestId")).isEqualTo("req-1");
        assertThat(f.policies.resolve("users/temp.json")).doesNotExist();
    }
}
