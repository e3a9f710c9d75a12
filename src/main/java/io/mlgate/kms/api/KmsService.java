package io.mlgate.kms.api;

import io.mlgate.iam.eval.AccessDeniedMessage;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.eval.ResourcePolicyType;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.policy.PolicyParseException;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.kms.KeyArn;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The AWS KMS API ({@code TrentService}, JSON 1.1) for customer-managed symmetric keys held in a {@link KmsKeyStore}.
 * It authorizes every call itself: the key policy (a KMS key policy that must allow, or delegate to the account's
 * IAM policies), grants, and the caller's identity policies, with KMS's condition keys.
 */
public final class KmsService implements JsonService {

    static final Set<String> OPERATIONS = Set.of("CreateKey", "DescribeKey", "ListKeys", "CreateAlias", "ListAliases",
            "UpdateAlias", "DeleteAlias", "Encrypt", "Decrypt", "ReEncrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "GenerateRandom", "EnableKey", "DisableKey", "ScheduleKeyDeletion",
            "CancelKeyDeletion", "EnableKeyRotation", "DisableKeyRotation", "GetKeyRotationStatus",
            "RotateKeyOnDemand", "GetKeyPolicy", "PutKeyPolicy", "CreateGrant", "ListGrants", "RetireGrant",
            "RevokeGrant", "TagResource", "UntagResource", "ListResourceTags", "GetParametersForImport",
            "ImportKeyMaterial", "DeleteImportedKeyMaterial");

    /** Operations a grant can allow. */
    static final Set<String> GRANT_OPERATIONS = Set.of("Decrypt", "Encrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify", "GetPublicKey",
            "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
            "GenerateMac", "VerifyMac", "DeriveSharedSecret");
    /** Grant operations that take an encryption context, so that a context constraint makes sense. */
    private static final Set<String> CONTEXT_OPERATIONS = Set.of("Decrypt", "Encrypt", "GenerateDataKey",
            "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext", "CreateGrant", "RetireGrant");
    private static final Set<String> READ_ONLY = Set.of("DescribeKey", "ListKeys", "ListAliases", "GetKeyPolicy",
            "GetKeyRotationStatus", "ListGrants", "ListResourceTags", "GetParametersForImport");
    private static final Set<String> ALGORITHMS = Set.of("SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1",
            "RSAES_OAEP_SHA_256", "SM2PKE");
    /** Request members CloudTrail may show; never plaintext, ciphertext, tokens or key material. */
    private static final List<String> AUDITED_MEMBERS = List.of("KeyId", "SourceKeyId", "DestinationKeyId",
            "EncryptionContext", "SourceEncryptionContext", "DestinationEncryptionContext", "EncryptionAlgorithm",
            "SourceEncryptionAlgorithm", "DestinationEncryptionAlgorithm", "KeySpec", "NumberOfBytes", "Description",
            "KeyUsage", "CustomerMasterKeySpec", "Origin", "MultiRegion", "BypassPolicyLockoutSafetyCheck", "Policy",
            "PolicyName", "Tags", "TagKeys", "AliasName", "TargetKeyId", "GranteePrincipal", "RetiringPrincipal",
            "Operations", "Constraints", "Name", "GrantId", "Limit", "Marker", "PendingWindowInDays",
            "RotationPeriodInDays", "WrappingAlgorithm", "WrappingKeySpec", "ValidTo", "ExpirationModel",
            "ImportType", "KeyMaterialDescription", "DryRun");
    private static final Pattern ALIAS_NAME = Pattern.compile("alias/[a-zA-Z0-9:/_-]+");
    private static final Pattern PRINCIPAL = Pattern.compile("[\\w+=,.@:/-]+");
    private static final Pattern GRANT_ID = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_TAGS = 50;
    private static final int MAX_MATERIAL_VERSIONS = 26;
    private static final Duration IMPORT_PARAMETERS_LIFETIME = Duration.ofHours(24);
    private static final byte[] GRANT_TOKEN_MAGIC = "mgt1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IMPORT_TOKEN_MAGIC = "mgi1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KmsKeyStore store;
    private final java.util.function.Function<String, java.util.List<io.mlgate.iam.policy.IdentityPolicy>>
            resourceControlPolicies;
    private final PolicyEvaluator evaluator;
    private final Clock clock;
    private final String region;
    private final Map<UUID, CachedPolicy> policies = new ConcurrentHashMap<>();

    private record CachedPolicy(String text, IdentityPolicy policy) {
    }

    /**
     * @param store the persistent keys
     * @param evaluator the IAM evaluator used for key policies and identity policies
     * @param clock the time source (creation dates, deletion windows, rotation, import expiry)
     * @param region the region this service answers for (key ARNs, {@code alias/...} names)
     */
    public KmsService(KmsKeyStore store, PolicyEvaluator evaluator, Clock clock, String region) {
        this(store, evaluator, clock, region, account -> java.util.List.of());
    }

    /**
     * @param resourceControlPolicies the organization's RCPs for a key's account (policies/organization.json); their
     *                                denies apply to every call on the account's keys
     */
    public KmsService(KmsKeyStore store, PolicyEvaluator evaluator, Clock clock, String region,
                      java.util.function.Function<String, java.util.List<io.mlgate.iam.policy.IdentityPolicy>>
                              resourceControlPolicies) {
        this.resourceControlPolicies = Objects.requireNonNull(resourceControlPolicies, "resourceControlPolicies");
        this.store = Objects.requireNonNull(store, "store");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.region = Objects.requireNonNull(region, "region");
        new KeyArn(region, "000000000000", new UUID(0, 0)); // validates the region name
    }

    @Override
    public JsonApi api() {
        return JsonApi.KMS;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    @Override
    public boolean authorizesInternally(String operation) {
        return true;
    }

    /** The default key policy KMS gives a key created without one: the account root may do {@code kms:*}. */
    public static String defaultKeyPolicy(String accountId) {
        return "{\n  \"Version\" : \"2012-10-17\",\n  \"Id\" : \"key-default-1\",\n  \"Statement\" : [ {\n"
                + "    \"Sid\" : \"Enable IAM User Permissions\",\n    \"Effect\" : \"Allow\",\n"
                + "    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::" + accountId + ":root\"\n    },\n"
                + "    \"Action\" : \"kms:*\",\n    \"Resource\" : \"*\"\n  } ]\n}";
    }

    // ------------------------------------------------------------------ target

    @Override
    public JsonTarget target(String operation, JsonNode body, String accountId, PrincipalContext caller)
            throws JsonServiceException {
        requireOperation(operation);
        KmsRequest req = new KmsRequest(body);
        String resource = switch (operation) {
            case "CreateKey", "ListKeys", "GenerateRandom" -> "*";
            case "ListAliases" -> req.has("KeyId") ? resolve(req.string("KeyId", 1, 2048, true), accountId).arn()
                    .toString() : "*";
            case "CreateAlias", "UpdateAlias" -> resolve(req.string("TargetKeyId", 1, 2048, true), accountId).arn()
                    .toString();
            case "DeleteAlias" -> aliasArn(accountId, req.string("AliasName", 1, 256, true));
            case "Decrypt" -> ciphertextKey(req, "KeyId", accountId).arn().toString();
            case "ReEncrypt" -> ciphertextKey(req, "SourceKeyId", accountId).arn().toString();
            case "RetireGrant" -> req.has("KeyId") ? resolve(req.string("KeyId", 1, 2048, true), accountId).arn()
                    .toString() : grantTokenKey(req.string("GrantToken", 1, 8192, false));
            default -> resolve(req.string("KeyId", 1, 2048, true), accountId).arn().toString();
        };
        String action = "kms:" + (operation.equals("ReEncrypt") ? "ReEncryptFrom" : operation);
        Map<String, Object> params = new LinkedHashMap<>();
        for (String member : AUDITED_MEMBERS) {
            JsonNode n = body.get(member);
            if (n != null && !n.isNull()) {
                params.put(KmsRequest.camel(member), member.endsWith("EncryptionContext") && n.isObject()
                        ? plainMap(n) : plain(n));
            }
        }
        return new JsonTarget(action, resource, "AWS::KMS::Key", READ_ONLY.contains(operation), params);
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(KmsRequest.camel(e.getKey()), n.get(e.getKey()).isObject()
                    && e.getKey().startsWith("EncryptionContext") ? plainMap(e.getValue()) : plain(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(i -> l.add(plain(i)));
            return l;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        return n.asString();
    }

    /** Encryption context maps keep their keys as written. */
    private static Object plainMap(JsonNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), e.getValue().asString()));
        return m;
    }

    private KmsKey ciphertextKey(KmsRequest req, String keyIdMember, String accountId) throws JsonServiceException {
        if (req.has(keyIdMember)) {
            return resolve(req.string(keyIdMember, 1, 2048, true), accountId);
        }
        byte[] blob = req.blob("CiphertextBlob", 1, 6144, true);
        return keyOfCiphertext(KmsCiphertext.header(blob));
    }

