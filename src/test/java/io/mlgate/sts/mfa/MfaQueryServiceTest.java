package io.mlgate.sts.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.kms.RootKey;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryResponses;
import io.mlgate.protocol.query.QueryTarget;
import io.mlgate.protocol.query.XmlWriter;
import io.mlgate.sts.MutableClock;

class MfaQueryServiceTest {

    static final String ACCOUNT = "123456789012";
    static final String ALICE_ARN = "arn:aws:iam::123456789012:user/staff/alice";

    @TempDir
    Path temp;
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:10Z"));
    VirtualMfaDevices devices;
    MfaQueryService service;
    PrincipalContext alice;
    PrincipalContext roleSession;

    @BeforeEach
    void setUp() throws Exception {
        Path policies = temp.resolve("policies");
        write(policies, "accounts.json", "{ \"Accounts\": [ { \"AccountId\": \"123456789012\" },"
                + " { \"AccountId\": \"210987654321\" } ] }");
        write(policies, "users/alice.json", "{ \"Account\": \"123456789012\", \"UserName\": \"alice\", \"Path\": \"/staff/\" }");
        write(policies, "users/bob.json", "{ \"Account\": \"123456789012\", \"UserName\": \"bob\" }");
        IamConfiguration config = IamConfigurationLoader.load(policies);
        Path keys = temp.resolve("keys");
        devices = VirtualMfaDevices.open(keys, RootKey.loadOrCreate(keys), clock, "mlgate");
        service = new MfaQueryService(devices, () -> config);
        alice = PrincipalContext.builder(ALICE_ARN, ACCOUNT, PrincipalType.USER).userName("alice")
                .userId("AIDAALICEEXAMPLE0001").build();
        roleSession = PrincipalContext.builder("arn:aws:sts::123456789012:assumed-role/runner/s1", ACCOUNT,
                PrincipalType.ASSUMED_ROLE).build();
    }

    private static void write(Path dir, String relative, String text) throws Exception {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    /** An AWS-CLI-style form body. */
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

    /** Target then invoke, as the gateway does; the whole response document parsed. */
    Element call(String body, PrincipalContext caller) throws Exception {
        QueryParameters p = QueryParameters.parse(body);
        service.target(p.action(), p, ACCOUNT, caller);
        XmlWriter result = new XmlWriter();
        service.invoke(p.action(), p, caller, result);
        String xml = QueryResponses.success(p.action(), service.xmlNamespace(), result, "req-1");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
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
            if (n instanceof Element e && e.getLocalName().equals("member")) {
                out.add(e);
            }
        }
        return out;
    }

    /** Creates a device; returns {serial, Base32 seed}. */
    String[] create(String name, String path) throws Exception {
        Element r = path == null ? call(form("CreateVirtualMFADevice", "VirtualMFADeviceName", name), alice)
                : call(form("CreateVirtualMFADevice", "VirtualMFADeviceName", name, "Path", path), alice);
        String serial = text(r, "CreateVirtualMFADeviceResult/VirtualMFADevice/SerialNumber");
        String blob = text(r, "CreateVirtualMFADeviceResult/VirtualMFADevice/Base32StringSeed");
        return new String[] {serial, new String(Base64.getDecoder().decode(blob), StandardCharsets.US_ASCII)};
    }

    String enableBody(String user, String serial, String seed, long firstStepOffset) {
        byte[] key = Base32.decode(seed);
        long step = Totp.step(clock.instant()) + firstStepOffset;
        return form("EnableMFADevice", "UserName", user, "SerialNumber", serial,
                "AuthenticationCode1", Totp.code(key, step), "AuthenticationCode2", Totp.code(key, step + 1));
    }

