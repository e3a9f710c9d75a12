package io.mlgate.sts.mfa;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The virtual MFA devices of all accounts, kept in {@code keys/mfa-devices.json} with each 160-bit TOTP seed sealed
 * under the {@link RootKey}: create (seed shown once), enable for a user with two consecutive codes, deactivate,
 * delete, list, and verify a code (RFC 6238, HMAC-SHA1, 30 s, 6 digits, one step either side, each step accepted at
 * most once per device, persisted). Thread-safe within one process.
 */
public final class VirtualMfaDevices {

    /** File name under keys/. */
    public static final String FILE = "mfa-devices.json";
    /** Most devices enabled for one user (AWS allows 8). */
    public static final int MAX_DEVICES_PER_USER = 8;

    private static final Pattern NAME = Pattern.compile("[\\w+=,.@-]{1,226}");
    private static final Pattern PATH = Pattern.compile("/|/[\\u0021-\\u007E]{0,510}/");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern CODE = Pattern.compile("\\d{6}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final class Entry {
        MfaDevice device;
        final byte[] sealedSeed;
        long lastUsedStep;

        Entry(MfaDevice device, byte[] sealedSeed, long lastUsedStep) {
            this.device = device;
            this.sealedSeed = sealedSeed;
            this.lastUsedStep = lastUsedStep;
        }
    }

    private final Path file;
    private final RootKey rootKey;
    private final Clock clock;
    private final String issuer;
    private final Map<String, Entry> devices = new LinkedHashMap<>();

    private VirtualMfaDevices(Path file, RootKey rootKey, Clock clock, String issuer) {
        this.file = file;
        this.rootKey = rootKey;
        this.clock = clock;
        this.issuer = issuer;
    }

    /**
     * Opens (or starts empty) the device store in {@code keysDir}.
     *
     * @param issuer the name authenticator apps show, e.g. {@code mlgate}
     */
    public static VirtualMfaDevices open(Path keysDir, RootKey rootKey, Clock clock, String issuer) throws IOException {
        Objects.requireNonNull(rootKey, "rootKey");
        Objects.requireNonNull(clock, "clock");
        AtomicFileWriter.ensurePrivateDirectory(keysDir);
        VirtualMfaDevices store = new VirtualMfaDevices(keysDir.resolve(FILE), rootKey, clock,
                Objects.requireNonNull(issuer, "issuer"));
        store.load();
        return store;
    }

    /** The serial number of a virtual device: {@code arn:aws:iam::ACCOUNT:mfa<path><name>}. */
    public static String serialNumber(String accountId, String path, String deviceName) {
        return "arn:aws:iam::" + accountId + ":mfa" + path + deviceName;
    }

