package io.mlgate.audit;

import java.util.Objects;

import tools.jackson.core.JsonGenerator;

/**
 * {@code userIdentity.sessionContext.sessionIssuer}: the role, user or account that issued temporary credentials
 * (for an assumed role: type Role, the role's principal id, ARN, account and name). Null parts are omitted.
 */
public record SessionIssuer(IdentityType type, String principalId, String arn, String accountId, String userName) {

    public SessionIssuer {
        Objects.requireNonNull(type, "type");
        principalId = EventText.wellFormed(principalId);
        arn = EventText.wellFormed(arn);
        accountId = EventText.wellFormed(accountId);
        userName = EventText.wellFormed(userName);
    }

    void writeJson(JsonGenerator g) {
        g.writeStartObject();
        g.writeStringProperty("type", type.wireName());
        UserIdentity.optional(g, "principalId", principalId);
        UserIdentity.optional(g, "arn", arn);
        UserIdentity.optional(g, "accountId", accountId);
        UserIdentity.optional(g, "userName", userName);
        g.writeEndObject();
    }
}
