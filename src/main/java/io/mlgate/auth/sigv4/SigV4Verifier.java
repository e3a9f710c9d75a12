package io.mlgate.auth.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Server-side verifier of AWS Signature Version 4 ({@code AWS4-HMAC-SHA256}) in header form and in query
 * (presigned URL) form. Thread-safe; build one per configuration and call {@link #verify} for every request.
 */
public final class SigV4Verifier {

    static final String AUTHORIZATION = "authorization";
    static final String X_AMZ_DATE = "x-amz-date";
    static final String DATE = "date";
    static final String HOST = "host";
    static final String X_AMZ_SECURITY_TOKEN = "x-amz-security-token";
    static final String X_AMZ_CONTENT_SHA256 = "x-amz-content-sha256";

    static final String P_ALGORITHM = "X-Amz-Algorithm";
    static final String P_CREDENTIAL = "X-Amz-Credential";
    static final String P_DATE = "X-Amz-Date";
    static final String P_EXPIRES = "X-Amz-Expires";
    static final String P_SIGNED_HEADERS = "X-Amz-SignedHeaders";
    static final String P_SECURITY_TOKEN = "X-Amz-Security-Token";
    static final String P_SIGNATURE = CanonicalRequest.SIGNATURE_PARAM;

    static final long MAX_PRESIGN_EXPIRES_SECONDS = 604_800L;
    private static final int KEY_CACHE_ENTRIES = 4096;

    private static final String MSG_MISMATCH = "The request signature we calculated does not match the signature you"
            + " provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for"
            + " details.";
    private static final String MSG_QUERY_PARAMS = "AWS query-string parameters must include 'X-Amz-Algorithm',"
            + " 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', and 'X-Amz-Expires'."
            + " Re-examine the query-string parameters.";

    private final SigV4Policy policy;
    private final SecretLookup secrets;
    private final SigningKeyCache keyCache = new SigningKeyCache(KEY_CACHE_ENTRIES);

    public SigV4Verifier(SigV4Policy policy, SecretLookup secrets) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * Verifies the request's SigV4 signature for the service it was routed to.
     *
     * @param request the request as received (raw path and query, all headers, real body hash)
     * @param expectedService the signing name of the routed service, e.g. {@code sagemaker}, {@code kms}, {@code sts}
     * @return the verified facts; the caller must still validate a session token if one is present
     * @throws SigV4Exception with the failure kind and a message safe to return to the client
     */
    public VerifiedSignature verify(SignedRequest request, String expectedService) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(expectedService, "expectedService");
        Auth auth = parse(request);
        enforceSignedHeaderRules(request, auth);
        checkScope(auth, expectedService);
        checkTime(auth);
        String contentSha = singleHeader(request, X_AMZ_CONTENT_SHA256);
        if (contentSha != null) {
            contentSha = contentSha.strip();
            if (contentSha.equals("UNSIGNED-PAYLOAD") || contentSha.startsWith("STREAMING-")) {
                throw fail(SigV4Failure.UNSUPPORTED_PAYLOAD,
                        "The payload signing mode in x-amz-content-sha256 is not supported by this service.");
            }
        }
        SigningSecret secret = secrets.find(auth.accessKeyId, auth.securityToken).orElseThrow(() -> fail(
                SigV4Failure.UNKNOWN_ACCESS_KEY, "The security token included in the request is invalid."));
        if (contentSha != null && !contentSha.equalsIgnoreCase(request.payloadSha256Hex())) {
            throw fail(SigV4Failure.CONTENT_SHA256_MISMATCH,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        String payloadHash = contentSha != null ? contentSha : request.payloadSha256Hex();
        String canonical = CanonicalRequest.build(request, auth.params, auth.presigned, auth.signedHeaders,
                auth.signedHeadersLine, payloadHash, policy.normalizePath());
        String stringToSign = CanonicalRequest.stringToSign(auth.amzDate, auth.scope(), canonical);
        byte[] signingKey = keyCache.signingKey(auth.credential, secret, auth.scopeDate, auth.region, auth.service);
        byte[] expected = SigV4Digests.hexAscii(
                SigV4Digests.hmac(signingKey, stringToSign.getBytes(StandardCharsets.UTF_8)));
        byte[] provided = auth.signature.getBytes(StandardCharsets.ISO_8859_1);
        if (!MessageDigest.isEqual(expected, provided)) {
            throw fail(SigV4Failure.SIGNATURE_MISMATCH, MSG_MISMATCH);
        }
        return new VerifiedSignature(auth.accessKeyId, auth.region, auth.service, AmzDate.dateOf(auth.requestEpoch),
                Instant.ofEpochSecond(auth.requestEpoch), Arrays.asList(auth.signedHeaders), secret.owner(),
                auth.securityToken, auth.presigned,
                auth.presigned ? Instant.ofEpochSecond(auth.requestEpoch + auth.expiresSeconds) : null);
    }

    /** The canonical request this verifier computes for {@code request} (diagnostics and tests only). */
    String canonicalRequest(SignedRequest request) {
        Auth auth = parse(request);
        String contentSha = singleHeader(request, X_AMZ_CONTENT_SHA256);
        String payloadHash = contentSha != null ? contentSha.strip() : request.payloadSha256Hex();
        return CanonicalRequest.build(request, auth.params, auth.presigned, auth.signedHeaders,
                auth.signedHeadersLine, payloadHash, policy.normalizePath());
    }

    /** The string to sign this verifier computes for {@code request} (diagnostics and tests only). */
    String stringToSign(SignedRequest request) {
        Auth auth = parse(request);
        return CanonicalRequest.stringToSign(auth.amzDate, auth.scope(), canonicalRequest(request));
    }

    // ------------------------------------------------------------------------------------------------ parsing

    /** What the request claims about its signature, syntactically validated. */
    private static final class Auth {
        boolean presigned;
        List<CanonicalRequest.Param> params;
        String credential;
        String accessKeyId;
        String scopeDate;
        String region;
        String service;
        String[] signedHeaders;
        String signedHeadersLine;
        String signature;
        String amzDate;
        long requestEpoch;
        long expiresSeconds;
        boolean dateFromDateHeader;
        String securityToken;

        String scope() {
            return credential.substring(accessKeyId.length() + 1);
        }
    }

    private Auth parse(SignedRequest req) {
        Auth auth = new Auth();
        auth.params = CanonicalRequest.parseQuery(req.rawQuery());
        List<String> authz = req.headerValues(AUTHORIZATION);
        boolean queryAuth = false;
        for (CanonicalRequest.Param p : auth.params) {
            String k = p.key();
            if (k.equals(P_SIGNATURE) || k.equals(P_ALGORITHM) || k.equals(P_CREDENTIAL)) {
                queryAuth = true;
                break;
            }
        }
        if (authz.isEmpty() && !queryAuth) {
            throw fail(SigV4Failure.MISSING_AUTHENTICATION, "Missing Authentication Token");
        }
        if (!authz.isEmpty() && queryAuth) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization"
                            + " header should be specified.");
        }
        if (queryAuth) {
            parseQueryAuth(req, auth);
        } else {
            if (authz.size() != 1) {
                throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "Exactly one Authorization header is allowed.");
            }
            parseAuthorizationHeader(authz.get(0), auth);
            parseHeaderDate(req, auth);
            String token = singleHeader(req, X_AMZ_SECURITY_TOKEN);
            auth.securityToken = token == null ? null : token.strip();
        }
        if (!auth.amzDate.startsWith(auth.scopeDate)) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "Date in Credential scope does not match YYYYMMDD from"
                    + " ISO-8601 version of date from HTTP: '" + auth.scopeDate + "' != '"
                    + auth.amzDate.substring(0, 8) + "', from '" + auth.amzDate + "'.");
        }
        for (String name : auth.signedHeaders) {
            if (!req.headers().containsKey(name)) {
                throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                        "Header '" + name + "' is listed in SignedHeaders but missing from the request.");
            }
        }
        return auth;
    }

    private static void parseAuthorizationHeader(String value, Auth auth) {
        String v = value.strip();
        String alg = CanonicalRequest.ALGORITHM;
        if (!v.startsWith(alg) || v.length() == alg.length() || !isSpace(v.charAt(alg.length()))) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                    "Authorization header must use the AWS4-HMAC-SHA256 algorithm.");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        int pos = alg.length();
        int n = v.length();
        while (pos < n) {
            int comma = v.indexOf(',', pos);
            int end = comma < 0 ? n : comma;
            String part = v.substring(pos, end).strip();
            pos = end + 1;
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "Authorization header is malformed.");
            }
            String key = part.substring(0, eq).strip();
            String val = part.substring(eq + 1).strip();
            switch (key) {
                case "Credential" -> {
                    if (credential != null) {
                        throw duplicate("Credential");
                    }
                    credential = val;
                }
                case "SignedHeaders" -> {
                    if (signedHeaders != null) {
                        throw duplicate("SignedHeaders");
                    }
                    signedHeaders = val;
                }
                case "Signature" -> {
                    if (signature != null) {
                        throw duplicate("Signature");
                    }
                    signature = val;
                }
                default -> throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                        "Authorization header contains an unknown component.");
            }
        }
        StringBuilder missing = new StringBuilder();
        if (credential == null || credential.isEmpty()) {
            missing.append("Authorization header requires 'Credential' parameter. ");
        }
        if (signature == null || signature.isEmpty()) {
            missing.append("Authorization header requires 'Signature' parameter. ");
        }
        if (signedHeaders == null || signedHeaders.isEmpty()) {
            missing.append("Authorization header requires 'SignedHeaders' parameter. ");
        }
        if (missing.length() > 0) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, missing.toString().strip());
        }
        parseCredential(credential, auth);
        parseSignedHeaders(signedHeaders, auth);
        auth.signature = signature;
    }

    private void parseHeaderDate(SignedRequest req, Auth auth) {
        String amzDate = singleHeader(req, X_AMZ_DATE);
        if (amzDate != null) {
            auth.amzDate = amzDate.strip();
            auth.requestEpoch = AmzDate.parse(auth.amzDate);
            if (auth.requestEpoch == AmzDate.INVALID) {
                throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                        "X-Amz-Date must be in the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z'.");
            }
            return;
        }
        String date = singleHeader(req, DATE);
        if (date == null) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        long epoch = AmzDate.parseHttpDate(date);
        if (epoch == AmzDate.INVALID) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "Date header must be an RFC 1123 date.");
        }
        auth.requestEpoch = epoch;
        auth.amzDate = AmzDate.format(epoch);
        auth.dateFromDateHeader = true;
    }

    private static void parseQueryAuth(SignedRequest req, Auth auth) {
        String algorithm = null;
        String credential = null;
        String date = null;
        String expires = null;
        String signedHeaders = null;
        String signature = null;
        String token = null;
        for (CanonicalRequest.Param p : auth.params) {
            String k = p.key();
            if (!k.startsWith("X-Amz-")) {
                continue;
            }
            switch (k) {
                case P_ALGORITHM -> algorithm = once(algorithm, p, k);
                case P_CREDENTIAL -> credential = once(credential, p, k);
                case P_DATE -> date = once(date, p, k);
                case P_EXPIRES -> expires = once(expires, p, k);
                case P_SIGNED_HEADERS -> signedHeaders = once(signedHeaders, p, k);
                case P_SIGNATURE -> signature = once(signature, p, k);
                case P_SECURITY_TOKEN -> token = once(token, p, k);
                default -> {
                    // other X-Amz-* parameters are ordinary signed query parameters
                }
            }
        }
        if (algorithm == null || credential == null || date == null || expires == null || signedHeaders == null
                || signature == null) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, MSG_QUERY_PARAMS);
        }
        if (!algorithm.equals(CanonicalRequest.ALGORITHM)) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\".");
        }
        auth.presigned = true;
        parseCredential(credential, auth);
        parseSignedHeaders(signedHeaders, auth);
        auth.signature = signature;
        auth.amzDate = date;
        auth.requestEpoch = AmzDate.parse(date);
        if (auth.requestEpoch == AmzDate.INVALID) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                    "X-Amz-Date must be in the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z'.");
        }
        auth.expiresSeconds = parseExpires(expires);
        String headerToken = singleHeader(req, X_AMZ_SECURITY_TOKEN);
        if (headerToken != null && (token == null || !token.equals(headerToken.strip()))) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                    "X-Amz-Security-Token header and query parameter disagree.");
        }
        auth.securityToken = token;
    }

    private static String once(String current, CanonicalRequest.Param p, String name) {
        if (current != null) {
            throw duplicate(name);
        }
        return p.decodedValue();
    }

    private static long parseExpires(String expires) {
        long v = 0;
        if (expires.isEmpty() || expires.length() > 7) {
            v = -1;
        } else {
            for (int i = 0; i < expires.length(); i++) {
                char c = expires.charAt(i);
                if (c < '0' || c > '9') {
                    v = -1;
                    break;
                }
                v = v * 10 + (c - '0');
            }
        }
        if (v < 1 || v > MAX_PRESIGN_EXPIRES_SECONDS) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                    "X-Amz-Expires must be a number of seconds between 1 and 604800 (one week).");
        }
        return v;
    }

    /** {@code AKID/yyyymmdd/region/service/aws4_request}. */
    private static void parseCredential(String credential, Auth auth) {
        int s1 = credential.indexOf('/');
        int s2 = s1 < 0 ? -1 : credential.indexOf('/', s1 + 1);
        int s3 = s2 < 0 ? -1 : credential.indexOf('/', s2 + 1);
        int s4 = s3 < 0 ? -1 : credential.indexOf('/', s3 + 1);
        if (s4 < 0 || credential.indexOf('/', s4 + 1) >= 0 || s1 == 0 || s2 == s1 + 1 || s3 == s2 + 1
                || s4 == s3 + 1 || s4 == credential.length() - 1) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "Credential must have exactly 5 slash-delimited elements,"
                    + " e.g. keyid/date/region/service/term.");
        }
        String date = credential.substring(s1 + 1, s2);
        if (date.length() != 8 || !allDigits(date)) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "Credential scope date must be yyyyMMdd.");
        }
        String terminator = credential.substring(s4 + 1);
        if (!terminator.equals(CanonicalRequest.TERMINATOR)) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                    "Credential should be scoped with a valid terminator: 'aws4_request'.");
        }
        auth.credential = credential;
        auth.accessKeyId = credential.substring(0, s1);
        auth.scopeDate = date;
        auth.region = credential.substring(s2 + 1, s3);
        auth.service = credential.substring(s3 + 1, s4);
    }

    /** Lowercase token names, {@code ;}-separated, strictly ascending, host included. */
    private static void parseSignedHeaders(String line, Auth auth) {
        int count = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ';') {
                count++;
            }
        }
        String[] names = new String[count];
        int start = 0;
        for (int i = 0; i < count; i++) {
            int semi = line.indexOf(';', start);
            int end = semi < 0 ? line.length() : semi;
            String name = line.substring(start, end);
            if (name.isEmpty() || !isLowerToken(name)) {
                throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                        "SignedHeaders must be lowercase header names separated by ';'.");
            }
            if (i > 0 && names[i - 1].compareTo(name) >= 0) {
                throw fail(SigV4Failure.INCOMPLETE_SIGNATURE,
                        "SignedHeaders must be sorted and must not repeat a name.");
            }
            names[i] = name;
            start = end + 1;
        }
        auth.signedHeaders = names;
        auth.signedHeadersLine = line;
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** Host must be signed, and so must every security-relevant header that is present. */
    private static void enforceSignedHeaderRules(SignedRequest req, Auth auth) {
        if (Arrays.binarySearch(auth.signedHeaders, HOST) < 0) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "The 'host' header must be signed.");
        }
        if (auth.dateFromDateHeader && Arrays.binarySearch(auth.signedHeaders, DATE) < 0) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "The 'date' header must be signed.");
        }
        for (String name : req.headers().keySet()) {
            if (isSecurityRelevant(name) && Arrays.binarySearch(auth.signedHeaders, name) < 0) {
                throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "The '" + safeName(name) + "' header must be signed.");
            }
        }
    }

    static boolean isSecurityRelevant(String lowerName) {
        switch (lowerName) {
            case HOST, X_AMZ_DATE, X_AMZ_SECURITY_TOKEN, "x-amz-target", X_AMZ_CONTENT_SHA256, "content-type":
                return true;
            default:
                return lowerName.startsWith("x-amzn-sagemaker-");
        }
    }

    private void checkScope(Auth auth, String expectedService) {
        if (!auth.service.equals(expectedService)) {
            throw fail(SigV4Failure.WRONG_SERVICE,
                    "Credential should be scoped to correct service: '" + expectedService + "'. ");
        }
        if (!policy.regionAllowed(auth.region)) {
            throw fail(SigV4Failure.WRONG_REGION, "Credential should be scoped to a valid region. ");
        }
    }

    private void checkTime(Auth auth) {
        long now = policy.clock().instant().getEpochSecond();
        long skew = policy.maxClockSkew().getSeconds();
        long t = auth.requestEpoch;
        if (auth.presigned) {
            if (now < t - skew) {
                throw notYetCurrent(t, now, skew);
            }
            if (now > t + auth.expiresSeconds) {
                throw fail(SigV4Failure.PRESIGNED_URL_EXPIRED, "Request has expired");
            }
            return;
        }
        if (t < now - skew) {
            throw fail(SigV4Failure.REQUEST_EXPIRED_SKEW, "Signature expired: " + AmzDate.format(t)
                    + " is now earlier than " + AmzDate.format(now - skew) + " (" + AmzDate.format(now) + " - "
                    + describe(skew) + ")");
        }
        if (t > now + skew) {
            throw notYetCurrent(t, now, skew);
        }
    }

    private static SigV4Exception notYetCurrent(long t, long now, long skew) {
        return fail(SigV4Failure.REQUEST_EXPIRED_SKEW, "Signature not yet current: " + AmzDate.format(t)
                + " is still later than " + AmzDate.format(now + skew) + " (" + AmzDate.format(now) + " + "
                + describe(skew) + ")");
    }

    private static String describe(long skewSeconds) {
        return skewSeconds % 60 == 0 ? skewSeconds / 60 + " min." : skewSeconds + " sec.";
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The only value of a header, {@code null} when absent; repeated security headers are rejected. */
    private static String singleHeader(SignedRequest req, String lowerName) {
        List<String> values = req.headers().get(lowerName);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw fail(SigV4Failure.INCOMPLETE_SIGNATURE, "Header '" + lowerName + "' must not be repeated.");
        }
        return values.get(0);
    }

    private static boolean isLowerToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Header names from the request may contain anything; only echo plain tokens. */
    private static String safeName(String name) {
        return isLowerToken(name) && name.length() <= 64 ? name : "(invalid name)";
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static SigV4Exception duplicate(String name) {
        return fail(SigV4Failure.INCOMPLETE_SIGNATURE, "'" + name + "' must not be given more than once.");
    }

    private static SigV4Exception fail(SigV4Failure failure, String message) {
        return new SigV4Exception(failure, message);
    }
}
