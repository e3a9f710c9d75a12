package io.mlgate.gateway;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.integrity.WrittenDigest;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonService;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * The audit-trail operations CloudTrail has no API for, over JSON 1.1 ({@link JsonApi#MLGATE_AUDIT}):
 * {@code CreateDigest} closes the current log file and writes a signed digest at once (what
 * {@code ./mlgate audit digest --now} asks a running gateway to do), authorized as {@code mlgate:CreateAuditDigest}
 * and audited like every call.
 */
public final class AuditControlService implements JsonService {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AuditTrailKeeper keeper;

    public AuditControlService(AuditTrailKeeper keeper) {
        this.keeper = keeper;
    }

    @Override
    public JsonApi api() {
        return JsonApi.MLGATE_AUDIT;
    }

    @Override
    public Set<String> operations() {
        return Set.of("CreateDigest");
    }

    @Override
    public int maxBodyBytes() {
        return 1024;
    }

    @Override
    public JsonTarget target(String operation, JsonNode body, String accountId, PrincipalContext caller)
            throws JsonServiceException {
        if (body.size() != 0) {
            throw JsonServiceException.validation("CreateDigest takes no parameters");
        }
        return new JsonTarget("mlgate:CreateAuditDigest", "*", null, false, Map.of());
    }

    @Override
    public JsonNode invoke(String operation, JsonNode body, PrincipalContext caller, RequestContext context)
            throws JsonServiceException {
        WrittenDigest d;
        try {
            d = keeper.digestNow();
        } catch (IOException e) {
            throw new JsonServiceException("ServiceUnavailableException", 503,
                    "The digest could not be written; see the gateway log.");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("DigestS3Object", d.digestS3Object());
        out.put("DigestSequence", d.digestSequence());
        out.put("DigestStartTime", AuditEvent.formatTime(d.digestStartTime()));
        out.put("DigestEndTime", AuditEvent.formatTime(d.digestEndTime()));
        if (d.firstLogSequence() != null) {
            out.put("FirstLogSequence", d.firstLogSequence());
            out.put("LastLogSequence", d.lastLogSequence());
        }
        out.put("LogFileCount", d.logFiles().size());
        out.putPOJO("MissingLogSequences", d.missingLogFiles());
        out.put("Witness", d.witness().value());
        return out;
    }
}