    /** CreateVirtualMFADevice: a new unassigned device; the seed is returned this once. */
    public synchronized NewVirtualMfaDevice create(String accountId, String path, String deviceName)
            throws MfaException, IOException {
        String p = path == null ? "/" : path;
        if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
            throw new MfaException("ValidationError", 400, "The account id must be 12 digits.");
        }
        if (deviceName == null || !NAME.matcher(deviceName).matches()) {
            throw new MfaException("ValidationError", 400,
                    "The virtual MFA device name must be 1-226 characters of [\\w+=,.@-].");
        }
        if (!PATH.matcher(p).matches()) {
            throw new MfaException("ValidationError", 400, "The path must be '/' or start and end with '/'.");
        }
        String serial = serialNumber(accountId, p, deviceName);
        for (Entry e : devices.values()) {
            if (e.device.serialNumber().equalsIgnoreCase(serial)) {
                throw new MfaException("EntityAlreadyExists", 409, "MFADevice entity at the same path and name already exists.");
            }
        }
        byte[] seed = new byte[20];
        RANDOM.nextBytes(seed);
        try {
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            MfaDevice device = new MfaDevice(serial, accountId, null, now, null);
            devices.put(serial, new Entry(device, rootKey.seal(seed, associatedData(serial)), Long.MIN_VALUE));
            save();
            String base32 = Base32.encode(seed);
            String label = enc(issuer) + ":" + enc(deviceName) + "@" + enc(accountId);
            String uri = "otpauth://totp/" + label + "?secret=" + base32 + "&issuer=" + enc(issuer)
                    + "&algorithm=SHA1&digits=6&period=30";
            return new NewVirtualMfaDevice(device, base32, uri);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * EnableMFADevice: assigns an unassigned device to a user after checking two consecutive codes from it.
     *
     * @throws MfaException NoSuchEntity, EntityAlreadyExists (already enabled), LimitExceeded or
     *                      InvalidAuthenticationCode
     */
    public synchronized MfaDevice enable(String serialNumber, String userArn, String code1, String code2)
            throws MfaException, IOException {
        Objects.requireNonNull(userArn, "userArn");
        Entry e = entry(serialNumber);
        if (e.device.isEnabled()) {
            throw new MfaException("EntityAlreadyExists", 409, "MFA Device is already in use.");
        }
        if (!userArn.startsWith("arn:aws:iam::" + e.device.accountId() + ":user/")) {
            throw new MfaException("ValidationError", 400, "The MFA device and the user must be in the same account.");
        }
        if (listForUser(userArn).size() >= MAX_DEVICES_PER_USER) {
            throw new MfaException("LimitExceeded", 409, "Cannot exceed quota for MFA devices per user: "
                    + MAX_DEVICES_PER_USER + ".");
        }
        if (code1 == null || code2 == null || !CODE.matcher(code1).matches() || !CODE.matcher(code2).matches()) {
            throw invalidCode();
        }
        long now = Totp.step(clock.instant());
        byte[] seed = seed(e);
        try {
            for (long s = now - 2; s <= now + 1; s++) {
                if (Totp.same(Totp.code(seed, s), code1) && Totp.same(Totp.code(seed, s + 1), code2)) {
                    e.lastUsedStep = s + 1;
                    e.device = new MfaDevice(e.device.serialNumber(), e.device.accountId(), userArn,
                            e.device.createdAt(), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
                    save();
                    return e.device;
                }
            }
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
        throw invalidCode();
    }

    private static MfaException invalidCode() {
        return new MfaException("InvalidAuthenticationCode", 403, "Authentication code for device is not valid.");
    }

    /** DeactivateMFADevice: unassigns the device from the user (the device and seed remain). */
    public synchronized void deactivate(String serialNumber, String userArn) throws MfaException, IOException {
        Entry e = entry(serialNumber);
        if (!userArn.equals(e.device.userArn())) {
            throw new MfaException("NoSuchEntity", 404, "MFA Device with serial number " + serialNumber
                    + " is not enabled for " + userArn + ".");
        }
        e.device = new MfaDevice(e.device.serialNumber(), e.device.accountId(), null, e.device.createdAt(), null);
        save();
    }

    /** DeleteVirtualMFADevice: removes an unassigned device. */
    public synchronized void delete(String serialNumber) throws MfaException, IOException {
        Entry e = entry(serialNumber);
        if (e.device.isEnabled()) {
            throw new MfaException("DeleteConflict", 409, "MFA Device is in use; deactivate it first.");
        }
        devices.remove(e.device.serialNumber());
        save();
    }

    /** ListMFADevices: the devices enabled for a user. */
    public synchronized List<MfaDevice> listForUser(String userArn) {
        List<MfaDevice> out = new ArrayList<>();
        for (Entry e : devices.values()) {
            if (userArn.equals(e.device.userArn())) {
                out.add(e.device);
            }
        }
        return List.copyOf(out);
    }

    /** ListVirtualMFADevices: every device of an account, assigned or not. */
    public synchronized List<MfaDevice> listVirtual(String accountId) {
        return devices.values().stream().map(e -> e.device).filter(d -> d.accountId().equals(accountId)).toList();
    }

    public synchronized Optional<MfaDevice> device(String serialNumber) {
        Entry e = devices.get(serialNumber);
        return Optional.ofNullable(e == null ? null : e.device);
    }

    /**
     * Checks a code from the device enabled for {@code userArn}: true if it matches the current step or one either
     * side and that step (or a later one) was not used before; the step is then used up.
     */
    public synchronized boolean verify(String serialNumber, String userArn, String code) throws IOException {
        Entry e = serialNumber == null ? null : devices.get(serialNumber);
        if (e == null || userArn == null || !userArn.equals(e.device.userArn()) || code == null
                || !CODE.matcher(code).matches()) {
            return false;
        }
        long now = Totp.step(clock.instant());
        byte[] seed = seed(e);
        try {
            for (long s = now - 1; s <= now + 1; s++) {
                if (s > e.lastUsedStep && Totp.same(Totp.code(seed, s), code)) {
                    e.lastUsedStep = s;
                    save();
                    return true;
                }
            }
            return false;
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    private Entry entry(String serialNumber) throws MfaException {
        Entry e = serialNumber == null ? null : devices.get(serialNumber);
        if (e == null) {
            throw new MfaException("NoSuchEntity", 404, "VirtualMFADevice with serial number "
                    + (serialNumber == null ? "null" : serialNumber) + " doesn't exist.");
        }
        return e;
    }

    private byte[] seed(Entry e) {
        return rootKey.open(e.sealedSeed, associatedData(e.device.serialNumber()));
    }

    private static byte[] associatedData(String serial) {
        return ("mlgate/mfa-seed/v1/" + serial).getBytes(StandardCharsets.UTF_8);
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException ex) {
            throw new KeyCustodyException(file + " is not valid JSON", ex);
        }
        if (root == null || root.path("version").asInt(0) != 1 || !root.path("devices").isArray()) {
            throw new KeyCustodyException(file + " is not a version 1 MFA device file");
        }
        for (JsonNode n : root.path("devices")) {
            try {
                String serial = n.path("serialNumber").asString();
                String user = n.path("user").isString() ? n.path("user").asString() : null;
                Instant enabled = n.path("enabled").isString() ? Instant.parse(n.path("enabled").asString()) : null;
                MfaDevice d = new MfaDevice(serial, n.path("account").asString(), user,
                        Instant.parse(n.path("created").asString()), enabled);
                long last = n.path("lastUsedStep").isNumber() ? n.path("lastUsedStep").asLong() : Long.MIN_VALUE;
                devices.put(serial, new Entry(d, Base64.getDecoder().decode(n.path("seed").asString()), last));
            } catch (RuntimeException ex) {
                throw new KeyCustodyException(file + " has a malformed device entry");
            }
        }
    }

    private void save() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode arr = root.putArray("devices");
        for (Entry e : devices.values()) {
            ObjectNode n = arr.addObject();
            n.put("serialNumber", e.device.serialNumber());
            n.put("account", e.device.accountId());
            if (e.device.userArn() != null) {
                n.put("user", e.device.userArn());
                n.put("enabled", e.device.enabledAt().toString());
            }
            n.put("created", e.device.createdAt().toString());
            if (e.lastUsedStep != Long.MIN_VALUE) {
                n.put("lastUsedStep", e.lastUsedStep);
            }
            n.put("seed", Base64.getEncoder().encodeToString(e.sealedSeed));
        }
        AtomicFileWriter.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    @Override
    public String toString() {
        return "VirtualMfaDevices[" + file + "]";
    }
}