    @Test
    void createReturnsTheSeedAsBase64OfTheBase32TextButNeverAuditsIt() throws Exception {
        String body = form("CreateVirtualMFADevice", "VirtualMFADeviceName", "alice-phone", "Path", "/staff/");
        QueryTarget t = target(body, alice);
        assertThat(t.action()).isEqualTo("iam:CreateVirtualMFADevice");
        assertThat(t.resourceArn()).isEqualTo("arn:aws:iam::123456789012:mfa/staff/alice-phone");
        assertThat(t.readOnly()).isFalse();
        assertThat(t.requestParameters()).containsEntry("virtualMFADeviceName", "alice-phone")
                .containsEntry("path", "/staff/");

        Element r = call(body, alice);
        Element device = child(r, "CreateVirtualMFADeviceResult/VirtualMFADevice");
        assertThat(text(device, "SerialNumber")).isEqualTo("arn:aws:iam::123456789012:mfa/staff/alice-phone");
        String blob = text(device, "Base32StringSeed");
        String base32 = new String(Base64.getDecoder().decode(blob), StandardCharsets.US_ASCII);
        assertThat(base32).matches("[A-Z2-7]{32}");
        assertThat(Base32.decode(base32)).hasSize(20);
        assertThat(child(device, "QRCodePNG")).isNull();
        assertThat(text(r, "ResponseMetadata/RequestId")).isEqualTo("req-1");
        // the target is computed from the parameters only: the seed cannot be in it
        assertThat(t.requestParameters().toString()).doesNotContain(base32).doesNotContain(blob);
        // the store lists it unassigned, without seed
        assertThat(devices.listVirtual(ACCOUNT)).singleElement().satisfies(d -> assertThat(d.isEnabled()).isFalse());
    }

