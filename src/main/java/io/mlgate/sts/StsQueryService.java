package io.mlgate.sts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.eval.AccessDeniedMessage;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.eval.ResourcePolicyType;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParseException;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.protocol.query.QueryApi;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryService;
import io.mlgate.protocol.query.QueryTarget;
import io.mlgate.protocol.query.XmlWriter;
import io.mlgate.sts.mfa.VirtualMfaDevices;
import io.mlgate.sts.oidc.WebIdentity;
import io.mlgate.sts.oidc.WebIdentityException;
import io.mlgate.sts.oidc.WebIdentityTokenValidator;

/**
 * AWS STS (2011-06-15) in the query protocol: GetCallerIdentity, AssumeRole, GetSessionToken, GetFederationToken
 * and AssumeRoleWithWebIdentity. It authorizes its own calls (role trust policies with sts:TagSession and
 * sts:SetSourceIdentity, GetFederationToken's identity check), because a trust policy that names the caller grants
 * without any identity policy; the gateway authenticates, builds the request context and audits with
 * {@link #target}. AssumeRoleWithWebIdentity is unsigned ({@link #requiresSignature}).
 */
public final class StsQueryService implements QueryService {

    public static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    static final String ASSUME_ROLE = "AssumeRole";
    static final String WEB_IDENTITY = "AssumeRoleWithWebIdentity";
    static final String SESSION_TOKEN = "GetSessionToken";
    static final String FEDERATION_TOKEN = "GetFederationToken";
    static final String CALLER_IDENTITY = "GetCallerIdentity";
    private static final Set<String> OPERATIONS = Set.of(ASSUME_ROLE, WEB_IDENTITY, SESSION_TOKEN, FEDERATION_TOKEN,
            CALLER_IDENTITY);

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws:iam::(\\d{12}):role/(?:[\\u0021-\\u007E]*/)?([\\w+=,.@-]{1,64})");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
    private static final Pattern SERIAL = Pattern.compile("[\\w+=/:,.@-]*");
    private static final Pattern TOKEN_CODE = Pattern.compile("\\d{6}");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Pattern POLICY_CHARS = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
    private static final int CHAINED_MAX_SECONDS = 3600;
    private static final int ROOT_MAX_SECONDS = 3600;
    static final String MFA_FAILED = "MultiFactorAuthentication failed with invalid MFA one time pass code. ";

    private final Supplier<IamConfiguration> configuration;
    private final SessionTokens tokens;
    private final SessionPrincipals sessions;
    private final VirtualMfaDevices mfa;
    private final WebIdentityTokenValidator webIdentity;
    private final PolicyEvaluator evaluator;
    private final Clock clock;

