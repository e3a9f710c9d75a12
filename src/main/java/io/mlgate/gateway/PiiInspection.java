package io.mlgate.gateway;

import io.mlgate.pii.PiiPolicy;
import io.mlgate.pii.PiiScanException;
import io.mlgate.pii.PiiType;
import io.mlgate.pii.ScanResult;

import java.util.StringJoiner;

/**
 * What the PII layer found and did on one InvokeEndpoint call: the endpoint's policy, the request's findings (of
 * the types the policy counts) or why the scan failed, the body the model is given (redacted or not), and what
 * happened to the response. Kept on the {@link GatewayCall} for the handler and the audit event; holds types,
 * counts and spans, never values.
 */
final class PiiInspection {

    private final PiiPolicy policy;
    private final ScanResult request;
    private final PiiScanException.Reason failure;
    private final byte[] modelBody;
    private volatile ScanResult response;
    private volatile String responseOutcome;

    private PiiInspection(PiiPolicy policy, ScanResult request, PiiScanException.Reason failure, byte[] modelBody) {
        this.policy = policy;
        this.request = request;
        this.failure = failure;
        this.modelBody = modelBody;
    }

    static PiiInspection scanned(PiiPolicy policy, ScanResult request, byte[] modelBody) {
        return new PiiInspection(policy, request, null, modelBody);
    }

    static PiiInspection failed(PiiPolicy policy, PiiScanException.Reason reason) {
        return new PiiInspection(policy, null, reason, null);
    }

    PiiPolicy policy() {
        return policy;
    }

    /** The request's findings, or null when the scan failed. */
    ScanResult request() {
        return request;
    }

    /** Why the request's scan failed, or null. */
    PiiScanException.Reason failure() {
        return failure;
    }

    /** Whether PII was found in the request, or could not be ruled out (a failed scan counts as found). */
    boolean detected() {
        return failure != null || request.detected();
    }

    /** Whether the call must be refused before the model runs: a failed scan, or PII under a blocking policy. */
    boolean blocksRequest() {
        return failure != null || (policy.blocksRequests() && request.detected());
    }

    boolean requestRedacted() {
        return failure == null && policy.redactsRequests() && request.detected();
    }

    /** The body the model is given: the redacted one when the policy redacts requests, else the caller's. */
    byte[] modelBody(byte[] original) {
        return modelBody == null ? original : modelBody;
    }

    void response(ScanResult result, String outcome) {
        this.response = result;
        this.responseOutcome = outcome;
    }

    ScanResult response() {
        return response;
    }

    /** "redacted", "withheld", "scan-failed" or null (clean, or not scanned). */
    String responseOutcome() {
        return responseOutcome;
    }

    /** The types found in the request, comma-separated ({@code EMAIL, US_SSN}). */
    String requestTypes() {
        return typeList(request);
    }

    static String typeList(ScanResult result) {
        StringJoiner j = new StringJoiner(", ");
        for (PiiType t : result.types()) {
            j.add(t.name());
        }
        return j.toString();
    }

}