    @Test
    void createRefusesModelViolationsDuplicatesAndTags() throws Exception {
        QueryException e = error(form("CreateVirtualMFADevice", "VirtualMFADeviceName", "bad name"), alice);
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.getMessage()).contains("'virtualMFADeviceName'").contains("regular expression pattern");
        assertThat(error(form("CreateVirtualMFADevice"), alice).getMessage())
                .contains("'virtualMFADeviceName' failed to satisfy constraint: Member must not be null");
        assertThat(error(form("CreateVirtualMFADevice", "VirtualMFADeviceName", "p", "Path", "staff"), alice)
                .getMessage()).contains("'path'");
        assertThat(error(form("CreateVirtualMFADevice", "VirtualMFADeviceName", "p", "Tags.member.1.Key", "k",
                "Tags.member.1.Value", "v"), alice).code()).isEqualTo("InvalidInput");
        assertThat(devices.listVirtual(ACCOUNT)).isEmpty();
        create("p", null);
        QueryException dup = error(form("CreateVirtualMFADevice", "VirtualMFADeviceName", "p"), alice);
        assertThat(dup.code()).isEqualTo("EntityAlreadyExists");
        assertThat(dup.status()).isEqualTo(409);
    }

    @Test
    void enableWithTwoConsecutiveCodesThenListAsTheCallingUser() throws Exception {
        String[] d = create("alice-phone", "/staff/");
        String body = enableBody("alice", d[0], d[1], -1);
        QueryTarget t = target(body, alice);
        assertThat(t.action()).isEqualTo("iam:EnableMFADevice");
        assertThat(t.resourceArn()).isEqualTo(ALICE_ARN);
        assertThat(t.resourceType()).isEqualTo("AWS::IAM::User");
        assertThat(t.requestParameters()).containsOnlyKeys("userName", "serialNumber");
        QueryParameters p = QueryParameters.parse(body);
        assertThat(t.requestParameters().toString()).doesNotContain(p.get("AuthenticationCode1"))
                .doesNotContain(p.get("AuthenticationCode2"));

        Element r = call(body, alice);
        assertThat(child(r, "EnableMFADeviceResult")).isNull();
        assertThat(devices.device(d[0]).orElseThrow().userArn()).isEqualTo(ALICE_ARN);

        QueryTarget list = target(form("ListMFADevices"), alice);
        assertThat(list.resourceArn()).isEqualTo(ALICE_ARN);
        assertThat(list.readOnly()).isTrue();
        Element listed = call(form("ListMFADevices"), alice);
        List<Element> m = members(child(listed, "ListMFADevicesResult/MFADevices"));
        assertThat(m).hasSize(1);
        assertThat(text(m.get(0), "UserName")).isEqualTo("alice");
        assertThat(text(m.get(0), "SerialNumber")).isEqualTo(d[0]);
        assertThat(text(m.get(0), "EnableDate")).isEqualTo("2026-11-26T12:00:10Z");
        assertThat(text(listed, "ListMFADevicesResult/IsTruncated")).isEqualTo("false");
        // bob has none
        assertThat(members(child(call(form("ListMFADevices", "UserName", "bob"), alice),
                "ListMFADevicesResult/MFADevices"))).isEmpty();

        Element assigned = call(form("ListVirtualMFADevices", "AssignmentStatus", "Assigned"), alice);
        List<Element> v = members(child(assigned, "ListVirtualMFADevicesResult/VirtualMFADevices"));
        assertThat(v).hasSize(1);
        assertThat(text(v.get(0), "User/UserName")).isEqualTo("alice");
        assertThat(text(v.get(0), "User/Path")).isEqualTo("/staff/");
        assertThat(text(v.get(0), "User/Arn")).isEqualTo(ALICE_ARN);
        assertThat(text(v.get(0), "EnableDate")).isEqualTo("2026-11-26T12:00:10Z");
        assertThat(child(v.get(0), "Base32StringSeed")).isNull();
        assertThat(members(child(call(form("ListVirtualMFADevices", "AssignmentStatus", "Unassigned"), alice),
                "ListVirtualMFADevicesResult/VirtualMFADevices"))).isEmpty();
    }

    @Test
    void enableRefusesWrongCodesWithoutRepeatingThem() throws Exception {
        String[] d = create("alice-phone", null);
        QueryException wrong = error(enableBody("alice", d[0], d[1], 5), alice);
        assertThat(wrong.code()).isEqualTo("InvalidAuthenticationCode");
        assertThat(wrong.status()).isEqualTo(403);
        QueryException shape = error(form("EnableMFADevice", "UserName", "alice", "SerialNumber", d[0],
                "AuthenticationCode1", "12a456", "AuthenticationCode2", "123456"), alice);
        assertThat(shape.code()).isEqualTo("ValidationError");
        assertThat(shape.getMessage()).contains("'authenticationCode1'").doesNotContain("12a456");
        assertThat(error(form("EnableMFADevice", "UserName", "alice", "SerialNumber", d[0],
                "AuthenticationCode1", "123456"), alice).getMessage()).contains("'authenticationCode2'");
        assertThat(devices.device(d[0]).orElseThrow().isEnabled()).isFalse();
    }

    @Test
    void enableNeedsAUserThatExistsAndNamesIt() throws Exception {
        String[] d = create("phone", null);
        QueryException none = error(enableBody("carol", d[0], d[1], -1), alice);
        assertThat(none.code()).isEqualTo("NoSuchEntity");
        assertThat(none.status()).isEqualTo(404);
        // UserName is required by the model for EnableMFADevice
        assertThat(error(form("EnableMFADevice", "SerialNumber", d[0], "AuthenticationCode1", "123456",
                "AuthenticationCode2", "654321"), alice).getMessage()).contains("'userName'");
        assertThat(error(enableBody("alice", "arn:aws:iam::123456789012:mfa/nothing", d[1], -1), alice).code())
                .isEqualTo("NoSuchEntity");
        // bob can be enabled for (same account)
        call(enableBody("bob", d[0], d[1], -1), alice);
        assertThat(devices.device(d[0]).orElseThrow().userArn()).isEqualTo("arn:aws:iam::123456789012:user/bob");
    }

    @Test
    void deleteConflictsWhileEnabledThenDeactivateAndDelete() throws Exception {
        String[] d = create("alice-phone", null);
        call(enableBody("alice", d[0], d[1], -1), alice);
        QueryTarget del = target(form("DeleteVirtualMFADevice", "SerialNumber", d[0]), alice);
        assertThat(del.resourceArn()).isEqualTo(d[0]);
        assertThat(del.resourceType()).isEqualTo("AWS::IAM::VirtualMFADevice");
        assertThat(error(form("DeleteVirtualMFADevice", "SerialNumber", d[0]), alice).code()).isEqualTo("DeleteConflict");
        // deactivating for another user is NoSuchEntity
        assertThat(error(form("DeactivateMFADevice", "UserName", "bob", "SerialNumber", d[0]), alice).code())
                .isEqualTo("NoSuchEntity");
        QueryTarget deact = target(form("DeactivateMFADevice", "SerialNumber", d[0]), alice);
        assertThat(deact.resourceArn()).isEqualTo(ALICE_ARN);
        call(form("DeactivateMFADevice", "SerialNumber", d[0]), alice);
        assertThat(devices.device(d[0]).orElseThrow().isEnabled()).isFalse();
        call(form("DeleteVirtualMFADevice", "SerialNumber", d[0]), alice);
        assertThat(devices.device(d[0])).isEmpty();
        assertThat(error(form("DeleteVirtualMFADevice", "SerialNumber", d[0]), alice).code()).isEqualTo("NoSuchEntity");
        assertThat(error(form("DeleteVirtualMFADevice", "SerialNumber", "short"), alice).code())
                .isEqualTo("ValidationError");
    }

    @Test
    void devicesOfAnotherAccountAreNotVisible() throws Exception {
        NewVirtualMfaDevice other = devices.create("210987654321", "/", "theirs");
        assertThat(error(form("DeleteVirtualMFADevice", "SerialNumber", other.serialNumber()), alice).code())
                .isEqualTo("NoSuchEntity");
        assertThat(devices.device(other.serialNumber())).isPresent();
        assertThat(members(child(call(form("ListVirtualMFADevices"), alice),
                "ListVirtualMFADevicesResult/VirtualMFADevices"))).isEmpty();
    }

    @Test
    void callersThatAreNotUsersMustNameTheUser() throws Exception {
        QueryException e = error(form("ListMFADevices"), roleSession);
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.getMessage()).contains("Must specify userName");
        QueryTarget t = target(form("ListMFADevices", "UserName", "alice"), roleSession);
        assertThat(t.resourceArn()).isEqualTo(ALICE_ARN);
        assertThat(t.requestParameters()).containsEntry("userName", "alice");
        assertThat(error(form("ListMFADevices", "UserName", "nobody"), roleSession).code()).isEqualTo("NoSuchEntity");
    }

    @Test
    void listVirtualPagesWithMarkers() throws Exception {
        create("a", null);
        create("b", null);
        create("c", null);
        QueryTarget t = target(form("ListVirtualMFADevices", "MaxItems", "2"), alice);
        assertThat(t.resourceArn()).isEqualTo("*");
        assertThat(t.readOnly()).isTrue();
        assertThat(t.requestParameters()).containsEntry("maxItems", 2);
        Element first = call(form("ListVirtualMFADevices", "MaxItems", "2"), alice);
        List<Element> page1 = members(child(first, "ListVirtualMFADevicesResult/VirtualMFADevices"));
        assertThat(page1).extracting(e -> text(e, "SerialNumber"))
                .containsExactly("arn:aws:iam::123456789012:mfa/a", "arn:aws:iam::123456789012:mfa/b");
        assertThat(text(first, "ListVirtualMFADevicesResult/IsTruncated")).isEqualTo("true");
        String marker = text(first, "ListVirtualMFADevicesResult/Marker");
        Element second = call(form("ListVirtualMFADevices", "MaxItems", "2", "Marker", marker), alice);
        assertThat(members(child(second, "ListVirtualMFADevicesResult/VirtualMFADevices")))
                .extracting(e -> text(e, "SerialNumber")).containsExactly("arn:aws:iam::123456789012:mfa/c");
        assertThat(text(second, "ListVirtualMFADevicesResult/IsTruncated")).isEqualTo("false");
        assertThat(child(second, "ListVirtualMFADevicesResult/Marker")).isNull();

        assertThat(error(form("ListVirtualMFADevices", "Marker", "garbage"), alice).code()).isEqualTo("InvalidInput");
        assertThat(error(form("ListVirtualMFADevices", "MaxItems", "0"), alice).code()).isEqualTo("ValidationError");
        assertThat(error(form("ListVirtualMFADevices", "AssignmentStatus", "Some"), alice).getMessage())
                .contains("enum value set");
    }

    @Test
    void servesOnlyItsOperations() {
        assertThat(service.operations()).containsExactlyInAnyOrder("CreateVirtualMFADevice", "EnableMFADevice",
                "DeactivateMFADevice", "DeleteVirtualMFADevice", "ListMFADevices", "ListVirtualMFADevices");
        assertThat(service.apiVersion()).isEqualTo("2010-05-08");
        assertThat(service.signingName()).isEqualTo("iam");
        assertThat(service.eventSource()).isEqualTo("iam.amazonaws.com");
        assertThat(error(form("CreateUser", "UserName", "x"), alice).code()).isEqualTo("InvalidAction");
    }
}