    /**
     * @param configuration the current IAM configuration (read per call)
     * @param sessions      the same instance the gateway uses to turn session tokens into principals (role chaining
     *                      reads the caller's claims from it)
     * @param mfa           virtual MFA devices, or null when MFA is not configured (any SerialNumber is refused)
     * @param webIdentity   OIDC token validation, or null when web identity is not configured
     */
    public StsQueryService(Supplier<IamConfiguration> configuration, SessionTokens tokens, SessionPrincipals sessions,
                           VirtualMfaDevices mfa, WebIdentityTokenValidator webIdentity, PolicyEvaluator evaluator,
                           Clock clock) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.mfa = mfa;
        this.webIdentity = webIdentity;
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public QueryApi api() {
        return QueryApi.STS;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    @Override
    public int maxBodyBytes() {
        return 64 * 1024;
    }

    /** False only for AssumeRoleWithWebIdentity, which clients send without SigV4 (the web identity token is the proof). */
    public boolean requiresSignature(String operation) {
        return !WEB_IDENTITY.equals(operation);
    }

    /**
     * True for every STS operation: {@link #invoke} makes the whole authorization decision (trust policy, identity
     * policies, TagSession, SetSourceIdentity), so the gateway must not deny on its own identity-only check.
     */
    public boolean authorizesInternally(String operation) {
        return OPERATIONS.contains(operation);
    }

    @Override
    public QueryTarget target(String operation, QueryParameters p, String accountId, PrincipalContext caller)
            throws QueryException {
        Map<String, Object> shown = new LinkedHashMap<>();
        switch (operation) {
            case ASSUME_ROLE, WEB_IDENTITY -> {
                String roleArn = roleArn(p);
                shown.put("roleArn", roleArn);
                shown.put("roleSessionName", sessionName(p));
                if (p.has("DurationSeconds")) {
                    shown.put("durationSeconds", p.integer("DurationSeconds", "durationSeconds", 3600));
                }
                return new QueryTarget("sts:" + operation, roleArn, "AWS::IAM::Role", false, shown);
            }
            case SESSION_TOKEN -> {
                if (p.has("DurationSeconds")) {
                    shown.put("durationSeconds", p.integer("DurationSeconds", "durationSeconds", 43200));
                }
                return new QueryTarget("sts:GetSessionToken", "*", null, false, shown);
            }
            case FEDERATION_TOKEN -> {
                String name = federatedName(p);
                shown.put("name", name);
                String acct = caller != null ? caller.accountId() : accountId;
                return new QueryTarget("sts:GetFederationToken", federatedArn(acct, name), null, false, shown);
            }
            case CALLER_IDENTITY -> {
                return new QueryTarget("sts:GetCallerIdentity", "*", null, true, shown);
            }
            default -> throw new QueryException("InvalidAction", 400, "Could not find operation " + operation
                    + " for version 2011-06-15.");
        }
    }

    /** Performs the call with a request context holding only the time keys; the gateway should pass its own. */
    @Override
    public void invoke(String operation, QueryParameters parameters, PrincipalContext caller, XmlWriter result)
            throws QueryException {
        Instant now = clock.instant();
        RequestContext.Builder b = RequestContext.builder().put("aws:CurrentTime", now.toString())
                .put("aws:EpochTime", Long.toString(now.getEpochSecond()));
        sessions.claimsOf(caller).ifPresent(c -> SessionPrincipals.addRequestKeys(c, now, b));
        invoke(operation, parameters, caller, b.build(), result);
    }

    /**
     * Performs the call.
     *
     * @param caller  the authenticated caller (for a session, the principal {@link SessionPrincipals#principalFor}
     *                built); null only for AssumeRoleWithWebIdentity
     * @param context the request's condition keys as the gateway builds them for any call (aws:SourceIp,
     *                aws:CurrentTime, aws:SecureTransport, ..., and for a session caller
     *                {@link SessionPrincipals#requestKeys})
     */
    public void invoke(String operation, QueryParameters parameters, PrincipalContext caller, RequestContext context,
                       XmlWriter result) throws QueryException {
        Objects.requireNonNull(context, "context");
        if (!WEB_IDENTITY.equals(operation) && caller == null) {
            throw new QueryException("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
        }
        try {
            switch (operation) {
                case ASSUME_ROLE -> assumeRole(parameters, caller, context, result);
                case WEB_IDENTITY -> assumeRoleWithWebIdentity(parameters, context, result);
                case SESSION_TOKEN -> getSessionToken(parameters, caller, result);
                case FEDERATION_TOKEN -> getFederationToken(parameters, caller, context, result);
                case CALLER_IDENTITY -> getCallerIdentity(caller, result);
                default -> throw new QueryException("InvalidAction", 400, "Could not find operation " + operation
                        + " for version 2011-06-15.");
            }
        } catch (UncheckedIOException e) {
            throw new QueryException("InternalFailure", 500, "The request could not be completed.");
        }
    }

    // ---------------------------------------------------------------------------------------------------- operations

    private void getCallerIdentity(PrincipalContext caller, XmlWriter out) {
        String userId = caller.userId().orElse(switch (caller.type()) {
            case ACCOUNT -> caller.accountId();
            default -> caller.arn();
        });
        out.element("UserId", userId).element("Account", caller.accountId()).element("Arn", caller.arn());
    }

    private void assumeRole(QueryParameters p, PrincipalContext caller, RequestContext context, XmlWriter out)
            throws QueryException {
        String roleArn = roleArn(p);
        String sessionName = sessionName(p);
        int duration = duration(p, 43200, 3600);
        Map<String, String> tags = tags(p);
        List<String> transitive = transitiveTagKeys(p, tags);
        String externalId = externalId(p);
        String sourceIdentity = sourceIdentity(p);
        List<SessionPolicy> policies = sessionPolicies(p);
        String serial = p.get("SerialNumber");
        String code = p.get("TokenCode");
        checkMfaParameters(serial, code);

        if (caller.type() == PrincipalType.ACCOUNT) {
            throw new QueryException("AccessDenied", 403, "Roles may not be assumed by root accounts.");
        }
        if (caller.type() == PrincipalType.FEDERATED_USER) {
            // GetFederationToken credentials may call no STS operation but GetCallerIdentity
            throw new QueryException("AccessDenied", 403, "Cannot call AssumeRole with federated user credentials");
        }
        IamConfiguration config = configuration.get();
        Optional<SessionClaims> callerClaims = sessions.claimsOf(caller);
        boolean chained = caller.type() == PrincipalType.ASSUMED_ROLE;
        IamRole role = config.role(roleArn).orElse(null);
        if (chained && duration > CHAINED_MAX_SECONDS && p.has("DurationSeconds")) {
            throw QueryException.validation("The requested DurationSeconds exceeds the 1 hour session limit for "
                    + "roles assumed by role chaining.");
        }

        // inherited from a calling session: transitive tags and source identity [STAGS, STSKEYS]
        Map<String, String> inherited = new LinkedHashMap<>();
        callerClaims.ifPresent(c -> {
            for (String k : c.transitiveTagKeys()) {
                String v = c.sessionTags().get(k);
                if (v != null) {
                    inherited.put(k, v);
                }
            }
        });
        for (String k : tags.keySet()) {
            for (String i : inherited.keySet()) {
                if (i.equalsIgnoreCase(k)) {
                    throw new QueryException("InvalidParameterValue", 400, "The session tag key " + k
                            + " conflicts with a transitive tag key inherited from the calling session.");
                }
            }
        }
        String inheritedSource = callerClaims.flatMap(SessionClaims::sourceIdentity).orElse(null);
        if (inheritedSource != null && sourceIdentity != null && !inheritedSource.equals(sourceIdentity)) {
            throw QueryException.validation("The source identity of a session cannot be changed once it is set.");
        }

        Instant now = clock.instant();
        Instant mfaAt = null;
        if (serial != null) {
            mfaAt = verifyMfa(caller, serial, code, now);
        }
        RequestContext.Builder trust = copy(context).put("sts:RoleSessionName", sessionName);
        if (externalId != null) {
            trust.put("sts:ExternalId", externalId);
        }
        if (sourceIdentity != null) {
            trust.put("sts:SourceIdentity", sourceIdentity);
        }
        if (!transitive.isEmpty()) {
            trust.put("sts:TransitiveTagKeys", transitive);
        }
        if (mfaAt != null) {
            trust.put("aws:MultiFactorAuthPresent", "true").put("aws:MultiFactorAuthAge", "0");
        }
        RequestContext trustContext = trust.build();
        if (role == null) {
            // AWS does not reveal whether the role exists
            throw new QueryException("AccessDenied", 403, "User: " + caller.arn()
                    + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
        }
        Map<String, String> resourceTags = new LinkedHashMap<>(role.tags());
        inherited.forEach((k, v) -> {
            resourceTags.keySet().removeIf(r -> r.equalsIgnoreCase(k));
            resourceTags.put(k, v);
        });
        authorizeTrust(caller, "sts:AssumeRole", role, trustContext, resourceTags, tags);
        if (!tags.isEmpty() || !transitive.isEmpty()) {
            authorizeTrust(caller, "sts:TagSession", role, trustContext, resourceTags, tags);
        }
        if (sourceIdentity != null) {
            authorizeTrust(caller, "sts:SetSourceIdentity", role, trustContext, resourceTags, tags);
        }
        if (duration > role.maxSessionDurationSeconds()) {
            throw QueryException.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for "
                    + "this role.");
        }
        if (chained && duration > CHAINED_MAX_SECONDS) {
            duration = CHAINED_MAX_SECONDS;
        }

        Map<String, String> sessionTags = new LinkedHashMap<>(inherited);
        sessionTags.putAll(tags);
        List<String> allTransitive = new ArrayList<>(inherited.keySet());
        allTransitive.addAll(transitive);
        PackedPolicies packed = pack(policies, sessionTags);
        String roleName = role.name();
        String assumedArn = "arn:aws:sts::" + role.accountId() + ":assumed-role/" + roleName + "/" + sessionName;
        if (mfaAt == null) {
            mfaAt = callerClaims.flatMap(SessionClaims::mfaAuthenticatedAt).orElse(null);
        }
        String effectiveSource = sourceIdentity != null ? sourceIdentity : inheritedSource;
        SessionClaims.Builder claims = SessionClaims.builder(SessionKind.ASSUMED_ROLE, role.accountId(), assumedArn)
                .role(role.arn(), role.roleId(), sessionName)
                .sourceArn(caller.arn())
                .sessionPolicies(packed)
                .sessionTags(sessionTags)
                .transitiveTagKeys(allTransitive)
                .mfaAuthenticatedAt(mfaAt)
                .sourceIdentity(effectiveSource)
                .validity(now, now.plusSeconds(duration))
                .roleChained(chained);
        IssuedSession issued = tokens.issue(claims);
        writeCredentials(out, issued);
        out.start("AssumedRoleUser").element("AssumedRoleId", role.roleId() + ":" + sessionName)
                .element("Arn", assumedArn).end();
        if (!policies.isEmpty() || !sessionTags.isEmpty()) {
            out.element("PackedPolicySize", packed.packedPolicySizePercent());
        }
        out.element("SourceIdentity", effectiveSource);
    }

    private void assumeRoleWithWebIdentity(QueryParameters p, RequestContext context, XmlWriter out)
            throws QueryException {
        String roleArn = roleArn(p);
        String sessionName = sessionName(p);
        String token = p.required("WebIdentityToken", "webIdentityToken");
        if (token.length() < 4 || token.length() > WebIdentityTokenValidator.MAX_TOKEN_CHARS) {
            throw QueryException.validation("1 validation error detected: Value at 'webIdentityToken' failed to "
                    + "satisfy constraint: Member must have length between 4 and 20000");
        }
        if (p.has("ProviderId")) {
            throw new QueryException("InvalidParameterValue", 400,
                    "ProviderId is only for OAuth 2.0 access tokens, which are not supported; use an OIDC ID token.");
        }
        int duration = duration(p, 43200, 3600);
        List<SessionPolicy> policies = sessionPolicies(p);
        TrustedWebIdentity trusted = trustWebIdentity(token, roleArn, identity -> sessionName, context);
        IamRole role = trusted.role();
        WebIdentity identity = trusted.identity();
        String providerArn = trusted.providerArn();
        if (duration > role.maxSessionDurationSeconds()) {
            throw QueryException.validation("The requested DurationSeconds exceeds the MaxSessionDuration set for "
                    + "this role.");
        }
        PackedPolicies packed = pack(policies, Map.of());
        Instant now = clock.instant();
        String assumedArn = "arn:aws:sts::" + role.accountId() + ":assumed-role/" + role.name() + "/" + sessionName;
        SessionClaims.Builder claims = SessionClaims.builder(SessionKind.WEB_IDENTITY, role.accountId(), assumedArn)
                .role(role.arn(), role.roleId(), sessionName)
                .sourceArn(providerArn)
                .sessionPolicies(packed)
                .webIdentity(identity.issuer(), providerArn, identity.subject(), identity.audience(),
                        identity.conditionKeys())
                .validity(now, now.plusSeconds(duration));
        IssuedSession issued = tokens.issue(claims);
        writeCredentials(out, issued);
        out.element("SubjectFromWebIdentityToken", identity.subject());
        out.start("AssumedRoleUser").element("AssumedRoleId", role.roleId() + ":" + sessionName)
                .element("Arn", assumedArn).end();
        if (!policies.isEmpty()) {
            out.element("PackedPolicySize", packed.packedPolicySizePercent());
        }
        out.element("Provider", identity.issuer());
        out.element("Audience", identity.audience());
    }

    /** A validated web identity token whose provider the role's trust policy allows to assume it. */
    private record TrustedWebIdentity(IamRole role, WebIdentity identity, String providerArn) {}

    /**
     * Validates an OIDC ID token and evaluates the role's trust policy for sts:AssumeRoleWithWebIdentity with the
     * provider's condition keys (AssumeRoleWithWebIdentity and bearer tokens at the gateway share this).
     */
    private TrustedWebIdentity trustWebIdentity(String token, String roleArn,
                                                java.util.function.Function<WebIdentity, String> sessionNamer,
                                                RequestContext context) throws QueryException {
        if (webIdentity == null) {
            throw new QueryException("InvalidIdentityToken", 400, "No OpenIDConnect provider is configured.");
        }
        Matcher m = ROLE_ARN.matcher(roleArn);
        String account = m.matches() ? m.group(1) : "";
        WebIdentity identity;
        try {
            identity = webIdentity.validate(token, account);
        } catch (WebIdentityException e) {
            throw new QueryException(e.code(), e.status(), e.getMessage());
        }
        IamConfiguration config = configuration.get();
        IamRole role = config.role(roleArn).orElse(null);
        String providerArn = identity.providerArn(account);
        PrincipalContext federated = PrincipalContext.builder(providerArn, "", PrincipalType.WEB_IDENTITY)
                .provider(providerArn).build();
        RequestContext.Builder trust = copy(context).put("sts:RoleSessionName", sessionNamer.apply(identity))
                .put("aws:FederatedProvider", providerArn);
        identity.conditionKeys().forEach(trust::put);
        if (role == null) {
            throw new QueryException("AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        AuthorizationRequest request = AuthorizationRequest.builder(federated, "sts:AssumeRoleWithWebIdentity", roleArn)
                .context(trust.build()).resourceAccount(role.accountId())
                .resourcePolicy(IdentityPolicy.inline("trust-policy", role.arn(), role.trustPolicy()))
                .resourcePolicyType(ResourcePolicyType.ROLE_TRUST_POLICY).resourceTags(role.tags()).build();
        if (!decide(request).isAllowed()) {
            throw new QueryException("AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
        }
        return new TrustedWebIdentity(role, identity, providerArn);
    }

    /**
     * The session of a caller that presents an OIDC ID token as {@code Authorization: Bearer} at the gateway
     * (opt-in, for non-AWS clients): the token is validated and the role's trust policy evaluated exactly as for
     * AssumeRoleWithWebIdentity; the result is an ephemeral web-identity session of the role (never handed out),
     * named after the token's subject, valid for 15 minutes at most.
     *
     * @throws QueryException InvalidIdentityToken, ExpiredTokenException, IDPRejectedClaim or AccessDenied
     */
    public SessionClaims bearerSession(String token, String roleArn, RequestContext context) throws QueryException {
        if (token == null || token.length() < 4 || token.length() > WebIdentityTokenValidator.MAX_TOKEN_CHARS) {
            throw new QueryException("InvalidIdentityToken", 400, "The bearer token is missing or too large.");
        }
        TrustedWebIdentity trusted = trustWebIdentity(token, roleArn, id -> bearerSessionName(id.subject()), context);
        String sessionName = bearerSessionName(trusted.identity().subject());
        IamRole role = trusted.role();
        WebIdentity identity = trusted.identity();
        Instant now = clock.instant();
        String assumedArn = "arn:aws:sts::" + role.accountId() + ":assumed-role/" + role.name() + "/" + sessionName;
        SessionClaims.Builder claims = SessionClaims.builder(SessionKind.WEB_IDENTITY, role.accountId(), assumedArn)
                .role(role.arn(), role.roleId(), sessionName)
                .sourceArn(trusted.providerArn())
                .webIdentity(identity.issuer(), trusted.providerArn(), identity.subject(), identity.audience(),
                        identity.conditionKeys())
                .validity(now, now.plusSeconds(900));
        return tokens.issue(claims).claims();
    }

    /** The token's subject as a role session name ({@code [\w+=,.@-]}, 2..64 characters). */
    static String bearerSessionName(String subject) {
        StringBuilder out = new StringBuilder(64);
        String s = subject == null ? "" : subject;
        for (int i = 0; i < s.length() && out.length() < 64; i++) {
            char c = s.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) && c < 128 || "_+=,.@-".indexOf(c) >= 0;
            out.append(ok ? c : '-');
        }
        while (out.length() < 2) {
            out.append('-');
        }
        return out.toString();
    }

    private void getSessionToken(QueryParameters p, PrincipalContext caller, XmlWriter out) throws QueryException {
        if (caller.type() != PrincipalType.USER && caller.type() != PrincipalType.ACCOUNT
                || sessions.claimsOf(caller).isPresent()) {
            throw new QueryException("AccessDenied", 403, "Cannot call GetSessionToken with session credentials");
        }
        boolean root = caller.type() == PrincipalType.ACCOUNT;
        int duration = duration(p, 129600, root ? ROOT_MAX_SECONDS : 43200);
        if (root && duration > ROOT_MAX_SECONDS) {
            duration = ROOT_MAX_SECONDS;
        }
        String serial = p.get("SerialNumber");
        String code = p.get("TokenCode");
        checkMfaParameters(serial, code);
        Instant now = clock.instant();
        Instant mfaAt = serial == null ? null : verifyMfa(caller, serial, code, now);
        SessionClaims.Builder claims = SessionClaims.builder(SessionKind.USER_SESSION, caller.accountId(), caller.arn())
                .sourceArn(caller.arn())
                .mfaAuthenticatedAt(mfaAt)
                .validity(now, now.plusSeconds(duration));
        writeCredentials(out, tokens.issue(claims));
    }

    private void getFederationToken(QueryParameters p, PrincipalContext caller, RequestContext context, XmlWriter out)
            throws QueryException {
        if (caller.type() != PrincipalType.USER && caller.type() != PrincipalType.ACCOUNT
                || sessions.claimsOf(caller).isPresent()) {
            throw new QueryException("AccessDenied", 403, "Cannot call GetFederationToken with session credentials");
        }
        String name = federatedName(p);
        boolean root = caller.type() == PrincipalType.ACCOUNT;
        int duration = duration(p, 129600, root ? ROOT_MAX_SECONDS : 43200);
        if (root && duration > ROOT_MAX_SECONDS) {
            duration = ROOT_MAX_SECONDS;
        }
        Map<String, String> tags = tags(p);
        List<SessionPolicy> policies = sessionPolicies(p);
        String fedArn = federatedArn(caller.accountId(), name);
        AuthorizationRequest.Builder req = AuthorizationRequest.builder(caller, "sts:GetFederationToken", fedArn)
                .context(context);
        if (!tags.isEmpty()) {
            req.requestTags(tags);
        }
        authorize(req.build());
        if (!tags.isEmpty()) {
            authorize(AuthorizationRequest.builder(caller, "sts:TagSession", fedArn).context(context)
                    .requestTags(tags).build());
        }
        PackedPolicies packed = pack(policies, tags);
        Instant now = clock.instant();
        SessionClaims.Builder claims = SessionClaims.builder(SessionKind.FEDERATED_USER, caller.accountId(), fedArn)
                .sessionName(name)
                .sourceArn(caller.arn())
                .sessionPolicies(packed)
                .sessionTags(tags)
                .validity(now, now.plusSeconds(duration));
        writeCredentials(out, tokens.issue(claims));
        out.start("FederatedUser").element("FederatedUserId", caller.accountId() + ":" + name)
                .element("Arn", fedArn).end();
        if (!policies.isEmpty() || !tags.isEmpty()) {
            out.element("PackedPolicySize", packed.packedPolicySizePercent());
        }
    }

    // ------------------------------------------------------------------------------------------------- authorization

    private void authorizeTrust(PrincipalContext caller, String action, IamRole role, RequestContext context,
                                Map<String, String> resourceTags, Map<String, String> requestTags)
            throws QueryException {
        AuthorizationRequest.Builder b = AuthorizationRequest.builder(caller, action, role.arn())
                .context(context)
                .resourceAccount(role.accountId())
                .resourcePolicy(IdentityPolicy.inline("trust-policy", role.arn(), role.trustPolicy()))
                .resourcePolicyType(ResourcePolicyType.ROLE_TRUST_POLICY)
                .resourceTags(resourceTags);
        if (!requestTags.isEmpty()) {
            b.requestTags(requestTags);
        }
        configuration.get().resourceControlPolicies(role.accountId()).forEach(b::resourceControlPolicy);
        authorize(b.build());
    }

    private void authorize(AuthorizationRequest request) throws QueryException {
        Decision d = decide(request);
        if (!d.isAllowed()) {
            throw new QueryException("AccessDenied", 403, AccessDeniedMessage.render(request, d));
        }
    }

    private Decision decide(AuthorizationRequest request) throws QueryException {
        try {
            return evaluator.evaluate(request);
        } catch (RuntimeException e) {
            // fail closed
            throw new QueryException("AccessDenied", 403, "User: " + request.principal().arn()
                    + " is not authorized to perform: " + request.action() + " on resource: " + request.resource());
        }
    }

    private Instant verifyMfa(PrincipalContext caller, String serial, String code, Instant now) throws QueryException {
        String userArn = caller.type() == PrincipalType.USER ? caller.arn() : null;
        boolean ok;
        try {
            ok = mfa != null && userArn != null && mfa.verify(serial, userArn, code);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!ok) {
            throw new QueryException("AccessDenied", 403, MFA_FAILED);
        }
        return now;
    }

    private static void checkMfaParameters(String serial, String code) throws QueryException {
        if (serial != null) {
            if (serial.length() < 9 || serial.length() > 256 || !SERIAL.matcher(serial).matches()) {
                throw QueryException.constraint("serialNumber", serial,
                        "Member must have length between 9 and 256 and satisfy regular expression pattern: [\\w+=/:,.@-]*");
            }
        }
        if (code != null && !TOKEN_CODE.matcher(code).matches()) {
            throw QueryException.validation("1 validation error detected: Value at 'tokenCode' failed to satisfy "
                    + "constraint: Member must have length 6 and satisfy regular expression pattern: [\\d]*");
        }
        if ((serial == null) != (code == null)) {
            throw new QueryException("AccessDenied", 403, "MultiFactorAuthentication failed, must provide both MFA "
                    + "serial number and one time pass code.");
        }
    }

    // ---------------------------------------------------------------------------------------------------- validation

    private static String roleArn(QueryParameters p) throws QueryException {
        String arn = p.required("RoleArn", "roleArn");
        if (arn.length() < 20 || arn.length() > 2048) {
            throw QueryException.constraint("roleArn", arn, "Member must have length between 20 and 2048");
        }
        if (!ROLE_ARN.matcher(arn).matches()) {
            throw QueryException.validation(QueryParametersView.printable(arn) + " is invalid");
        }
        return arn;
    }

    private static String sessionName(QueryParameters p) throws QueryException {
        String name = p.required("RoleSessionName", "roleSessionName");
        if (name.length() < 2 || name.length() > 64) {
            throw QueryException.constraint("roleSessionName", name, "Member must have length between 2 and 64");
        }
        if (!SESSION_NAME.matcher(name).matches()) {
            throw QueryException.constraint("roleSessionName", name,
                    "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        return name;
    }

    private static String federatedName(QueryParameters p) throws QueryException {
        String name = p.required("Name", "name");
        if (name.length() < 2 || name.length() > 32) {
            throw QueryException.constraint("name", name, "Member must have length between 2 and 32");
        }
        if (!SESSION_NAME.matcher(name).matches()) {
            throw QueryException.constraint("name", name, "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        return name;
    }

    private static String federatedArn(String accountId, String name) {
        return "arn:aws:sts::" + accountId + ":federated-user/" + name;
    }

    private static int duration(QueryParameters p, int modelMax, int fallback) throws QueryException {
        int d = p.integer("DurationSeconds", "durationSeconds", fallback);
        if (d < 900) {
            throw QueryException.constraint("durationSeconds", d, "Member must have value greater than or equal to 900");
        }
        if (d > modelMax) {
            throw QueryException.constraint("durationSeconds", d, "Member must have value less than or equal to " + modelMax);
        }
        return d;
    }

    private static Map<String, String> tags(QueryParameters p) throws QueryException {
        List<QueryParameters> items = p.structures("Tags");
        if (items.size() > 50) {
            throw QueryException.constraint("tags", items.size() + " tags", "Member must have length less than or equal to 50");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        Set<String> lower = new HashSet<>();
        for (QueryParameters t : items) {
            String k = t.required("Key", "tags.member.key");
            String v = t.required("Value", "tags.member.value");
            if (k.isEmpty() || k.length() > 128 || !TAG.matcher(k).matches()) {
                throw QueryException.constraint("tags.member.key", k,
                        "Member must have length between 1 and 128 and satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
            }
            if (v.length() > 256 || !TAG.matcher(v).matches()) {
                throw QueryException.constraint("tags.member.value", v,
                        "Member must have length less than or equal to 256 and satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
            }
            if (k.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw new QueryException("InvalidParameterValue", 400, "Tag keys cannot start with the reserved prefix aws:.");
            }
            if (!lower.add(k.toLowerCase(Locale.ROOT))) {
                throw new QueryException("InvalidParameterValue", 400,
                        "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            }
            tags.put(k, v);
        }
        return tags;
    }

    private static List<String> transitiveTagKeys(QueryParameters p, Map<String, String> tags) throws QueryException {
        List<String> keys = p.list("TransitiveTagKeys");
        if (keys.size() > 50) {
            throw QueryException.constraint("transitiveTagKeys", keys.size() + " keys",
                    "Member must have length less than or equal to 50");
        }
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            String match = null;
            for (String t : tags.keySet()) {
                if (t.equalsIgnoreCase(k)) {
                    match = t;
                }
            }
            if (match == null) {
                throw new QueryException("InvalidParameterValue", 400,
                        "The specified transitive tag key must be included in the requested tags.");
            }
            out.add(match);
        }
        return out;
    }

    private static String externalId(QueryParameters p) throws QueryException {
        String id = p.get("ExternalId");
        if (id != null && (id.length() < 2 || id.length() > 1224 || !EXTERNAL_ID.matcher(id).matches())) {
            throw QueryException.validation("1 validation error detected: Value at 'externalId' failed to satisfy "
                    + "constraint: Member must have length between 2 and 1224 and satisfy regular expression pattern: "
                    + "[\\w+=,.@:/-]*");
        }
        return id;
    }

    private static String sourceIdentity(QueryParameters p) throws QueryException {
        String s = p.get("SourceIdentity");
        if (s == null) {
            return null;
        }
        if (s.length() < 2 || s.length() > 64 || !SESSION_NAME.matcher(s).matches()) {
            throw QueryException.constraint("sourceIdentity", s,
                    "Member must have length between 2 and 64 and satisfy regular expression pattern: [\\w+=,.@-]*");
        }
        if (s.toLowerCase(Locale.ROOT).startsWith("aws:")) {
            throw QueryException.validation("The source identity cannot start with the reserved prefix aws:.");
        }
        return s;
    }

    private List<SessionPolicy> sessionPolicies(QueryParameters p) throws QueryException {
        List<SessionPolicy> out = new ArrayList<>();
        String policy = p.get("Policy");
        if (policy != null) {
            if (policy.isEmpty() || policy.length() > 2048 || !POLICY_CHARS.matcher(policy).matches()) {
                throw QueryException.validation("1 validation error detected: Value at 'policy' failed to satisfy "
                        + "constraint: Member must have length between 1 and 2048 and satisfy regular expression "
                        + "pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
            }
            try {
                PolicyParser.parse(policy, "Policy");
            } catch (PolicyParseException e) {
                String msg = e.getMessage() == null ? "" : e.getMessage();
                throw new QueryException("MalformedPolicyDocument", 400, "The policy is not valid: "
                        + (msg.length() > 400 ? msg.substring(0, 400) : msg));
            }
            out.add(SessionPolicy.inline(policy));
        }
        List<QueryParameters> arns = p.structures("PolicyArns");
        if (arns.size() > 10) {
            throw QueryException.constraint("policyArns", arns.size() + " ARNs", "Member must have length less than or equal to 10");
        }
        IamConfiguration config = configuration.get();
        for (QueryParameters a : arns) {
            String arn = a.required("arn", "policyArns.member.arn");
            if (arn.length() < 20 || arn.length() > 2048) {
                throw QueryException.constraint("policyArns.member.arn", arn, "Member must have length between 20 and 2048");
            }
            if (config.managedPolicy(arn).isEmpty()) {
                throw new QueryException("InvalidParameterValue", 400, "The policy " + QueryParametersView.printable(arn)
                        + " does not exist or is not attachable.");
            }
            out.add(SessionPolicy.managed(arn));
        }
        return out;
    }

    private static PackedPolicies pack(List<SessionPolicy> policies, Map<String, String> tags) throws QueryException {
        try {
            return PackedPolicies.pack(policies, tags);
        } catch (PackedPolicyTooLargeException e) {
            throw new QueryException("PackedPolicyTooLarge", 400, e.getMessage());
        }
    }

    private static RequestContext.Builder copy(RequestContext context) {
        RequestContext.Builder b = RequestContext.builder();
        for (String k : context.keys()) {
            b.put(k, context.values(k));
        }
        return b;
    }

    private static void writeCredentials(XmlWriter out, IssuedSession s) {
        out.start("Credentials")
                .element("AccessKeyId", s.accessKeyId())
                .element("SecretAccessKey", s.secretAccessKey())
                .element("SessionToken", s.sessionToken())
                .element("Expiration", s.expiration())
                .end();
    }

    /** Shortens a value for an error message (printable ASCII, at most 80 characters). */
    static final class QueryParametersView {
        private QueryParametersView() {
        }

        static String printable(String value) {
            String cut = value.length() > 80 ? value.substring(0, 80) : value;
            StringBuilder out = new StringBuilder(cut.length());
            for (char c : cut.toCharArray()) {
                out.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
            return out.toString();
        }
    }

    @Override
    public String toString() {
        return "StsQueryService";
    }

    /** Longest lifetime any STS session can have (for sizing token-key retention). */
    static Duration longestSession() {
        return Duration.ofSeconds(129_600);
    }
}
