package io.mlgate.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import tools.jackson.core.JsonGenerator;

/**
 * {@code userIdentity.sessionContext}: facts about the temporary-credential session a call was signed with —
 * its issuer, optional web-identity federation data, creation time, MFA flag and source identity.
 *
 * @param sessionIssuer        who issued the session; may be null
 * @param federatedProvider    OIDC issuer for web-identity-derived sessions; when non-null a
 *                             {@code webIdFederationData} object is written (with the given attributes)
 * @param federationAttributes {@code webIdFederationData.attributes}; null means {@code {}}
 * @param creationDate         session creation time (written with second precision); required
 * @param mfaAuthenticated     written as the string {@code "true"}/{@code "false"}, as CloudTrail does
 * @param sourceIdentity       optional source identity
 */
public record SessionContext(SessionIssuer sessionIssuer, String federatedProvider, EventData federationAttributes,
                             Instant creationDate, boolean mfaAuthenticated, String sourceIdentity) {

    public SessionContext {
        Objects.requireNonNull(creationDate, "creationDate");
        creationDate = creationDate.truncatedTo(ChronoUnit.SECONDS);
        federatedProvider = EventText.wellFormed(federatedProvider);
        sourceIdentity = EventText.wellFormed(sourceIdentity);
        if (federationAttributes == null) {
            federationAttributes = EventData.empty();
        }
    }

    void writeJson(JsonGenerator g) {
        g.writeStartObject();
        if (sessionIssuer != null) {
            g.writeName("sessionIssuer");
            sessionIssuer.writeJson(g);
        }
        if (federatedProvider != null) {
            g.writeName("webIdFederationData");
            g.writeStartObject();
            g.writeStringProperty("federatedProvider", federatedProvider);
            g.writeName("attributes");
            federationAttributes.writeJson(g);
            g.writeEndObject();
        }
        g.writeName("attributes");
        g.writeStartObject();
        g.writeStringProperty("creationDate", AuditEvent.formatTime(creationDate));
        g.writeStringProperty("mfaAuthenticated", mfaAuthenticated ? "true" : "false");
        g.writeEndObject();
        if (sourceIdentity != null) {
            g.writeStringProperty("sourceIdentity", sourceIdentity);
        }
        g.writeEndObject();
    }
}