    private String grantTokenKey(String token) throws JsonServiceException {
        if (token == null) {
            throw KmsErrors.validation("1 validation error detected: specify a GrantToken, or a KeyId and GrantId");
        }
        return liveKey(parseGrantToken(token).keyId()).map(k -> k.arn().toString())
                .orElseThrow(() -> KmsErrors.notFound("Grant not found."));
    }

    // ------------------------------------------------------------------ invoke

    @Override
    public JsonNode invoke(String operation, JsonNode body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        requireOperation(operation);
        Call call = new Call(new KmsRequest(body), caller, context);
        return switch (operation) {
            case "CreateKey" -> createKey(call);
            case "DescribeKey" -> describeKey(call);
            case "ListKeys" -> listKeys(call);
            case "CreateAlias" -> createAlias(call);
            case "ListAliases" -> listAliases(call);
            case "UpdateAlias" -> updateAlias(call);
            case "DeleteAlias" -> deleteAlias(call);
            case "Encrypt" -> encrypt(call);
            case "Decrypt" -> decrypt(call);
            case "ReEncrypt" -> reEncrypt(call);
            case "GenerateDataKey" -> generateDataKey(call, true);
            case "GenerateDataKeyWithoutPlaintext" -> generateDataKey(call, false);
            case "GenerateRandom" -> generateRandom(call);
            case "EnableKey" -> setEnabled(call, true);
            case "DisableKey" -> setEnabled(call, false);
            case "ScheduleKeyDeletion" -> scheduleKeyDeletion(call);
            case "CancelKeyDeletion" -> cancelKeyDeletion(call);
            case "EnableKeyRotation" -> setRotation(call, true);
            case "DisableKeyRotation" -> setRotation(call, false);
            case "GetKeyRotationStatus" -> getKeyRotationStatus(call);
            case "RotateKeyOnDemand" -> rotateKeyOnDemand(call);
            case "GetKeyPolicy" -> getKeyPolicy(call);
            case "PutKeyPolicy" -> putKeyPolicy(call);
            case "CreateGrant" -> createGrant(call);
            case "ListGrants" -> listGrants(call);
            case "RetireGrant" -> retireGrant(call);
            case "RevokeGrant" -> revokeGrant(call);
            case "TagResource" -> tagResource(call);
            case "UntagResource" -> untagResource(call);
            case "ListResourceTags" -> listResourceTags(call);
            case "GetParametersForImport" -> getParametersForImport(call);
            case "ImportKeyMaterial" -> importKeyMaterial(call);
            case "DeleteImportedKeyMaterial" -> deleteImportedKeyMaterial(call);
            default -> throw new IllegalStateException("unrouted operation " + operation);
        };
    }

    private record Call(KmsRequest req, PrincipalContext caller, RequestContext context) {
        String account() {
            return caller.accountId();
        }
    }

    private static void requireOperation(String operation) throws JsonServiceException {
        if (!OPERATIONS.contains(operation)) {
            throw new JsonServiceException("UnknownOperationException", 400, "Unknown operation " + operation);
        }
    }

    // ------------------------------------------------------------------ keys

    private JsonNode createKey(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        String policyText = r.string("Policy", 1, 131072, false);
        String description = Optional.ofNullable(r.string("Description", 0, 8192, false)).orElse("");
        String usage = r.string("KeyUsage", 1, 64, false);
        String spec = r.string("KeySpec", 1, 64, false);
        String cmkSpec = r.string("CustomerMasterKeySpec", 1, 64, false);
        String origin = Optional.ofNullable(r.string("Origin", 1, 64, false)).orElse(KmsKey.AWS_KMS);
        if (usage != null && !usage.equals("ENCRYPT_DECRYPT")
                || spec != null && !spec.equals("SYMMETRIC_DEFAULT")
                || cmkSpec != null && !cmkSpec.equals("SYMMETRIC_DEFAULT")) {
            throw KmsErrors.unsupported("Only symmetric encryption keys (KeySpec SYMMETRIC_DEFAULT, KeyUsage "
                    + "ENCRYPT_DECRYPT) are supported.");
        }
        if (!origin.equals(KmsKey.AWS_KMS) && !origin.equals(KmsKey.EXTERNAL)) {
            throw KmsErrors.unsupported("Origin " + origin + " is not supported; use AWS_KMS or EXTERNAL.");
        }
        if (r.has("CustomKeyStoreId")) {
            throw KmsErrors.of("CustomKeyStoreNotFoundException", "Custom key stores are not supported.");
        }
        if (r.bool("MultiRegion")) {
            throw KmsErrors.unsupported("Multi-Region keys are not supported.");
        }
        Map<String, String> tags = r.tags("Tags", false);
        if (tags.size() > MAX_TAGS) {
            throw KmsErrors.of("TagException", "A key can have at most " + MAX_TAGS + " tags.");
        }
        RequestContext ctx = withKmsKeys(c, null).put("kms:KeyOrigin", origin).put("kms:KeySpec", "SYMMETRIC_DEFAULT")
                .put("kms:KeyUsage", "ENCRYPT_DECRYPT").put("kms:MultiRegion", "false").build();
        AuthorizationRequest.Builder auth = AuthorizationRequest.builder(c.caller(), "kms:CreateKey", "*").context(ctx);
        if (!tags.isEmpty()) {
            auth.requestTags(tags);
        }
        requireAllowed(auth.build());

        Instant now = now();
        KmsKey.Draft d = new KmsKey.Draft();
        d.description = description;
        d.origin = origin;
        d.creationDate = now;
        d.tags.putAll(tags);
        d.policy = policyText == null ? defaultKeyPolicy(c.account()) : policyText;
        if (origin.equals(KmsKey.EXTERNAL)) {
            d.state = KmsKeyState.PENDING_IMPORT;
        } else {
            d.state = KmsKeyState.ENABLED;
            d.materials.add(new KmsKey.Material(1, now, new SecretBytes(random(32))));
        }
        KmsKey created = store.write(ch -> {
            UUID id;
            do {
                id = UUID.randomUUID();
            } while (ch.contains(id));
            d.arn = new KeyArn(region, c.account(), id);
            KmsKey key = d.build();
            if (policyText != null) {
                checkPolicy(c, key, r.bool("BypassPolicyLockoutSafetyCheck"));
            }
            ch.put(key);
            return key;
        });
        ObjectNode out = JsonBodies.object();
        out.set("KeyMetadata", metadata(created));
        return out;
    }

    private JsonNode describeKey(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        c.req().strings("GrantTokens", 10, 8192, false);
        authorize(c, "DescribeKey", key, Auth.NONE);
        ObjectNode out = JsonBodies.object();
        out.set("KeyMetadata", metadata(key));
        return out;
    }

    private JsonNode listKeys(Call c) throws JsonServiceException {
        int limit = Optional.ofNullable(c.req().integer("Limit", 1, 1000)).orElse(100);
        int start = marker(c.req());
        requireAllowed(AuthorizationRequest.builder(c.caller(), "kms:ListKeys", "*")
                .context(withKmsKeys(c, null).build()).build());
        List<KmsKey> keys = store.list().stream()
                .filter(k -> k.accountId().equals(c.account()) && k.region().equals(region) && alive(k)).toList();
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("Keys");
        int end = Math.min(keys.size(), start + limit);
        for (KmsKey k : keys.subList(Math.min(start, keys.size()), end)) {
            array.addObject().put("KeyId", k.keyId().toString()).put("KeyArn", k.arn().toString());
        }
        page(out, end, keys.size());
        return out;
    }

