package io.mlgate.sts;

/** What created a temporary-credential session, which decides the principal it stands for. */
public enum SessionKind {
    /** AssumeRole: a role session ({@code arn:aws:sts::A:assumed-role/R/S}). */
    ASSUMED_ROLE(1),
    /** AssumeRoleWithWebIdentity: a role session whose caller was an OIDC identity. */
    WEB_IDENTITY(2),
    /** GetFederationToken: a federated user ({@code arn:aws:sts::A:federated-user/N}). */
    FEDERATED_USER(3),
    /** GetSessionToken: the calling IAM user (or root) with session facts such as MFA. */
    USER_SESSION(4);

    private final int code;

    SessionKind(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    static SessionKind ofCode(int code) {
        for (SessionKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }

    /** Whether the session is a role session (AssumeRole or AssumeRoleWithWebIdentity). */
    public boolean isRoleSession() {
        return this == ASSUMED_ROLE || this == WEB_IDENTITY;
    }
}
