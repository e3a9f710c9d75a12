package io.mlgate.sagemaker;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who registered or last changed something in the model registry, as SageMaker reports it in {@code CreatedBy} /
 * {@code LastModifiedBy} ({@code IamIdentity}: ARN, principal id, source identity), plus, for a federated-user
 * session, the IAM user that created the session (kept for the separation-of-duties check, not shown).
 *
 * @param arn               the caller's ARN: an IAM user, a role session
 *                          ({@code arn:aws:sts::<account>:assumed-role/<role>/<session>}), a federated user or root
 * @param principalId       the unique id ({@code AIDA...}, {@code AROA...:<session>}), or null
 * @param sourceIdentity    the session's {@code sts:SourceIdentity}, or null
 * @param federatingUserArn the IAM user behind a federated-user session, or null
 */
public record RegistryIdentity(String arn, String principalId, String sourceIdentity, String federatingUserArn) {

    public RegistryIdentity {
        Objects.requireNonNull(arn, "arn");
    }

    /**
     * The identity of a caller. The source identity comes from the request context ({@code aws:SourceIdentity}),
     * which the gateway sets only from a verified session token, never from the request.
     */
    static RegistryIdentity of(PrincipalContext caller, RequestContext context) {
        List<String> source = context.values("aws:SourceIdentity");
        return new RegistryIdentity(caller.arn(), caller.userId().orElse(null),
                source == null || source.isEmpty() ? null : source.get(0), caller.federatingUserArn().orElse(null));
    }

    /**
     * Whether two identities are the same person for separation of duties: the same ARN (ignoring case: the same
     * IAM user, the same role session — role plus session name — the same federated user, or root), a federated
     * session and the IAM user that created it, or the same source identity. Two sessions of one role with
     * different session names and no source identity are different people: the session name is chosen by whoever
     * assumes the role, so deployments that need to tie sessions to a person must require {@code sts:SourceIdentity}
     * in the role's trust policy.
     */
    public boolean samePersonAs(RegistryIdentity other) {
        if (sameArn(arn, other.arn) || sameArn(federatingUserArn, other.arn) || sameArn(arn, other.federatingUserArn)
                || sameArn(federatingUserArn, other.federatingUserArn)) {
            return true;
        }
        return sourceIdentity != null && sourceIdentity.equals(other.sourceIdentity);
    }

    private static boolean sameArn(String a, String b) {
        return a != null && b != null && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
    }
}
