package io.mlgate.audit;

import java.util.Objects;

import tools.jackson.core.JsonGenerator;

/**
 * One entry of a record's {@code resources} list: {@code {"ARN":..., "accountId":..., "type":"AWS::SageMaker::Endpoint"}}.
 * {@code accountId} and {@code type} may be null (AWS omits them in some events); the ARN is required.
 */
public record EventResource(String arn, String accountId, String type) {

    public EventResource {
        arn = EventText.require(arn, "arn");
        accountId = EventText.wellFormed(accountId);
        type = EventText.wellFormed(type);
    }

    void writeJson(JsonGenerator g) {
        g.writeStartObject();
        g.writeStringProperty("ARN", arn);
        if (accountId != null) {
            g.writeStringProperty("accountId", accountId);
        }
        if (type != null) {
            g.writeStringProperty("type", type);
        }
        g.writeEndObject();
    }

    @Override
    public String toString() {
        return "EventResource[" + arn + ", " + Objects.toString(type, "-") + "]";
    }
}
