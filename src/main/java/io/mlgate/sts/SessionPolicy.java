package io.mlgate.sts;

import java.util.Objects;

/**
 * A session policy carried by a session: the inline {@code Policy} of the request (its JSON text), or a managed
 * policy named in {@code PolicyArns} (by ARN; its current document is used when the session is evaluated, and a
 * policy that no longer exists allows nothing).
 *
 * @param arn      the managed policy ARN, or {@code null} for the inline policy
 * @param document the inline policy JSON, or {@code null} for a managed policy
 */
public record SessionPolicy(String arn, String document) {

    public SessionPolicy {
        if ((arn == null) == (document == null)) {
            throw new IllegalArgumentException("a session policy is either inline (document) or managed (arn)");
        }
    }

    public static SessionPolicy inline(String document) {
        return new SessionPolicy(null, Objects.requireNonNull(document, "document"));
    }

    public static SessionPolicy managed(String arn) {
        return new SessionPolicy(Objects.requireNonNull(arn, "arn"), null);
    }

    public boolean isInline() {
        return arn == null;
    }
}
