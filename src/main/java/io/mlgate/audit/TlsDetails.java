package io.mlgate.audit;

import tools.jackson.core.JsonGenerator;

/**
 * The {@code tlsDetails} of a record: negotiated protocol, cipher suite and the Host header the client sent.
 * Any part may be null (CloudTrail allows partial values); null parts are omitted from the JSON.
 */
public record TlsDetails(String tlsVersion, String cipherSuite, String clientProvidedHostHeader) {

    public TlsDetails {
        tlsVersion = EventText.wellFormed(tlsVersion);
        cipherSuite = EventText.wellFormed(cipherSuite);
        clientProvidedHostHeader = EventText.truncateUtf8(clientProvidedHostHeader, EventText.MAX_SHORT_TEXT_BYTES);
    }

    void writeJson(JsonGenerator g) {
        g.writeStartObject();
        if (tlsVersion != null) {
            g.writeStringProperty("tlsVersion", tlsVersion);
        }
        if (cipherSuite != null) {
            g.writeStringProperty("cipherSuite", cipherSuite);
        }
        if (clientProvidedHostHeader != null) {
            g.writeStringProperty("clientProvidedHostHeader", clientProvidedHostHeader);
        }
        g.writeEndObject();
    }
}
