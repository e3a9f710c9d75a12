package io.mlgate.audit;

import java.util.Objects;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

/**
 * The {@code userIdentity} of a CloudTrail record: who made the call (type, principal id, ARN, account, the access
 * key id that signed, user name, session context). It holds identifiers only; there is no field for a secret key
 * or a session token. Null parts are omitted from the JSON; {@code type} is always written.
 */
public final class UserIdentity {

    private static final SerializableString NAME_ACCESS_KEY_ID = new SerializedString("accessKeyId");
    private static final SerializableString NAME_ACCOUNT_ID = new SerializedString("accountId");
    private static final SerializableString NAME_ARN = new SerializedString("arn");
    private static final SerializableString NAME_IDENTITY_PROVIDER = new SerializedString("identityProvider");
    private static final SerializableString NAME_INVOKED_BY = new SerializedString("invokedBy");
    private static final SerializableString NAME_PRINCIPAL_ID = new SerializedString("principalId");
    private static final SerializableString NAME_SESSION_CONTEXT = new SerializedString("sessionContext");
    private static final SerializableString NAME_TYPE = new SerializedString("type");
    private static final SerializableString NAME_USER_NAME = new SerializedString("userName");

    private final IdentityType type;
    private final String principalId;
    private final String arn;
    private final String accountId;
    private final String accessKeyId;
    private final String userName;
    private final SessionContext sessionContext;
    private final String invokedBy;
    private final String identityProvider;

    private UserIdentity(Builder b) {
        this.type = b.type;
        this.principalId = b.principalId;
        this.arn = b.arn;
        this.accountId = b.accountId;
        this.accessKeyId = b.accessKeyId;
        this.userName = b.userName;
        this.sessionContext = b.sessionContext;
        this.invokedBy = b.invokedBy;
        this.identityProvider = b.identityProvider;
    }

    public static Builder builder(IdentityType type) {
        return new Builder(type);
    }

    /** An identity of type {@code Unknown} with nothing else known (e.g. a request that failed authentication early). */
    public static UserIdentity unknown() {
        return builder(IdentityType.UNKNOWN).build();
    }

    public IdentityType type() {
        return type;
    }

    public String principalId() {
        return principalId;
    }

    public String arn() {
        return arn;
    }

    public String accountId() {
        return accountId;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String userName() {
        return userName;
    }

    public SessionContext sessionContext() {
        return sessionContext;
    }

    public String invokedBy() {
        return invokedBy;
    }

    public String identityProvider() {
        return identityProvider;
    }

    /** Writes this identity as one JSON object value. */
    public void writeJson(JsonGenerator g) {
        g.writeStartObject();
        g.writeName(NAME_TYPE);
        g.writeString(type.wireName());
        optional(g, NAME_PRINCIPAL_ID, principalId);
        optional(g, NAME_ARN, arn);
        optional(g, NAME_ACCOUNT_ID, accountId);
        optional(g, NAME_ACCESS_KEY_ID, accessKeyId);
        optional(g, NAME_USER_NAME, userName);
        if (sessionContext != null) {
            g.writeName(NAME_SESSION_CONTEXT);
            sessionContext.writeJson(g);
        }
        optional(g, NAME_INVOKED_BY, invokedBy);
        optional(g, NAME_IDENTITY_PROVIDER, identityProvider);
        g.writeEndObject();
    }

    static void optional(JsonGenerator g, String name, String value) {
        if (value != null) {
            g.writeStringProperty(name, value);
        }
    }

    static void optional(JsonGenerator g, SerializableString name, String value) {
        if (value != null) {
            g.writeName(name);
            g.writeString(value);
        }
    }

    @Override
    public String toString() {
        return "UserIdentity[" + type.wireName() + ", " + Objects.toString(arn, Objects.toString(principalId, "-")) + "]";
    }

    /** Collects the identity's parts; every setter is optional. Not thread-safe. */
    public static final class Builder {
        private final IdentityType type;
        private String principalId;
        private String arn;
        private String accountId;
        private String accessKeyId;
        private String userName;
        private SessionContext sessionContext;
        private String invokedBy;
        private String identityProvider;

        private Builder(IdentityType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        public Builder principalId(String v) {
            this.principalId = EventText.wellFormed(v);
            return this;
        }

        public Builder arn(String v) {
            this.arn = EventText.wellFormed(v);
            return this;
        }

        public Builder accountId(String v) {
            this.accountId = EventText.wellFormed(v);
            return this;
        }

        /** The access key id that signed the request (AKIA…/ASIA…); the secret key has no setter by design. */
        public Builder accessKeyId(String v) {
            this.accessKeyId = EventText.wellFormed(v);
            return this;
        }

        public Builder userName(String v) {
            this.userName = EventText.wellFormed(v);
            return this;
        }

        public Builder sessionContext(SessionContext v) {
            this.sessionContext = v;
            return this;
        }

        /** The service principal that called on the user's behalf, e.g. {@code sagemaker.amazonaws.com}. */
        public Builder invokedBy(String v) {
            this.invokedBy = EventText.wellFormed(v);
            return this;
        }

        public Builder identityProvider(String v) {
            this.identityProvider = EventText.wellFormed(v);
            return this;
        }

        public UserIdentity build() {
            return new UserIdentity(this);
        }
    }
}
