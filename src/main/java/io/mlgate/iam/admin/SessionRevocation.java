package io.mlgate.iam.admin;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;


/**
 * AWS's "Revoke active sessions": puts (or replaces) the inline policy {@value #POLICY_NAME} on a role or user that
 * denies every action to temporary credentials issued before now ({@code aws:TokenIssueTime}), through
 * {@link IamAdministration} so the change is validated, written atomically and picked up by every replica. The
 * administration's configuration supplier must reflect its change listener (the ARN returned is read from it).
 */
public final class SessionRevocation {

    /** The inline policy name AWS's console uses. */
    public static final String POLICY_NAME = "AWSRevokeOlderSessions";

    /** What a revocation did: the role or user ARN, and the time before which sessions are now denied. */
    public record Revoked(String entityArn, String policyName, Instant issuedBefore) {

        public Revoked {
            Objects.requireNonNull(entityArn, "entityArn");
            Objects.requireNonNull(policyName, "policyName");
            Objects.requireNonNull(issuedBefore, "issuedBefore");
        }
    }

    private final IamAdministration admin;
    private final Clock clock;

    public SessionRevocation(IamAdministration admin, Clock clock) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Denies every session of the role (AssumeRole, AssumeRoleWithWebIdentity) issued before now.
     *
     * @throws IamAdminException NoSuchEntity if the role does not exist in the account; LimitExceeded if the role's
     *                           inline policies would exceed their quota
     */
    public Revoked revokeRoleSessions(String accountId, String roleName) throws IamAdminException {
        Instant cutoff = cutoff();
        admin.putRolePolicy(accountId, roleName, POLICY_NAME, policyDocument(cutoff));
        String arn = admin.getRole(accountId, roleName).arn();
        return new Revoked(arn, POLICY_NAME, cutoff);
    }

    /**
     * Denies every temporary session the user made with GetSessionToken or GetFederationToken before now; requests
     * signed with the user's long-term access keys carry no {@code aws:TokenIssueTime} and stay unaffected.
     *
     * @throws IamAdminException NoSuchEntity if the user does not exist in the account; LimitExceeded if the user's
     *                           inline policies would exceed their quota (2,048 characters)
     */
    public Revoked revokeUserSessions(String accountId, String userName) throws IamAdminException {
        Instant cutoff = cutoff();
        admin.putUserPolicy(accountId, userName, POLICY_NAME, policyDocument(cutoff));
        String arn = admin.getUser(accountId, userName).arn();
        return new Revoked(arn, POLICY_NAME, cutoff);
    }

    /**
     * The policy AWS attaches: deny {@code *} on {@code *} when {@code aws:TokenIssueTime} is before
     * {@code issuedBefore} (written in ISO-8601 UTC).
     */
    public static String policyDocument(Instant issuedBefore) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"*\"],\"Resource\":[\"*\"],"
                + "\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"" + issuedBefore + "\"}}}]}";
    }

    /**
     * Now, rounded up to the next whole second: session tokens carry their issue time in whole seconds, so a session
     * issued earlier in the current second must still compare as "before".
     */
    private Instant cutoff() {
        Instant now = clock.instant();
        Instant seconds = now.truncatedTo(ChronoUnit.SECONDS);
        return seconds.equals(now) ? now : seconds.plusSeconds(1);
    }

    @Override
    public String toString() {
        return "SessionRevocation[" + admin + "]";
    }
}
