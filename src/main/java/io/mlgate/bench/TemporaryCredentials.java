package io.mlgate.bench;

import java.util.Objects;
import java.util.Optional;

/**
 * Temporary credentials (access key id, secret, session token) read from an STS answer's {@code <Credentials>}
 * element, for signing follow-up calls. {@link #toString()} shows the access key id only.
 */
public final class TemporaryCredentials {

    private final String accessKeyId;
    private final char[] secretAccessKey;
    private final String sessionToken;

    private TemporaryCredentials(String accessKeyId, char[] secretAccessKey, String sessionToken) {
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.sessionToken = sessionToken;
    }

    /** The credentials in an AssumeRole (or GetSessionToken, ...) XML answer; empty when any of the three is missing. */
    public static Optional<TemporaryCredentials> fromStsResponse(String xml) {
        Objects.requireNonNull(xml, "xml");
        int credentials = xml.indexOf("<Credentials>");
        if (credentials < 0) {
            return Optional.empty();
        }
        String id = element(xml, "AccessKeyId", credentials);
        String secret = element(xml, "SecretAccessKey", credentials);
        String token = element(xml, "SessionToken", credentials);
        if (id == null || secret == null || token == null || id.isEmpty() || secret.isEmpty() || token.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TemporaryCredentials(id, secret.toCharArray(), token));
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    /** A copy of the secret access key. */
    public char[] secretAccessKey() {
        return secretAccessKey.clone();
    }

    public String sessionToken() {
        return sessionToken;
    }

    private static String element(String xml, String name, int from) {
        String open = "<" + name + ">";
        int start = xml.indexOf(open, from);
        if (start < 0) {
            return null;
        }
        start += open.length();
        int end = xml.indexOf("</" + name + ">", start);
        return end < 0 ? null : unescape(xml.substring(start, end).strip());
    }

    private static String unescape(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    @Override
    public String toString() {
        return "TemporaryCredentials[accessKeyId=" + accessKeyId + ']';
    }
}