    private JsonNode setEnabled(Call c, boolean enable) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        authorize(c, enable ? "EnableKey" : "DisableKey", key, Auth.NONE);
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.state() == KmsKeyState.PENDING_DELETION || k.state() == KmsKeyState.PENDING_IMPORT) {
                throw stateError(k);
            }
            KmsKey.Draft d = k.draft();
            d.state = enable ? KmsKeyState.ENABLED : KmsKeyState.DISABLED;
            ch.put(d.build());
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode scheduleKeyDeletion(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        Integer window = c.req().integer("PendingWindowInDays", 1, 365);
        int days = window == null ? 30 : window;
        if (days < 7 || days > 30) {
            throw KmsErrors.validation("PendingWindowInDays must be between 7 and 30.");
        }
        authorize(c, "ScheduleKeyDeletion", key, Auth.NONE);
        KmsKey scheduled = store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.state() == KmsKeyState.PENDING_DELETION) {
                throw stateError(k);
            }
            KmsKey.Draft d = k.draft();
            d.state = KmsKeyState.PENDING_DELETION;
            d.pendingWindowDays = days;
            d.deletionDate = now().plus(Duration.ofDays(days));
            KmsKey next = d.build();
            ch.put(next);
            return next;
        });
        ObjectNode out = JsonBodies.object();
        out.put("KeyId", scheduled.arn().toString());
        putTime(out, "DeletionDate", scheduled.deletionDate());
        out.put("KeyState", scheduled.state().wireName());
        out.put("PendingWindowInDays", days);
        return out;
    }

    private JsonNode cancelKeyDeletion(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        authorize(c, "CancelKeyDeletion", key, Auth.NONE);
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.state() != KmsKeyState.PENDING_DELETION) {
                throw KmsErrors.invalidState(k.arn() + " is not pending deletion.");
            }
            KmsKey.Draft d = k.draft();
            d.state = k.materials().isEmpty() ? KmsKeyState.PENDING_IMPORT : KmsKeyState.DISABLED;
            d.deletionDate = null;
            d.pendingWindowDays = null;
            ch.put(d.build());
            return null;
        });
        ObjectNode out = JsonBodies.object();
        out.put("KeyId", key.arn().toString());
        return out;
    }

    // ------------------------------------------------------------------ aliases

    private JsonNode createAlias(Call c) throws JsonServiceException {
        String alias = aliasName(c.req().string("AliasName", 1, 256, true));
        String target = c.req().string("TargetKeyId", 1, 2048, true);
        requireKeyReference(target);
        KmsKey key = resolveLive(target, c.account());
        authorizeAlias(c, "CreateAlias", alias);
        authorize(c, "CreateAlias", key, Auth.NONE);
        store.write(ch -> {
            if (ch.byAlias(c.account(), region, alias).isPresent()) {
                throw KmsErrors.of("AlreadyExistsException", "An alias with the name "
                        + aliasArn(c.account(), alias) + " already exists");
            }
            KmsKey k = current(ch, key.keyId());
            if (k.state() == KmsKeyState.PENDING_DELETION) {
                throw stateError(k);
            }
            KmsKey.Draft d = k.draft();
            Instant now = now();
            d.aliases.add(new KmsKey.Alias(alias, now, now));
            ch.put(d.build());
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode updateAlias(Call c) throws JsonServiceException {
        String alias = aliasName(c.req().string("AliasName", 1, 256, true));
        String target = c.req().string("TargetKeyId", 1, 2048, true);
        requireKeyReference(target);
        KmsKey newKey = resolveLive(target, c.account());
        KmsKey oldKey = liveAlias(c.account(), alias);
        authorizeAlias(c, "UpdateAlias", alias);
        authorize(c, "UpdateAlias", oldKey, Auth.NONE);
        authorize(c, "UpdateAlias", newKey, Auth.NONE);
        if (!newKey.accountId().equals(oldKey.accountId())) {
            throw KmsErrors.validation("An alias can only point at a key in its own account.");
        }
        store.write(ch -> {
            KmsKey from = ch.byAlias(c.account(), region, alias).orElseThrow(() -> aliasNotFound(c.account(), alias));
            KmsKey to = current(ch, newKey.keyId());
            if (to.state() == KmsKeyState.PENDING_DELETION) {
                throw stateError(to);
            }
            if (from.keyId().equals(to.keyId())) {
                return null;
            }
            KmsKey.Alias old = from.aliases().stream().filter(a -> a.name().equals(alias)).findFirst().orElseThrow();
            KmsKey.Draft fd = from.draft();
            fd.aliases.remove(old);
            ch.put(fd.build());
            KmsKey.Draft td = to.draft();
            td.aliases.add(new KmsKey.Alias(alias, old.creationDate(), now()));
            ch.put(td.build());
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode deleteAlias(Call c) throws JsonServiceException {
        String alias = aliasName(c.req().string("AliasName", 1, 256, true));
        KmsKey key = liveAlias(c.account(), alias);
        authorizeAlias(c, "DeleteAlias", alias);
        authorize(c, "DeleteAlias", key, Auth.NONE);
        store.write(ch -> {
            KmsKey k = ch.byAlias(c.account(), region, alias).orElseThrow(() -> aliasNotFound(c.account(), alias));
            KmsKey.Draft d = k.draft();
            d.aliases.removeIf(a -> a.name().equals(alias));
            ch.put(d.build());
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode listAliases(Call c) throws JsonServiceException {
        int limit = Optional.ofNullable(c.req().integer("Limit", 1, 100)).orElse(50);
        int start = marker(c.req());
        KmsKey only = c.req().has("KeyId") ? resolveLive(c.req().string("KeyId", 1, 2048, true), c.account()) : null;
        requireAllowed(AuthorizationRequest.builder(c.caller(), "kms:ListAliases", "*")
                .context(withKmsKeys(c, null).build()).build());
        List<ObjectNode> entries = new ArrayList<>();
        for (KmsKey k : store.list()) {
            if (!k.accountId().equals(c.account()) || !k.region().equals(region) || !alive(k)
                    || only != null && !only.keyId().equals(k.keyId())) {
                continue;
            }
            for (KmsKey.Alias a : k.aliases()) {
                ObjectNode e = JsonBodies.object();
                e.put("AliasName", a.name());
                e.put("AliasArn", aliasArn(k.accountId(), a.name()));
                e.put("TargetKeyId", k.keyId().toString());
                putTime(e, "CreationDate", a.creationDate());
                putTime(e, "LastUpdatedDate", a.lastUpdatedDate());
                entries.add(e);
            }
        }
        entries.sort((a, b) -> a.get("AliasName").asString().compareTo(b.get("AliasName").asString()));
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("Aliases");
        int end = Math.min(entries.size(), start + limit);
        entries.subList(Math.min(start, entries.size()), end).forEach(array::add);
        page(out, end, entries.size());
        return out;
    }

    private String aliasName(String name) throws JsonServiceException {
        if (!ALIAS_NAME.matcher(name).matches()) {
            throw KmsErrors.of("InvalidAliasNameException", "Alias must start with the prefix \"alias/\" and "
                    + "contain only alphanumeric characters, '/', '_', '-' or ':'.");
        }
        if (name.startsWith("alias/aws/")) {
            throw KmsErrors.of("InvalidAliasNameException", "Alias names beginning with alias/aws/ are reserved "
                    + "for AWS managed keys.");
        }
        return name;
    }

    private static void requireKeyReference(String target) throws JsonServiceException {
        if (target.startsWith("alias/") || target.contains(":alias/")) {
            throw KmsErrors.validation("TargetKeyId must be a key id or key ARN, not an alias.");
        }
    }

    private KmsKey liveAlias(String account, String alias) throws JsonServiceException {
        KmsKey key = store.byAlias(account, region, alias).orElseThrow(() -> aliasNotFound(account, alias));
        return liveKey(key.keyId()).orElseThrow(() -> aliasNotFound(account, alias));
    }

    private JsonServiceException aliasNotFound(String account, String alias) {
        return KmsErrors.notFound("Alias " + aliasArn(account, alias) + " is not found.");
    }

    private String aliasArn(String account, String alias) {
        return "arn:aws:kms:" + region + ":" + account + ":" + alias;
    }

    /** CreateAlias and friends also need permission on the alias itself, from IAM policies. */
    private void authorizeAlias(Call c, String op, String alias) throws JsonServiceException {
        if (!c.caller().type().isAccountIdentity() || c.caller().type() == io.mlgate.iam.eval.PrincipalType.ACCOUNT) {
            return;
        }
        requireAllowed(AuthorizationRequest.builder(c.caller(), "kms:" + op, aliasArn(c.account(), alias))
                .context(withKmsKeys(c, null).build()).build());
    }

    // ------------------------------------------------------------------ cryptography

    private JsonNode encrypt(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        KmsKey key = resolveLive(r.string("KeyId", 1, 2048, true), c.account());
        byte[] plaintext = r.blob("Plaintext", 1, 4096, true);
        Map<String, String> ec = r.map("EncryptionContext");
        grantTokens(r);
        symmetricAlgorithm(r, "EncryptionAlgorithm");
        authorize(c, "Encrypt", key, Auth.context(ec));
        KmsKey.Material material = usableMaterial(key);
        dryRun(r);
        try {
            ObjectNode out = JsonBodies.object();
            putBlob(out, "CiphertextBlob", KmsCiphertext.seal(key.keyId(), material, plaintext, ec));
            out.put("KeyId", key.arn().toString());
            out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
            return out;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private JsonNode decrypt(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        byte[] blob = r.blob("CiphertextBlob", 1, 6144, true);
        Map<String, String> ec = r.map("EncryptionContext");
        grantTokens(r);
        symmetricAlgorithm(r, "EncryptionAlgorithm");
        if (r.has("Recipient")) {
            throw KmsErrors.unsupported("Recipient (Nitro Enclaves attestation) is not supported.");
        }
        KmsCiphertext.Header header = KmsCiphertext.header(blob);
        KmsKey key = sourceKey(r, "KeyId", header, c.account());
        authorize(c, "Decrypt", key, Auth.context(ec));
        byte[] plaintext = openCiphertext(key, header, blob, ec);
        dryRun(r);
        try {
            ObjectNode out = JsonBodies.object();
            out.put("KeyId", key.arn().toString());
            putBlob(out, "Plaintext", plaintext);
            out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
            return out;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private JsonNode reEncrypt(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        byte[] blob = r.blob("CiphertextBlob", 1, 6144, true);
        Map<String, String> sourceEc = r.map("SourceEncryptionContext");
        Map<String, String> destEc = r.map("DestinationEncryptionContext");
        grantTokens(r);
        symmetricAlgorithm(r, "SourceEncryptionAlgorithm");
        symmetricAlgorithm(r, "DestinationEncryptionAlgorithm");
        KmsCiphertext.Header header = KmsCiphertext.header(blob);
        KmsKey source = sourceKey(r, "SourceKeyId", header, c.account());
        KmsKey dest = resolveLive(r.string("DestinationKeyId", 1, 2048, true), c.account());
        authorize(c, "ReEncryptFrom", source, Auth.context(sourceEc));
        authorize(c, "ReEncryptTo", dest, Auth.context(destEc));
        byte[] plaintext = openCiphertext(source, header, blob, sourceEc);
        try {
            KmsKey.Material material = usableMaterial(dest);
            dryRun(r);
            ObjectNode out = JsonBodies.object();
            putBlob(out, "CiphertextBlob", KmsCiphertext.seal(dest.keyId(), material, plaintext, destEc));
            out.put("SourceKeyId", source.arn().toString());
            out.put("KeyId", dest.arn().toString());
            out.put("SourceEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
            out.put("DestinationEncryptionAlgorithm", "SYMMETRIC_DEFAULT");
            return out;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private JsonNode generateDataKey(Call c, boolean withPlaintext) throws JsonServiceException {
        KmsRequest r = c.req();
        KmsKey key = resolveLive(r.string("KeyId", 1, 2048, true), c.account());
        Map<String, String> ec = r.map("EncryptionContext");
        String spec = r.enumValue("KeySpec", Set.of("AES_256", "AES_128"), false);
        Integer bytes = r.integer("NumberOfBytes", 1, 1024);
        grantTokens(r);
        if ((spec == null) == (bytes == null)) {
            throw KmsErrors.validation(spec == null ? "Please specify either number of bytes or key spec."
                    : "Please specify either number of bytes or key spec, not both.");
        }
        if (r.has("Recipient")) {
            throw KmsErrors.unsupported("Recipient (Nitro Enclaves attestation) is not supported.");
        }
        int length = bytes != null ? bytes : spec.equals("AES_256") ? 32 : 16;
        authorize(c, withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext", key, Auth.context(ec));
        KmsKey.Material material = usableMaterial(key);
        dryRun(r);
        byte[] dataKey = random(length);
        try {
            ObjectNode out = JsonBodies.object();
            putBlob(out, "CiphertextBlob", KmsCiphertext.seal(key.keyId(), material, dataKey, ec));
            if (withPlaintext) {
                putBlob(out, "Plaintext", dataKey);
            }
            out.put("KeyId", key.arn().toString());
            return out;
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private JsonNode generateRandom(Call c) throws JsonServiceException {
        Integer n = c.req().integer("NumberOfBytes", 1, 1024);
        if (n == null) {
            throw KmsErrors.validation("1 validation error detected: Value null at 'numberOfBytes' failed to "
                    + "satisfy constraint: Member must not be null");
        }
        if (c.req().has("CustomKeyStoreId")) {
            throw KmsErrors.of("CustomKeyStoreNotFoundException", "Custom key stores are not supported.");
        }
        if (c.req().has("Recipient")) {
            throw KmsErrors.unsupported("Recipient (Nitro Enclaves attestation) is not supported.");
        }
        requireAllowed(AuthorizationRequest.builder(c.caller(), "kms:GenerateRandom", "*")
                .context(withKmsKeys(c, null).build()).build());
        byte[] bytes = random(n);
        try {
            ObjectNode out = JsonBodies.object();
            putBlob(out, "Plaintext", bytes);
            return out;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private KmsKey sourceKey(KmsRequest r, String member, KmsCiphertext.Header header, String account)
            throws JsonServiceException {
        KmsKey key = keyOfCiphertext(header);
        if (r.has(member)) {
            KmsKey named = resolveLive(r.string(member, 1, 2048, true), account);
            if (!named.keyId().equals(key.keyId())) {
                throw KmsErrors.of("IncorrectKeyException", "The key ID in the request does not identify a CMK "
                        + "that can perform this operation.");
            }
        }
        return key;
    }

    private KmsKey keyOfCiphertext(KmsCiphertext.Header header) throws JsonServiceException {
        return liveKey(header.keyId()).orElseThrow(KmsErrors::invalidCiphertext);
    }

    private static byte[] openCiphertext(KmsKey key, KmsCiphertext.Header header, byte[] blob,
            Map<String, String> ec) throws JsonServiceException {
        requireUsable(key);
        KmsKey.Material material = key.material(header.materialVersion()).orElseThrow(KmsErrors::invalidCiphertext);
        return KmsCiphertext.open(material, blob, ec);
    }

    private static KmsKey.Material usableMaterial(KmsKey key) throws JsonServiceException {
        requireUsable(key);
        return key.current().orElseThrow(() -> KmsErrors.invalidState(key.arn() + " is pending import."));
    }

    private static void requireUsable(KmsKey key) throws JsonServiceException {
        if (key.state() != KmsKeyState.ENABLED) {
            throw stateError(key);
        }
    }

    private static JsonServiceException stateError(KmsKey key) {
        return switch (key.state()) {
            case DISABLED -> KmsErrors.disabled(key.arn() + " is disabled.");
            case PENDING_DELETION -> KmsErrors.invalidState(key.arn() + " is pending deletion.");
            case PENDING_IMPORT -> KmsErrors.invalidState(key.arn() + " is pending import.");
            case ENABLED -> KmsErrors.invalidState(key.arn() + " is enabled.");
        };
    }

    private static void symmetricAlgorithm(KmsRequest r, String member) throws JsonServiceException {
        String algorithm = r.enumValue(member, ALGORITHMS, false);
        if (algorithm != null && !algorithm.equals("SYMMETRIC_DEFAULT")) {
            throw KmsErrors.of("InvalidKeyUsageException", "The encryption algorithm " + algorithm
                    + " is not valid for a symmetric encryption key.");
        }
    }

    private static void dryRun(KmsRequest r) throws JsonServiceException {
        if (r.bool("DryRun")) {
            throw KmsErrors.of("DryRunOperationException", "The request would have succeeded, but the DryRun "
                    + "option is set.");
        }
    }

    // ------------------------------------------------------------------ rotation

    private JsonNode setRotation(Call c, boolean enable) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        Integer period = enable ? c.req().integer("RotationPeriodInDays", 90, 2560) : null;
        authorize(c, enable ? "EnableKeyRotation" : "DisableKeyRotation", key, Auth.NONE);
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.origin().equals(KmsKey.EXTERNAL)) {
                throw KmsErrors.unsupported(k.arn() + " origin is EXTERNAL which is not valid for this operation.");
            }
            if (k.state() != KmsKeyState.ENABLED) {
                throw stateError(k);
            }
            KmsKey.Draft d = k.draft();
            d.rotationEnabled = enable;
            if (enable) {
                d.rotationPeriodDays = period == null ? KmsKey.DEFAULT_ROTATION_DAYS : period;
                d.nextRotationDate = now().plus(Duration.ofDays(d.rotationPeriodDays));
            } else {
                d.nextRotationDate = null;
            }
            ch.put(d.build());
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode getKeyRotationStatus(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        authorize(c, "GetKeyRotationStatus", key, Auth.NONE);
        if (key.origin().equals(KmsKey.EXTERNAL)) {
            throw KmsErrors.unsupported(key.arn() + " origin is EXTERNAL which is not valid for this operation.");
        }
        if (key.state() == KmsKeyState.PENDING_DELETION) {
            throw stateError(key);
        }
        ObjectNode out = JsonBodies.object();
        out.put("KeyRotationEnabled", key.rotationEnabled());
        out.put("KeyId", key.arn().toString());
        if (key.rotationEnabled()) {
            out.put("RotationPeriodInDays", key.rotationPeriodDays());
            putTime(out, "NextRotationDate", key.nextRotationDate());
        }
        return out;
    }

    private JsonNode rotateKeyOnDemand(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        authorize(c, "RotateKeyOnDemand", key, Auth.NONE);
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.origin().equals(KmsKey.EXTERNAL)) {
                throw KmsErrors.unsupported(k.arn() + " origin is EXTERNAL which is not valid for this operation.");
            }
            if (k.state() != KmsKeyState.ENABLED) {
                throw stateError(k);
            }
            if (k.materials().size() >= MAX_MATERIAL_VERSIONS) {
                throw KmsErrors.of("LimitExceededException", "The on-demand rotation limit for " + k.arn()
                        + " has been reached.");
            }
            ch.put(rotated(k, now()));
            return null;
        });
        ObjectNode out = JsonBodies.object();
        out.put("KeyId", key.arn().toString());
        return out;
    }

    private static KmsKey rotated(KmsKey k, Instant at) {
        KmsKey.Draft d = k.draft();
        int next = k.current().map(KmsKey.Material::version).orElse(0) + 1;
        d.materials.add(new KmsKey.Material(next, at, new SecretBytes(random(32))));
        return d.build();
    }

    // ------------------------------------------------------------------ key policy

    private JsonNode getKeyPolicy(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        String name = policyName(c.req());
        authorize(c, "GetKeyPolicy", key, Auth.NONE);
        ObjectNode out = JsonBodies.object();
        out.put("Policy", key.policy());
        out.put("PolicyName", name);
        return out;
    }

    private JsonNode putKeyPolicy(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        policyName(c.req());
        String policy = c.req().string("Policy", 1, 131072, true);
        boolean bypass = c.req().bool("BypassPolicyLockoutSafetyCheck");
        authorize(c, "PutKeyPolicy", key, Auth.NONE);
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.state() == KmsKeyState.PENDING_DELETION) {
                throw stateError(k);
            }
            KmsKey.Draft d = k.draft();
            d.policy = policy;
            KmsKey next = d.build();
            checkPolicy(c, next, bypass);
            ch.put(next);
            return null;
        });
        return JsonBodies.object();
    }

    private static String policyName(KmsRequest r) throws JsonServiceException {
        String name = Optional.ofNullable(r.string("PolicyName", 1, 128, false)).orElse("default");
        if (!name.equals("default")) {
            throw KmsErrors.notFound("No such policy exists: " + name + ". The only valid policy name is default.");
        }
        return name;
    }

    /** Parses a new key policy and, unless bypassed, refuses one that would lock the caller out of PutKeyPolicy. */
    private void checkPolicy(Call c, KmsKey key, boolean bypass) throws JsonServiceException {
        keyPolicy(key, true);
        if (!bypass) {
            AuthorizationRequest request = keyRequest(c, "kms:PutKeyPolicy", key, Auth.NONE);
            if (!decide(request).isAllowed()) {
                throw KmsErrors.of("MalformedPolicyDocumentException", "The new key policy will not allow you to "
                        + "update the key policy in the future.");
            }
        }
    }

    private IdentityPolicy keyPolicy(KmsKey key, boolean fresh) throws JsonServiceException {
        CachedPolicy cached = fresh ? null : policies.get(key.keyId());
        if (cached != null && cached.text().equals(key.policy())) {
            return cached.policy();
        }
        IdentityPolicy policy;
        try {
            policy = IdentityPolicy.inline("default", key.arn().toString(),
                    PolicyParser.parse(key.policy(), "key policy of " + key.arn(), PolicyKind.RESOURCE));
        } catch (PolicyParseException e) {
            throw KmsErrors.of("MalformedPolicyDocumentException", "The key policy is not valid: "
                    + e.getMessage());
        }
        if (!fresh) {
            policies.put(key.keyId(), new CachedPolicy(key.policy(), policy));
        }
        return policy;
    }

    // ------------------------------------------------------------------ grants

    private JsonNode createGrant(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        KmsKey key = resolveLive(r.string("KeyId", 1, 2048, true), c.account());
        String grantee = principal(r, "GranteePrincipal", true);
        String retiring = principal(r, "RetiringPrincipal", false);
        if (r.has("GranteeServicePrincipal") || r.has("RetiringServicePrincipal")) {
            throw KmsErrors.unsupported("Service principals in grants are not supported.");
        }
        List<String> ops = new ArrayList<>(new LinkedHashSet<>(r.strings("Operations", 32, 64, true)));
        if (ops.isEmpty()) {
            throw KmsErrors.validation("1 validation error detected: Value at 'operations' failed to satisfy "
                    + "constraint: Member must have length greater than or equal to 1");
        }
        for (String op : ops) {
            if (!GRANT_OPERATIONS.contains(op)) {
                throw KmsErrors.validation("1 validation error detected: Value '" + op + "' at 'operations' failed "
                        + "to satisfy constraint: Member must satisfy enum value set: " + GRANT_OPERATIONS);
            }
        }
        Map<String, String> subset = null;
        Map<String, String> equals = null;
        JsonNode constraints = r.node("Constraints");
        if (constraints != null && !constraints.isNull()) {
            if (!constraints.isObject()) {
                throw KmsErrors.serialization("Member Constraints must be an object.");
            }
            if (constraints.has("SourceArn")) {
                throw KmsErrors.unsupported("The SourceArn grant constraint is not supported.");
            }
            if (constraints.has("EncryptionContextSubset")) {
                subset = KmsRequest.map(constraints.get("EncryptionContextSubset"), "EncryptionContextSubset");
            }
            if (constraints.has("EncryptionContextEquals")) {
                equals = KmsRequest.map(constraints.get("EncryptionContextEquals"), "EncryptionContextEquals");
            }
            if (subset != null && equals != null) {
                throw KmsErrors.validation("A grant can have an EncryptionContextEquals or an "
                        + "EncryptionContextSubset constraint, not both.");
            }
            if (subset != null || equals != null) {
                for (String op : ops) {
                    if (!CONTEXT_OPERATIONS.contains(op)) {
                        throw KmsErrors.validation("Grant constraints are not valid with the " + op + " operation, "
                                + "which does not take an encryption context.");
                    }
                }
            }
        }
        String name = r.string("Name", 1, 256, false);
        if (name != null && !ALIAS_NAME.matcher("alias/" + name).matches()) {
            throw KmsErrors.validation("1 validation error detected: Value at 'name' failed to satisfy constraint: "
                    + "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        }
        grantTokens(r);
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put("kms:GrantOperations", ops);
        keys.put("kms:GranteePrincipal", List.of(grantee));
        if (retiring != null) {
            keys.put("kms:RetiringPrincipal", List.of(retiring));
        }
        if (subset != null || equals != null) {
            keys.put("kms:GrantConstraintType", List.of(subset != null ? "EncryptionContextSubset"
                    : "EncryptionContextEquals"));
        }
        Map<String, String> constraint = subset != null ? subset : equals;
        authorize(c, "CreateGrant", key, new Auth(constraint, null, null, keys, ops));
        if (key.state() == KmsKeyState.DISABLED || key.state() == KmsKeyState.PENDING_DELETION) {
            throw stateError(key);
        }
        dryRun(r);
        byte[] grantIdBytes = random(32);
        byte[] secret = random(32);
        String grantId = HexFormat.of().formatHex(grantIdBytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(ByteBuffer.allocate(4 + 16 + 32 + 32)
                .put(GRANT_TOKEN_MAGIC).putLong(key.keyId().getMostSignificantBits())
                .putLong(key.keyId().getLeastSignificantBits()).put(grantIdBytes).put(secret).array());
        KmsKey.Grant grant = new KmsKey.Grant(grantId, name, now(), grantee, retiring, c.account(), ops, subset,
                equals, sha256Hex(token));
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            KmsKey.Draft d = k.draft();
            d.grants.add(grant);
            ch.put(d.build());
            return null;
        });
        ObjectNode out = JsonBodies.object();
        out.put("GrantToken", token);
        out.put("GrantId", grantId);
        return out;
    }

    private JsonNode listGrants(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        KmsKey key = resolveLive(r.string("KeyId", 1, 2048, true), c.account());
        int limit = Optional.ofNullable(r.integer("Limit", 1, 100)).orElse(50);
        int start = marker(r);
        String grantId = r.string("GrantId", 1, 128, false);
        if (grantId != null && !GRANT_ID.matcher(grantId).matches()) {
            throw KmsErrors.of("InvalidGrantIdException", "Invalid grant id.");
        }
        String grantee = r.string("GranteePrincipal", 1, 256, false);
        authorize(c, "ListGrants", key, Auth.NONE);
        List<KmsKey.Grant> grants = key.grants().stream()
                .filter(g -> grantId == null || g.grantId().equals(grantId))
                .filter(g -> grantee == null || g.granteePrincipal().equals(grantee)).toList();
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("Grants");
        int end = Math.min(grants.size(), start + limit);
        for (KmsKey.Grant g : grants.subList(Math.min(start, grants.size()), end)) {
            ObjectNode e = array.addObject();
            e.put("KeyId", key.arn().toString());
            e.put("GrantId", g.grantId());
            if (g.name() != null) {
                e.put("Name", g.name());
            }
            putTime(e, "CreationDate", g.creationDate());
            e.put("GranteePrincipal", g.granteePrincipal());
            if (g.retiringPrincipal() != null) {
                e.put("RetiringPrincipal", g.retiringPrincipal());
            }
            e.put("IssuingAccount", "arn:aws:iam::" + g.issuingAccount() + ":root");
            ArrayNode ops = e.putArray("Operations");
            g.operations().forEach(ops::add);
            if (g.contextSubset() != null || g.contextEquals() != null) {
                ObjectNode cons = e.putObject("Constraints");
                ObjectNode m = cons.putObject(g.contextSubset() != null ? "EncryptionContextSubset"
                        : "EncryptionContextEquals");
                (g.contextSubset() != null ? g.contextSubset() : g.contextEquals()).forEach(m::put);
            }
        }
        page(out, end, grants.size());
        return out;
    }

    private JsonNode retireGrant(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        String token = r.string("GrantToken", 1, 8192, false);
        String keyIdParam = r.string("KeyId", 1, 2048, false);
        String grantIdParam = r.string("GrantId", 1, 128, false);
        KmsKey key;
        KmsKey.Grant grant;
        if (token != null) {
            GrantTokenRef ref = parseGrantToken(token);
            key = liveKey(ref.keyId()).orElseThrow(() -> KmsErrors.notFound("Grant not found."));
            grant = key.grant(ref.grantId()).filter(g -> MessageDigest.isEqual(
                    g.tokenHash().getBytes(StandardCharsets.US_ASCII),
                    sha256Hex(token).getBytes(StandardCharsets.US_ASCII)))
                    .orElseThrow(() -> KmsErrors.notFound("Grant not found."));
        } else if (keyIdParam != null && grantIdParam != null) {
            if (!GRANT_ID.matcher(grantIdParam).matches()) {
                throw KmsErrors.of("InvalidGrantIdException", "Invalid grant id.");
            }
            key = resolveLive(keyIdParam, c.account());
            grant = key.grant(grantIdParam).orElseThrow(() -> KmsErrors.notFound("Grant not found."));
        } else {
            throw KmsErrors.validation("Specify a GrantToken, or both a KeyId and a GrantId.");
        }
        boolean retiring = grant.retiringPrincipal() != null && principalNames(c.caller())
                .contains(grant.retiringPrincipal());
        if (!retiring) {
            authorize(c, "RetireGrant", key, Auth.NONE);
        }
        dryRun(r);
        removeGrant(key, grant.grantId());
        return JsonBodies.object();
    }

    private JsonNode revokeGrant(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        KmsKey key = resolveLive(r.string("KeyId", 1, 2048, true), c.account());
        String grantId = r.string("GrantId", 1, 128, true);
        if (!GRANT_ID.matcher(grantId).matches()) {
            throw KmsErrors.of("InvalidGrantIdException", "Invalid grant id.");
        }
        authorize(c, "RevokeGrant", key, Auth.NONE);
        key.grant(grantId).orElseThrow(() -> KmsErrors.notFound("Grant not found."));
        dryRun(r);
        removeGrant(key, grantId);
        return JsonBodies.object();
    }

    private void removeGrant(KmsKey key, String grantId) throws JsonServiceException {
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            KmsKey.Draft d = k.draft();
            if (!d.grants.removeIf(g -> g.grantId().equals(grantId))) {
                throw KmsErrors.notFound("Grant not found.");
            }
            ch.put(d.build());
            return null;
        });
    }

    private static String principal(KmsRequest r, String member, boolean required) throws JsonServiceException {
        String p = r.string(member, 1, 256, required);
        if (p != null && !PRINCIPAL.matcher(p).matches()) {
            throw KmsErrors.validation("1 validation error detected: Value at '" + KmsRequest.camel(member)
                    + "' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                    + "^[\\w+=,.@:/-]+$");
        }
        return p;
    }

    private record GrantTokenRef(UUID keyId, String grantId) {
    }

    private static GrantTokenRef parseGrantToken(String token) throws JsonServiceException {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw KmsErrors.of("InvalidGrantTokenException", "The grant token is invalid.");
        }
        if (raw.length != 4 + 16 + 32 + 32 || !Arrays.equals(raw, 0, 4, GRANT_TOKEN_MAGIC, 0, 4)) {
            throw KmsErrors.of("InvalidGrantTokenException", "The grant token is invalid.");
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 4, raw.length - 4);
        UUID keyId = new UUID(b.getLong(), b.getLong());
        byte[] id = new byte[32];
        b.get(id);
        return new GrantTokenRef(keyId, HexFormat.of().formatHex(id));
    }

    /** Checks the form of GrantTokens; grants here take effect at once, so tokens add no permissions. */
    private static void grantTokens(KmsRequest r) throws JsonServiceException {
        for (String token : r.strings("GrantTokens", 10, 8192, false)) {
            parseGrantToken(token);
        }
    }

    // ------------------------------------------------------------------ tags

    private JsonNode tagResource(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        Map<String, String> tags = c.req().tags("Tags", true);
        authorize(c, "TagResource", key, new Auth(null, tags, null, Map.of(), null));
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.state() == KmsKeyState.PENDING_DELETION) {
                throw stateError(k);
            }
            KmsKey.Draft d = k.draft();
            d.tags.putAll(tags);
            if (d.tags.size() > MAX_TAGS) {
                throw KmsErrors.of("LimitExceededException", "A key can have at most " + MAX_TAGS + " tags.");
            }
            ch.put(d.build());
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode untagResource(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        List<String> tagKeys = c.req().strings("TagKeys", 50, 128, true);
        authorize(c, "UntagResource", key, new Auth(null, null, tagKeys, Map.of(), null));
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.state() == KmsKeyState.PENDING_DELETION) {
                throw stateError(k);
            }
            KmsKey.Draft d = k.draft();
            tagKeys.forEach(d.tags::remove);
            ch.put(d.build());
            return null;
        });
        return JsonBodies.object();
    }

    private JsonNode listResourceTags(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        int limit = Optional.ofNullable(c.req().integer("Limit", 1, 50)).orElse(50);
        int start = marker(c.req());
        authorize(c, "ListResourceTags", key, Auth.NONE);
        List<Map.Entry<String, String>> tags = new ArrayList<>(key.tags().entrySet());
        ObjectNode out = JsonBodies.object();
        ArrayNode array = out.putArray("Tags");
        int end = Math.min(tags.size(), start + limit);
        for (Map.Entry<String, String> t : tags.subList(Math.min(start, tags.size()), end)) {
            array.addObject().put("TagKey", t.getKey()).put("TagValue", t.getValue());
        }
        page(out, end, tags.size());
        return out;
    }

    // ------------------------------------------------------------------ import (BYOK)

    private JsonNode getParametersForImport(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        KmsKey key = resolveLive(r.string("KeyId", 1, 2048, true), c.account());
        String algorithm = r.enumValue("WrappingAlgorithm", Set.of("RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1",
                "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"), true);
        String spec = r.enumValue("WrappingKeySpec", Set.of("RSA_2048", "RSA_3072", "RSA_4096", "SM2"), true);
        if (!algorithm.startsWith("RSAES_OAEP_")) {
            throw KmsErrors.unsupported("Wrapping algorithm " + algorithm + " is not supported; use "
                    + "RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1.");
        }
        if (spec.equals("SM2")) {
            throw KmsErrors.unsupported("Wrapping key spec SM2 is not supported.");
        }
        authorize(c, "GetParametersForImport", key, Auth.NONE);
        requireExternal(key);
        if (key.state() == KmsKeyState.PENDING_DELETION) {
            throw stateError(key);
        }
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(Integer.parseInt(spec.substring(4)), RANDOM);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is unavailable", e);
        }
        byte[] tokenBytes = ByteBuffer.allocate(4 + 16 + 32).put(IMPORT_TOKEN_MAGIC)
                .putLong(key.keyId().getMostSignificantBits()).putLong(key.keyId().getLeastSignificantBits())
                .put(random(32)).array();
        Instant validTo = now().plus(IMPORT_PARAMETERS_LIFETIME);
        byte[] privateKey = pair.getPrivate().getEncoded();
        try {
            KmsKey.ImportParameters params = new KmsKey.ImportParameters(algorithm, spec,
                    new SecretBytes(privateKey), sha256Hex(Base64.getEncoder().encodeToString(tokenBytes)), validTo);
            store.write(ch -> {
                KmsKey.Draft d = current(ch, key.keyId()).draft();
                d.importParameters = params;
                ch.put(d.build());
                return null;
            });
        } finally {
            Arrays.fill(privateKey, (byte) 0);
        }
        ObjectNode out = JsonBodies.object();
        out.put("KeyId", key.arn().toString());
        putBlob(out, "ImportToken", tokenBytes);
        putBlob(out, "PublicKey", pair.getPublic().getEncoded());
        putTime(out, "ParametersValidTo", validTo);
        return out;
    }

    private JsonNode importKeyMaterial(Call c) throws JsonServiceException {
        KmsRequest r = c.req();
        KmsKey key = resolveLive(r.string("KeyId", 1, 2048, true), c.account());
        byte[] token = r.blob("ImportToken", 1, 6144, true);
        byte[] wrapped = r.blob("EncryptedKeyMaterial", 1, 6144, true);
        Instant validTo = r.timestamp("ValidTo");
        String model = r.enumValue("ExpirationModel", Set.of("KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"),
                false);
        r.enumValue("ImportType", Set.of("NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"), false);
        r.string("KeyMaterialDescription", 0, 256, false);
        if (model == null) {
            model = validTo == null ? "KEY_MATERIAL_DOES_NOT_EXPIRE" : "KEY_MATERIAL_EXPIRES";
        }
        if (model.equals("KEY_MATERIAL_EXPIRES") && validTo == null) {
            throw KmsErrors.validation("ValidTo is required when ExpirationModel is KEY_MATERIAL_EXPIRES.");
        }
        if (model.equals("KEY_MATERIAL_DOES_NOT_EXPIRE") && validTo != null) {
            throw KmsErrors.validation("ValidTo must be omitted when ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE.");
        }
        if (validTo != null && !validTo.isAfter(now())) {
            throw KmsErrors.validation("ValidTo must be in the future.");
        }
        authorize(c, "ImportKeyMaterial", key, Auth.NONE);
        requireExternal(key);
        if (key.state() == KmsKeyState.PENDING_DELETION) {
            throw stateError(key);
        }
        KmsKey.ImportParameters params = key.importParameters();
        if (params == null || !MessageDigest.isEqual(params.tokenHash().getBytes(StandardCharsets.US_ASCII),
                sha256Hex(Base64.getEncoder().encodeToString(token)).getBytes(StandardCharsets.US_ASCII))) {
            throw KmsErrors.of("InvalidImportTokenException", "The import token is invalid or is not for this key.");
        }
        if (!now().isBefore(params.validTo())) {
            throw KmsErrors.of("ExpiredImportTokenException", "The import token has expired.");
        }
        byte[] material = unwrap(params, wrapped);
        Instant expiry = validTo;
        try {
            if (material.length != 32) {
                throw KmsErrors.of("IncorrectKeyMaterialException", "Imported key material for a symmetric "
                        + "encryption key must be 256 bits.");
            }
            byte[] digest = materialDigest(key.keyId(), material);
            SecretBytes secret = new SecretBytes(material);
            store.write(ch -> {
                KmsKey k = current(ch, key.keyId());
                if (k.importedDigest() != null && !k.importedDigest().sameAs(digest)) {
                    throw KmsErrors.of("IncorrectKeyMaterialException", "The key material is not the key material "
                            + "previously imported into this key.");
                }
                KmsKey.Draft d = k.draft();
                d.materials.clear();
                d.materials.add(new KmsKey.Material(1, now(), secret));
                d.importedDigest = new SecretBytes(digest);
                d.importParameters = null;
                d.validTo = expiry;
                if (k.state() == KmsKeyState.PENDING_IMPORT) {
                    d.state = KmsKeyState.ENABLED;
                }
                ch.put(d.build());
                return null;
            });
        } finally {
            Arrays.fill(material, (byte) 0);
        }
        ObjectNode out = JsonBodies.object();
        out.put("KeyId", key.arn().toString());
        return out;
    }

    private JsonNode deleteImportedKeyMaterial(Call c) throws JsonServiceException {
        KmsKey key = resolveLive(c.req().string("KeyId", 1, 2048, true), c.account());
        authorize(c, "DeleteImportedKeyMaterial", key, Auth.NONE);
        requireExternal(key);
        store.write(ch -> {
            KmsKey k = current(ch, key.keyId());
            if (k.state() == KmsKeyState.PENDING_DELETION) {
                throw stateError(k);
            }
            KmsKey.Draft d = k.draft();
            d.materials.clear();
            d.validTo = null;
            d.state = KmsKeyState.PENDING_IMPORT;
            ch.put(d.build());
            return null;
        });
        ObjectNode out = JsonBodies.object();
        out.put("KeyId", key.arn().toString());
        return out;
    }

    private static void requireExternal(KmsKey key) throws JsonServiceException {
        if (!key.origin().equals(KmsKey.EXTERNAL)) {
            throw KmsErrors.unsupported(key.arn() + " origin is " + key.origin()
                    + " which is not valid for this operation.");
        }
    }

    private static byte[] unwrap(KmsKey.ImportParameters params, byte[] wrapped) throws JsonServiceException {
        byte[] pkcs8 = params.privateKey().copy();
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            boolean sha256 = params.wrappingAlgorithm().equals("RSAES_OAEP_SHA_256");
            cipher.init(Cipher.DECRYPT_MODE, KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(pkcs8)), new OAEPParameterSpec(sha256 ? "SHA-256" : "SHA-1", "MGF1",
                    sha256 ? MGF1ParameterSpec.SHA256 : MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
            return cipher.doFinal(wrapped);
        } catch (javax.crypto.BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
            throw KmsErrors.invalidCiphertext();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP is unavailable", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static byte[] materialDigest(UUID keyId, byte[] material) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(material, "HmacSHA256"));
            return mac.doFinal(("mlgate/kms/imported-material/v1/" + keyId).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    // ------------------------------------------------------------------ authorization

    /** The request-specific parts of a key authorization. */
    private record Auth(Map<String, String> encryptionContext, Map<String, String> requestTags,
                        List<String> tagKeys, Map<String, List<String>> keys, List<String> grantOperations) {
        static final Auth NONE = new Auth(null, null, null, Map.of(), null);

        static Auth context(Map<String, String> ec) {
            return new Auth(ec, null, null, Map.of(), null);
        }
    }

    /**
     * Allows the call if the key policy (with IAM where it delegates to the account) allows it, or, when nothing
     * denies it explicitly, a grant on the key allows the operation for the caller; otherwise AccessDeniedException.
     */
    private void authorize(Call c, String operation, KmsKey key, Auth auth) throws JsonServiceException {
        AuthorizationRequest request = keyRequest(c, "kms:" + operation, key, auth);
        Decision decision = decide(request);
        if (decision.isAllowed()) {
            return;
        }
        if (decision.outcome() == Decision.Outcome.IMPLICIT_DENY && grantAllows(c.caller(), operation, key, auth)) {
            io.mlgate.iam.eval.DecisionTrace.grantAllowed();
            return;
        }
        throw KmsErrors.accessDenied(AccessDeniedMessage.render(request, decision));
    }

    private AuthorizationRequest keyRequest(Call c, String action, KmsKey key, Auth auth) throws JsonServiceException {
        RequestContext.Builder ctx = withKmsKeys(c, auth.encryptionContext());
        ctx.put("kms:KeyOrigin", key.origin()).put("kms:KeySpec", "SYMMETRIC_DEFAULT")
                .put("kms:KeyUsage", "ENCRYPT_DECRYPT");
        auth.keys().forEach(ctx::put);
        if (auth.tagKeys() != null) {
            ctx.put("aws:TagKeys", auth.tagKeys());
        }
        AuthorizationRequest.Builder b = AuthorizationRequest.builder(c.caller(), action, key.arn().toString())
                .context(ctx.build())
                .resourcePolicy(keyPolicy(key, false))
                .resourcePolicyType(ResourcePolicyType.KMS_KEY_POLICY)
                .resourceAccount(key.accountId())
                .resourceTags(key.tags());
        if (auth.requestTags() != null) {
            b.requestTags(auth.requestTags());
        }
        resourceControlPolicies.apply(key.accountId()).forEach(b::resourceControlPolicy);
        return b.build();
    }

    /** The gateway's context plus kms:CallerAccount and, for calls that take one, the encryption context keys. */
    private static RequestContext.Builder withKmsKeys(Call c, Map<String, String> encryptionContext) {
        RequestContext.Builder ctx = RequestContext.builder();
        for (String k : c.context().keys()) {
            ctx.put(k, c.context().values(k));
        }
        ctx.put("kms:CallerAccount", c.account());
        if (encryptionContext != null) {
            encryptionContext.forEach((k, v) -> ctx.put("kms:EncryptionContext:" + k, v));
            ctx.put("kms:EncryptionContextKeys", List.copyOf(encryptionContext.keySet()));
        }
        return ctx;
    }

    private void requireAllowed(AuthorizationRequest request) throws JsonServiceException {
        Decision decision = decide(request);
        if (!decision.isAllowed()) {
            throw KmsErrors.accessDenied(AccessDeniedMessage.render(request, decision));
        }
    }

    /** Evaluates; an evaluator failure is a deny (fail closed). */
    private Decision decide(AuthorizationRequest request) throws JsonServiceException {
        try {
            return evaluator.evaluate(request);
        } catch (RuntimeException e) {
            throw KmsErrors.accessDenied("User: " + request.principal().arn() + " is not authorized to perform: "
                    + request.action() + " on resource: " + request.resource());
        }
    }

    private static boolean grantAllows(PrincipalContext caller, String operation, KmsKey key, Auth auth) {
        if (!GRANT_OPERATIONS.contains(operation)) {
            return false;
        }
        Set<String> names = principalNames(caller);
        for (KmsKey.Grant g : key.grants()) {
            if (!names.contains(g.granteePrincipal()) || !g.operations().contains(operation)) {
                continue;
            }
            if (operation.equals("CreateGrant") && !g.operations().containsAll(auth.grantOperations())) {
                continue; // a grant can only pass on operations it has
            }
            if (contextSatisfies(g, auth.encryptionContext())) {
                return true;
            }
        }
        return false;
    }

    private static boolean contextSatisfies(KmsKey.Grant g, Map<String, String> ec) {
        if (g.contextEquals() != null) {
            return ec != null && ec.equals(g.contextEquals());
        }
        if (g.contextSubset() != null) {
            return ec != null && ec.entrySet().containsAll(g.contextSubset().entrySet());
        }
        return true;
    }

    /** The principal ARNs a grant may name to mean this caller: its own ARN and, for a role session, its role. */
    private static Set<String> principalNames(PrincipalContext caller) {
        Set<String> names = new LinkedHashSet<>();
        names.add(caller.arn());
        caller.roleArn().ifPresent(names::add);
        return names;
    }

    // ------------------------------------------------------------------ key resolution and upkeep

    /** Resolves a KeyId parameter (key id, key ARN, alias name, alias ARN) to a key that still exists. */
    private KmsKey resolveLive(String keyId, String account) throws JsonServiceException {
        KmsKey key = resolve(keyId, account);
        return liveKey(key.keyId()).orElseThrow(() -> keyNotFound(key.arn().toString()));
    }

    private KmsKey resolve(String keyId, String account) throws JsonServiceException {
        if (keyId.startsWith("arn:")) {
            String[] parts = keyId.split(":", 6);
            if (parts.length == 6 && parts[0].equals("arn") && parts[1].equals("aws") && parts[2].equals("kms")
                    && parts[5].startsWith("alias/")) {
                if (!parts[3].equals(region)) {
                    throw KmsErrors.notFound("Alias " + keyId + " is not found.");
                }
                return store.byAlias(parts[4], parts[3], parts[5])
                        .orElseThrow(() -> KmsErrors.notFound("Alias " + keyId + " is not found."));
            }
            KeyArn arn;
            try {
                arn = KeyArn.parse(keyId);
            } catch (IllegalArgumentException e) {
                throw KmsErrors.notFound("Invalid arn " + keyId);
            }
            KmsKey key = store.get(arn.keyId()).filter(k -> k.arn().equals(arn)).orElse(null);
            if (key == null) {
                throw keyNotFound(keyId);
            }
            return key;
        }
        if (keyId.startsWith("alias/")) {
            return store.byAlias(account, region, keyId).orElseThrow(() -> aliasNotFound(account, keyId));
        }
        UUID id;
        try {
            id = UUID.fromString(keyId);
        } catch (IllegalArgumentException e) {
            throw KmsErrors.notFound("Invalid keyId " + keyId);
        }
        if (!id.toString().equalsIgnoreCase(keyId)) {
            throw KmsErrors.notFound("Invalid keyId " + keyId);
        }
        return store.get(id).filter(k -> k.accountId().equals(account) && k.region().equals(region))
                .orElseThrow(() -> keyNotFound(new KeyArn(region, account, id).toString()));
    }

    private static JsonServiceException keyNotFound(String arn) {
        return KmsErrors.notFound("Key '" + arn + "' does not exist");
    }

    /**
     * The key as it is now, after the upkeep its clock calls for (deletion when the waiting period is over, expiry
     * of imported material, automatic rotation), persisting that upkeep; empty if the key no longer exists.
     */
    private Optional<KmsKey> liveKey(UUID keyId) throws JsonServiceException {
        Optional<KmsKey> key = store.get(keyId);
        if (key.isEmpty() || upkeep(key.get(), now()) == key.get()) {
            return key;
        }
        return store.write(ch -> {
            Optional<KmsKey> k = ch.get(keyId);
            if (k.isEmpty()) {
                return k;
            }
            KmsKey next = upkeep(k.get(), now());
            if (next == null) {
                ch.remove(keyId);
                return Optional.empty();
            }
            if (next != k.get()) {
                ch.put(next);
            }
            return Optional.of(next);
        });
    }

    /** The key inside a write, after upkeep; NotFoundException if it is gone. */
    private KmsKey current(KmsKeyStore.Changes ch, UUID keyId) throws JsonServiceException {
        KmsKey k = ch.get(keyId).orElseThrow(() -> KmsErrors.notFound("Key '" + keyId + "' does not exist"));
        KmsKey next = upkeep(k, now());
        if (next == null) {
            ch.remove(keyId);
            throw keyNotFound(k.arn().toString());
        }
        return next;
    }

    /** Returns the same instance if nothing is due, null if the key is deleted, else the updated key. */
    private static KmsKey upkeep(KmsKey k, Instant now) {
        if (k.state() == KmsKeyState.PENDING_DELETION && k.deletionDate() != null
                && !now.isBefore(k.deletionDate())) {
            return null;
        }
        KmsKey result = k;
        if (k.origin().equals(KmsKey.EXTERNAL) && k.validTo() != null && !now.isBefore(k.validTo())) {
            KmsKey.Draft d = k.draft();
            d.materials.clear();
            d.validTo = null;
            if (d.state != KmsKeyState.PENDING_DELETION) {
                d.state = KmsKeyState.PENDING_IMPORT;
            }
            result = d.build();
        }
        if (result.rotationEnabled() && result.nextRotationDate() != null && !now.isBefore(result.nextRotationDate())
                && result.state() == KmsKeyState.ENABLED) {
            KmsKey rotated = rotated(result, result.nextRotationDate());
            KmsKey.Draft d = rotated.draft();
            Instant next = result.nextRotationDate();
            while (!now.isBefore(next)) {
                next = next.plus(Duration.ofDays(result.rotationPeriodDays()));
            }
            d.nextRotationDate = next;
            result = d.build();
        }
        return result;
    }

    private boolean alive(KmsKey k) {
        return !(k.state() == KmsKeyState.PENDING_DELETION && k.deletionDate() != null
                && !now().isBefore(k.deletionDate()));
    }

    // ------------------------------------------------------------------ output helpers

    private ObjectNode metadata(KmsKey k) {
        ObjectNode m = JsonBodies.object();
        m.put("AWSAccountId", k.accountId());
        m.put("KeyId", k.keyId().toString());
        m.put("Arn", k.arn().toString());
        putTime(m, "CreationDate", k.creationDate());
        m.put("Enabled", k.state() == KmsKeyState.ENABLED);
        m.put("Description", k.description());
        m.put("KeyUsage", "ENCRYPT_DECRYPT");
        m.put("KeyState", k.state().wireName());
        putTime(m, "DeletionDate", k.deletionDate());
        if (k.origin().equals(KmsKey.EXTERNAL)) {
            putTime(m, "ValidTo", k.validTo());
            if (!k.materials().isEmpty()) {
                m.put("ExpirationModel", k.validTo() == null ? "KEY_MATERIAL_DOES_NOT_EXPIRE" : "KEY_MATERIAL_EXPIRES");
            }
        }
        m.put("Origin", k.origin());
        m.put("KeyManager", "CUSTOMER");
        m.put("CustomerMasterKeySpec", "SYMMETRIC_DEFAULT");
        m.put("KeySpec", "SYMMETRIC_DEFAULT");
        m.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
        m.put("MultiRegion", false);
        if (k.pendingWindowDays() != null) {
            m.put("PendingDeletionWindowInDays", k.pendingWindowDays().intValue());
        }
        return m;
    }

    private static void putTime(ObjectNode node, String field, Instant time) {
        if (time != null) {
            node.put(field, BigDecimal.valueOf(time.toEpochMilli(), 3));
        }
    }

    private static void putBlob(ObjectNode node, String field, byte[] bytes) {
        node.put(field, Base64.getEncoder().encodeToString(bytes));
    }

    private static int marker(KmsRequest r) throws JsonServiceException {
        String marker = r.string("Marker", 1, 1024, false);
        if (marker == null) {
            return 0;
        }
        try {
            int start = Integer.parseInt(new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.US_ASCII));
            if (start < 0) {
                throw new NumberFormatException();
            }
            return start;
        } catch (IllegalArgumentException e) {
            throw KmsErrors.of("InvalidMarkerException", "The marker is invalid.");
        }
    }

    private static void page(ObjectNode out, int end, int total) {
        boolean truncated = end < total;
        out.put("Truncated", truncated);
        if (truncated) {
            out.put("NextMarker", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Integer.toString(end).getBytes(StandardCharsets.US_ASCII)));
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "KmsService[" + region + ", " + store + "]";
    }
}
