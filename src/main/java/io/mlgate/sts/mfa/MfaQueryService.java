package io.mlgate.sts.mfa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.protocol.query.QueryApi;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryService;
import io.mlgate.protocol.query.QueryTarget;
import io.mlgate.protocol.query.XmlWriter;

/**
 * The virtual-MFA operations of the IAM query API (2010-05-08): CreateVirtualMFADevice, EnableMFADevice,
 * DeactivateMFADevice, DeleteVirtualMFADevice, ListMFADevices and ListVirtualMFADevices over {@link VirtualMfaDevices},
 * with the request constraints, errors and result shapes of the IAM service model. It serves the same API version as
 * the other IAM query service; the router picks it by operation.
 */
public final class MfaQueryService implements QueryService {

    private static final Set<String> OPERATIONS = Set.of("CreateVirtualMFADevice", "EnableMFADevice",
            "DeactivateMFADevice", "DeleteVirtualMFADevice", "ListMFADevices", "ListVirtualMFADevices");

    /** virtualMFADeviceName, existingUserNameType. */
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");
    /** pathType. */
    private static final Pattern PATH = Pattern.compile("(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
    /** serialNumberType. */
    private static final Pattern SERIAL = Pattern.compile("[\\w+=/:,.@-]+");
    /** authenticationCodeType. */
    private static final Pattern CODE = Pattern.compile("[\\d]+");
    /** markerType. */
    private static final Pattern MARKER = Pattern.compile("[\\u0020-\\u00FF]+");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final String MARKER_PREFIX = "mlgate-mfa1:";
    private static final int DEFAULT_MAX_ITEMS = 100;
    private static final String DEVICE = "AWS::IAM::VirtualMFADevice";
    private static final String USER = "AWS::IAM::User";

    private final VirtualMfaDevices devices;
    private final Supplier<IamConfiguration> configuration;

    /**
     * @param devices       the device store
     * @param configuration the IAM configuration the gateway serves now (users must exist in it)
     */
    public MfaQueryService(VirtualMfaDevices devices, Supplier<IamConfiguration> configuration) {
        this.devices = Objects.requireNonNull(devices, "devices");
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    @Override
    public QueryApi api() {
        return QueryApi.IAM;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    /** No operation here takes a document: 64 KiB is plenty. */
    @Override
    public int maxBodyBytes() {
        return 64 * 1024;
    }

    @Override
    public QueryTarget target(String operation, QueryParameters p, String accountId, PrincipalContext caller)
            throws QueryException {
        requireOperation(operation);
        validate(operation, p);
        Map<String, Object> audit = new LinkedHashMap<>();
        String action = "iam:" + operation;
        switch (operation) {
            case "CreateVirtualMFADevice" -> {
                String path = p.get("Path") == null ? "/" : p.get("Path");
                String name = p.get("VirtualMFADeviceName");
                put(audit, "path", p.get("Path"));
                audit.put("virtualMFADeviceName", name);
                putTags(audit, p);
                return new QueryTarget(action, VirtualMfaDevices.serialNumber(accountId, path, name), DEVICE, false,
                        audit);
            }
            case "DeleteVirtualMFADevice" -> {
                String serial = p.get("SerialNumber");
                audit.put("serialNumber", serial);
                return new QueryTarget(action, serial, DEVICE, false, audit);
            }
            case "ListVirtualMFADevices" -> {
                put(audit, "assignmentStatus", p.get("AssignmentStatus"));
                putPaging(audit, p);
                return new QueryTarget(action, "*", DEVICE, true, audit);
            }
            default -> {
                // EnableMFADevice, DeactivateMFADevice, ListMFADevices act on a user (Service Authorization Reference)
                String userArn;
                String name = p.get("UserName");
                if (name == null) {
                    callingUser(caller);
                    userArn = caller.arn();
                } else {
                    audit.put("userName", name);
                    userArn = configuration.get().userByName(accountId, name).map(IamUser::arn)
                            .orElse("arn:aws:iam::" + accountId + ":user/" + name);
                }
                put(audit, "serialNumber", p.get("SerialNumber"));
                boolean list = operation.equals("ListMFADevices");
                if (list) {
                    putPaging(audit, p);
                }
                // never the authentication codes
                return new QueryTarget(action, userArn, USER, list, audit);
            }
        }
    }

    @Override
    public void invoke(String operation, QueryParameters p, PrincipalContext caller, XmlWriter out)
            throws QueryException {
        requireOperation(operation);
        validate(operation, p);
        String acct = caller.accountId();
        try {
            switch (operation) {
                case "CreateVirtualMFADevice" -> create(p, acct, out);
                case "EnableMFADevice" -> {
                    IamUser user = user(acct, p.get("UserName"), caller);
                    ownDevice(acct, p.get("SerialNumber"));
                    devices.enable(p.get("SerialNumber"), user.arn(), p.get("AuthenticationCode1"),
                            p.get("AuthenticationCode2"));
                }
                case "DeactivateMFADevice" -> {
                    IamUser user = user(acct, p.get("UserName"), caller);
                    ownDevice(acct, p.get("SerialNumber"));
                    devices.deactivate(p.get("SerialNumber"), user.arn());
                }
                case "DeleteVirtualMFADevice" -> {
                    ownDevice(acct, p.get("SerialNumber"));
                    devices.delete(p.get("SerialNumber"));
                }
                case "ListMFADevices" -> {
                    IamUser user = user(acct, p.get("UserName"), caller);
                    Slice page = page(devices.listForUser(user.arn()), p);
                    out.start("MFADevices");
                    for (MfaDevice d : page.items()) {
                        out.start("member")
                                .element("UserName", user.name())
                                .element("SerialNumber", d.serialNumber())
                                .element("EnableDate", d.enabledAt())
                                .end();
                    }
                    out.end();
                    writePaging(out, page);
                }
                case "ListVirtualMFADevices" -> {
                    String status = p.get("AssignmentStatus") == null ? "Any" : p.get("AssignmentStatus");
                    List<MfaDevice> all = devices.listVirtual(acct).stream()
                            .filter(d -> status.equals("Any") || d.isEnabled() == status.equals("Assigned"))
                            .toList();
                    Slice page = page(all, p);
                    IamConfiguration config = configuration.get();
                    out.start("VirtualMFADevices");
                    for (MfaDevice d : page.items()) {
                        out.start("member").element("SerialNumber", d.serialNumber());
                        if (d.isEnabled()) {
                            writeUser(out, d.userArn(), config);
                            out.element("EnableDate", d.enabledAt());
                        }
                        out.end();
                    }
                    out.end();
                    writePaging(out, page);
                }
                default -> throw new IllegalStateException("unreachable: " + operation);
            }
        } catch (MfaException e) {
            throw new QueryException(e.code(), e.status(), e.getMessage());
        } catch (IOException e) {
            throw new QueryException("ServiceFailure", 500, "The MFA device store could not be written.");
        }
    }

    private void create(QueryParameters p, String acct, XmlWriter out) throws QueryException, MfaException,
            IOException {
        if (!p.structures("Tags").isEmpty()) {
            throw new QueryException("InvalidInput", 400, "Tags on virtual MFA devices are not supported.");
        }
        NewVirtualMfaDevice created = devices.create(acct, p.get("Path"), p.get("VirtualMFADeviceName"));
        // BootstrapDatum is a blob: base64 of the Base32 text, which is what the AWS CLI writes to --outfile
        String seed = Base64.getEncoder().encodeToString(created.base32StringSeed().getBytes(StandardCharsets.US_ASCII));
        out.start("VirtualMFADevice")
                .element("SerialNumber", created.serialNumber())
                .element("Base32StringSeed", seed)
                .end();
    }

    // ---- validation (the model's constraints, in member order) -------------------------------------------------

    private static void validate(String op, QueryParameters p) throws QueryException {
        switch (op) {
            case "CreateVirtualMFADevice" -> {
                string("path", p.get("Path"), 1, 512, PATH);
                string("virtualMFADeviceName", required(p, "VirtualMFADeviceName", "virtualMFADeviceName"), 1,
                        Integer.MAX_VALUE, NAME);
                tags(p);
            }
            case "EnableMFADevice" -> {
                userName(required(p, "UserName", "userName"));
                serial(required(p, "SerialNumber", "serialNumber"));
                code(p, "AuthenticationCode1", "authenticationCode1");
                code(p, "AuthenticationCode2", "authenticationCode2");
            }
            case "DeactivateMFADevice" -> {
                userName(p.get("UserName"));
                serial(required(p, "SerialNumber", "serialNumber"));
            }
            case "DeleteVirtualMFADevice" -> serial(required(p, "SerialNumber", "serialNumber"));
            case "ListMFADevices" -> {
                userName(p.get("UserName"));
                paging(p);
            }
            case "ListVirtualMFADevices" -> {
                String status = p.get("AssignmentStatus");
                if (status != null && !Set.of("Assigned", "Unassigned", "Any").contains(status)) {
                    throw QueryException.constraint("assignmentStatus", status,
                            "Member must satisfy enum value set: [Assigned, Unassigned, Any]");
                }
                paging(p);
            }
            default -> throw new IllegalStateException("unreachable: " + op);
        }
    }

    private static String required(QueryParameters p, String name, String member) throws QueryException {
        return p.required(name, member);
    }

    private static void string(String member, String value, int min, int max, Pattern pattern) throws QueryException {
        if (value == null) {
            return;
        }
        if (value.length() < min) {
            throw QueryException.constraint(member, value, "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            throw QueryException.constraint(member, value, "Member must have length less than or equal to " + max);
        }
        if (pattern != null && !pattern.matcher(value).matches()) {
            throw QueryException.constraint(member, value,
                    "Member must satisfy regular expression pattern: " + pattern.pattern());
        }
    }

    private static void userName(String value) throws QueryException {
        string("userName", value, 1, 128, NAME);
    }

    private static void serial(String value) throws QueryException {
        string("serialNumber", value, 9, 256, SERIAL);
    }

    /** An authentication code: required, 6 digits; the value is never repeated in the error. */
    private static void code(QueryParameters p, String name, String member) throws QueryException {
        String value = p.get(name);
        String broken = value == null ? "Member must not be null"
                : value.length() < 6 ? "Member must have length greater than or equal to 6"
                : value.length() > 6 ? "Member must have length less than or equal to 6"
                : !CODE.matcher(value).matches() ? "Member must satisfy regular expression pattern: [\\d]+"
                : null;
        if (broken != null) {
            throw QueryException.validation("1 validation error detected: Value at '" + member
                    + "' failed to satisfy constraint: " + broken);
        }
    }

    private static void paging(QueryParameters p) throws QueryException {
        string("marker", p.get("Marker"), 1, 320, MARKER);
        int max = p.integer("MaxItems", "maxItems", DEFAULT_MAX_ITEMS);
        if (max < 1) {
            throw QueryException.constraint("maxItems", max, "Member must have value greater than or equal to 1");
        }
        if (max > 1000) {
            throw QueryException.constraint("maxItems", max, "Member must have value less than or equal to 1000");
        }
    }

    private static void tags(QueryParameters p) throws QueryException {
        List<QueryParameters> items = p.structures("Tags");
        if (items.size() > 50) {
            throw QueryException.constraint("tags", "[" + items.size() + " tags]",
                    "Member must have length less than or equal to 50");
        }
        for (int i = 0; i < items.size(); i++) {
            String at = "tags." + (i + 1) + ".member.";
            string(at + "key", items.get(i).required("Key", at + "key"), 1, 128, TAG_KEY);
            string(at + "value", items.get(i).required("Value", at + "value"), 0, 256, TAG_VALUE);
        }
    }

    private static void requireOperation(String operation) throws QueryException {
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw new QueryException("InvalidAction", 400, "The action is not valid for this web service.");
        }
    }

    // ---- entities ---------------------------------------------------------------------------------------------

    private static String callingUser(PrincipalContext caller) throws QueryException {
        if (caller.type() == PrincipalType.USER && caller.userName().isPresent()) {
            return caller.userName().get();
        }
        throw QueryException.validation("Must specify userName when calling with non-User credentials");
    }

    /** The named user of the account, or the calling IAM user; NoSuchEntity if the configuration does not have it. */
    private IamUser user(String acct, String name, PrincipalContext caller) throws QueryException {
        String shown = name != null ? name : callingUser(caller);
        IamConfiguration config = configuration.get();
        Optional<IamUser> user = name != null ? config.userByName(acct, name) : config.user(caller.arn());
        return user.orElseThrow(() -> new QueryException("NoSuchEntity", 404,
                "The user with name " + shown + " cannot be found."));
    }

    /** A device of another account is reported as absent. */
    private void ownDevice(String acct, String serial) throws QueryException {
        if (devices.device(serial).filter(d -> d.accountId().equals(acct)).isEmpty()) {
            throw new QueryException("NoSuchEntity", 404, "VirtualMFADevice with serial number " + serial
                    + " doesn't exist.");
        }
    }

    // ---- results ----------------------------------------------------------------------------------------------

    /** User as in ListUsers (Path, UserName, UserId, Arn, CreateDate); from the ARN alone if the user is gone. */
    private static void writeUser(XmlWriter out, String userArn, IamConfiguration config) {
        out.start("User");
        Optional<IamUser> user = config.user(userArn);
        if (user.isPresent()) {
            IamUser u = user.get();
            out.element("Path", u.path())
                    .element("UserName", u.name())
                    .element("UserId", u.userId())
                    .element("Arn", u.arn())
                    .element("CreateDate", u.createDate());
        } else {
            String rest = userArn.substring(userArn.indexOf(":user/") + ":user".length());
            int slash = rest.lastIndexOf('/');
            out.element("Path", rest.substring(0, slash + 1))
                    .element("UserName", rest.substring(slash + 1))
                    .element("Arn", userArn);
        }
        out.end();
    }

    private record Slice(List<MfaDevice> items, Optional<String> marker) {
    }

    /** One page of devices in serial-number order, starting at the device a marker points to. */
    private static Slice page(List<MfaDevice> devices, QueryParameters p) throws QueryException {
        List<MfaDevice> sorted = new ArrayList<>(devices);
        sorted.sort(Comparator.comparing(MfaDevice::serialNumber));
        int max = p.integer("MaxItems", "maxItems", DEFAULT_MAX_ITEMS);
        int start = 0;
        if (p.get("Marker") != null) {
            String from = decodeMarker(p.get("Marker"));
            while (start < sorted.size() && sorted.get(start).serialNumber().compareTo(from) < 0) {
                start++;
            }
        }
        int end = Math.min(sorted.size(), start + max);
        Optional<String> next = end < sorted.size()
                ? Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(
                        (MARKER_PREFIX + sorted.get(end).serialNumber()).getBytes(StandardCharsets.UTF_8)))
                : Optional.empty();
        return new Slice(List.copyOf(sorted.subList(start, end)), next);
    }

    private static String decodeMarker(String marker) throws QueryException {
        try {
            String text = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            if (text.startsWith(MARKER_PREFIX)) {
                return text.substring(MARKER_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new QueryException("InvalidInput", 400,
                "The marker is not valid; pass the Marker of the previous response unchanged.");
    }

    private static void writePaging(XmlWriter out, Slice page) {
        out.element("IsTruncated", page.marker().isPresent());
        page.marker().ifPresent(m -> out.element("Marker", m));
    }

    // ---- audit ------------------------------------------------------------------------------------------------

    private static void put(Map<String, Object> audit, String key, String value) {
        if (value != null) {
            audit.put(key, value);
        }
    }

    private static void putPaging(Map<String, Object> audit, QueryParameters p) {
        put(audit, "marker", p.get("Marker"));
        String max = p.get("MaxItems");
        if (max != null) {
            audit.put("maxItems", Integer.parseInt(max));
        }
    }

    private static void putTags(Map<String, Object> audit, QueryParameters p) throws QueryException {
        List<QueryParameters> items = p.structures("Tags");
        if (items.isEmpty()) {
            return;
        }
        List<Map<String, String>> tags = new ArrayList<>(items.size());
        for (QueryParameters item : items) {
            Map<String, String> tag = new LinkedHashMap<>();
            tag.put("key", item.get("Key"));
            tag.put("value", item.get("Value"));
            tags.add(tag);
        }
        audit.put("tags", tags);
    }

    @Override
    public String toString() {
        return "MfaQueryService[" + devices + "]";
    }
}
