package io.mlgate.sts;

import java.util.Objects;

/**
 * A session policy carried by a session: the inline {@code Policy} of the request (no ARN) or a managed policy named
 * in {@code PolicyArns}, with its document text as it was when the session was issued.
 *
 * @param arn      the managed policy ARN, or {@code null} for the inline policy
 * @param document the policy JSON
 */
public record SessionPolicy(String arn, String document) {

    public SessionPolicy {
        Objects.requireNonNull(document, "document");
    }

    public static SessionPolicy inline(String document) {
        return new SessionPolicy(null, document);
    }

    public static SessionPolicy managed(String arn, String document) {
        return new SessionPolicy(Objects.requireNonNull(arn, "arn"), document);
    }

    public boolean isInline() {
        return arn == null;
    }
}
