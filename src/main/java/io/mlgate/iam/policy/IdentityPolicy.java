package io.mlgate.iam.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * An identity-based policy as it applies to a principal: the document plus where it comes from (a managed policy ARN,
 * or an inline policy name) and the user, group or role it is attached to.
 *
 * @param name       the policy name (managed policy name or inline policy name)
 * @param arn        the managed policy ARN, or {@code null} for an inline policy
 * @param attachedTo ARN of the user, group or role the policy is attached to or embedded in
 * @param document   the compiled policy document
 */
public record IdentityPolicy(String name, String arn, String attachedTo, PolicyDocument document) {

    public IdentityPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(attachedTo, "attachedTo");
        Objects.requireNonNull(document, "document");
    }

    public static IdentityPolicy managed(String name, String arn, String attachedTo, PolicyDocument document) {
        return new IdentityPolicy(name, Objects.requireNonNull(arn, "arn"), attachedTo, document);
    }

    public static IdentityPolicy inline(String name, String attachedTo, PolicyDocument document) {
        return new IdentityPolicy(name, null, attachedTo, document);
    }

    public boolean isManaged() {
        return arn != null;
    }

    public Optional<String> managedArn() {
        return Optional.ofNullable(arn);
    }

    /** A human description, e.g. {@code managed policy arn:...:policy/x (attached to arn:...:group/g)}. */
    public String describe() {
        return isManaged()
                ? "managed policy " + arn + " (attached to " + attachedTo + ")"
                : "inline policy '" + name + "' of " + attachedTo;
    }
}
