package io.mlgate.bench;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.auth.sigv4.SignedRequest;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One STS query-protocol call (API version 2011-06-15) as a load generator sends it: {@code POST /} with a
 * form-encoded body, signed for the signing name {@code sts}, and the rule that says whether an answer is a success.
 */
public final class StsQuery {

    /** The content type AWS SDKs send for query-protocol calls. */
    public static final String CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";
    /** The SigV4 signing name of STS. */
    public static final String SIGNING_NAME = "sts";

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/.+");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    private final String action;
    private final byte[] body;
    private final String successMarker;

    private StsQuery(String action, String body, String successMarker) {
        this.action = action;
        this.body = body.getBytes(StandardCharsets.UTF_8);
        this.successMarker = successMarker;
    }

    /**
     * {@code AssumeRole} for {@code roleArn} with session name {@code sessionName} and a session of
     * {@code durationSeconds} (900 to 43200); a success is a 200 whose body carries a temporary ({@code ASIA}) key.
     */
    public static StsQuery assumeRole(String roleArn, String sessionName, int durationSeconds) {
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(sessionName, "sessionName");
        if (!ROLE_ARN.matcher(roleArn).matches()) {
            throw new IllegalArgumentException("not a role ARN: " + roleArn);
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw new IllegalArgumentException("a role session name is 2 to 64 of [A-Za-z0-9_+=,.@-]");
        }
        if (durationSeconds < 900 || durationSeconds > 43_200) {
            throw new IllegalArgumentException("DurationSeconds must be between 900 and 43200");
        }
        return new StsQuery("AssumeRole", "Action=AssumeRole&Version=2011-06-15&RoleArn=" + encode(roleArn)
                + "&RoleSessionName=" + encode(sessionName) + "&DurationSeconds=" + durationSeconds,
                "<AccessKeyId>ASIA");
    }

    /** {@code GetCallerIdentity}; a success is a 200 whose body carries the caller's ARN. */
    public static StsQuery getCallerIdentity() {
        return new StsQuery("GetCallerIdentity", "Action=GetCallerIdentity&Version=2011-06-15", "<Arn>arn:");
    }

    public String action() {
        return action;
    }

    /** The form-encoded body (a copy). */
    public byte[] body() {
        return body.clone();
    }

    /** Whether an answer with this status and body is the call's success. */
    public boolean succeeded(int status, String responseBody) {
        return status == 200 && responseBody != null && responseBody.contains(successMarker);
    }

    /**
     * The request to send to {@code endpoint} (its path is ignored: STS listens on {@code /}), signed now by
     * {@code signer}, which must sign for {@link #SIGNING_NAME}: method, path {@code /}, headers {@code host},
     * {@code content-type}, {@code Authorization}, {@code X-Amz-Date} (and {@code X-Amz-Security-Token} for session
     * credentials), and the body.
     */
    public SignedRequest signedFor(URI endpoint, SigV4Signer signer) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(signer, "signer");
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint needs a host");
        }
        SignedRequest unsigned = SignedRequest.builder().method("POST").rawPath("/")
                .header("host", hostHeader(endpoint)).header("content-type", CONTENT_TYPE).body(body).build();
        return signer.sign(unsigned);
    }

    /** {@code host[:port]} as an HTTP client sends it (the port only when it is not the scheme's default). */
    public static String hostHeader(URI endpoint) {
        int port = endpoint.getPort();
        boolean defaultPort = port == -1 || "https".equalsIgnoreCase(endpoint.getScheme()) && port == 443
                || "http".equalsIgnoreCase(endpoint.getScheme()) && port == 80;
        return defaultPort ? endpoint.getHost() : endpoint.getHost() + ':' + port;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "StsQuery[" + action + ']';
    }
}
