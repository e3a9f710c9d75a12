package io.mlgate.gateway;

import io.mlgate.iam.eval.RequestContext;
import io.mlgate.pii.PayloadFormat;
import io.mlgate.pii.PiiPolicy;
import io.mlgate.pii.PiiScanException;
import io.mlgate.pii.PiiScanner;
import io.mlgate.pii.PiiType;
import io.mlgate.pii.RedactionMethod;
import io.mlgate.pii.Redactor;
import io.mlgate.pii.ScanResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The PII step of the request path (docs/pii.md), between authentication and authorization: scans an
 * InvokeEndpoint request under its endpoint's {@link PiiPolicy}, redacts it if the policy says so, and sets the
 * condition keys {@code mlgate:PiiDetected} (Bool) and {@code mlgate:PiiTypes} (multi-valued) for the IAM
 * evaluation. A scan that fails or passes its deadline counts as PII found ({@code mlgate:PiiDetected} true) and
 * blocks the call once authorization allowed it (fail closed). Requests up to {@value #INLINE_BYTES} bytes are
 * scanned where the call is (microseconds); larger ones on the inference scheduler, never on the event loop.
 * After the model answers, {@link #inspectResponse} applies the policy to the response.
 */
final class PiiInspector {

    static final String KEY_DETECTED = "mlgate:PiiDetected";
    static final String KEY_TYPES = "mlgate:PiiTypes";
    static final int INLINE_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(PiiInspector.class);

    private final PiiScanner scanner;
    private final Redactor redactor;
    private final EndpointPiiPolicies policies;
    private final long timeoutNanos;
    private final long timeoutNanosPerByte;
    private final Scheduler scheduler;

    /**
     * @param timeout       the deadline of every scan
     * @param timeoutPerMib added to it for each MiB of payload
     */
    PiiInspector(PiiScanner scanner, Redactor redactor, EndpointPiiPolicies policies, Duration timeout,
                 Duration timeoutPerMib, Scheduler scheduler) {
        this.scanner = scanner;
        this.redactor = redactor;
        this.policies = policies;
        this.timeoutNanos = timeout.toNanos();
        this.timeoutNanosPerByte = Math.max(1, timeoutPerMib.toNanos() >> 20);
        this.scheduler = scheduler;
    }

    PiiScanner scanner() {
        return scanner;
    }

    Redactor redactor() {
        return redactor;
    }

    EndpointPiiPolicies policies() {
        return policies;
    }

    /** Scans the call's request if it is an InvokeEndpoint whose policy is not OFF; the outcome goes on the call. */
    Mono<Void> inspectRequest(GatewayCall call) {
        ApiCall api = call.apiCall();
        if (!"InvokeEndpoint".equals(api.operation()) || call.body() == null) {
            return Mono.empty();
        }
        PiiPolicy policy = policies.forEndpoint(api.accountId(), api.endpointName());
        if (policy.off()) {
            return Mono.empty();
        }
        byte[] body = call.body();
        PayloadFormat format = PayloadFormat.of(call.requestHeaders().getFirst(HttpHeaders.CONTENT_TYPE));
        if (body.length <= INLINE_BYTES) {
            call.pii(inspect(policy, body, format));
            return Mono.empty();
        }
        return Mono.fromRunnable(() -> call.pii(inspect(policy, body, format))).subscribeOn(scheduler).then();
    }

    private PiiInspection inspect(PiiPolicy policy, byte[] body, PayloadFormat format) {
        try {
            ScanResult found = policy.select(scanner.scan(body, format, deadline(body.length)));
            byte[] modelBody = policy.redactsRequests() && found.detected()
                    ? redactor.redact(body, found, policy.redaction()) : null;
            return PiiInspection.scanned(policy, found, modelBody);
        } catch (PiiScanException e) {
            LOG.warn("PII scan of a request failed ({}): the call is blocked", e.reason());
            return PiiInspection.failed(policy, e.reason());
        } catch (RuntimeException e) {
            LOG.warn("PII scan of a request failed ({}): the call is blocked", e.getClass().getSimpleName());
            return PiiInspection.failed(policy, PiiScanException.Reason.DETECTOR_FAILURE);
        }
    }

    /** The {@code System.nanoTime()} by which a scan of {@code bytes} must end. */
    private long deadline(int bytes) {
        return System.nanoTime() + timeoutNanos + timeoutNanosPerByte * bytes;
    }

    /** Adds the PII condition keys of the call's inspection, if it was inspected. */
    static void addKeys(GatewayCall call, RequestContext.Builder keys) {
        PiiInspection pii = call.pii();
        if (pii == null) {
            return;
        }
        keys.put(KEY_DETECTED, pii.detected() ? "true" : "false");
        if (pii.request() != null && pii.request().detected()) {
            List<String> types = new ArrayList<>();
            for (PiiType t : pii.request().types()) {
                types.add(t.name());
            }
            keys.put(KEY_TYPES, types);
        }
    }

    /** What the response may be, under the call's policy. */
    sealed interface ResponseVerdict {
        record Pass(byte[] body) implements ResponseVerdict {}
        record Withhold(String message) implements ResponseVerdict {}
    }

    /**
     * Applies the policy to the model's answer (on the thread that received it, never the event loop): REDACT
     * rewrites it, BLOCK withholds an answer with PII, and a scan that fails withholds it too (fail closed).
     */
    ResponseVerdict inspectResponse(PiiInspection pii, byte[] body, String contentType) {
        if (pii == null || !pii.policy().scansResponses()) {
            return new ResponseVerdict.Pass(body);
        }
        PiiPolicy policy = pii.policy();
        ScanResult found;
        try {
            found = policy.select(scanner.scan(body, PayloadFormat.of(contentType), deadline(body.length)));
        } catch (RuntimeException e) {
            String reason = e instanceof PiiScanException p ? p.reason().name() : "DETECTOR_FAILURE";
            LOG.warn("PII scan of a response failed ({}): the response is withheld", reason);
            pii.response(ScanResult.empty(PayloadFormat.TEXT), "scan-failed");
            return new ResponseVerdict.Withhold("The model's response could not be inspected for PII (" + reason
                    + "); it is withheld.");
        }
        if (!found.detected()) {
            pii.response(found, null);
            return new ResponseVerdict.Pass(body);
        }
        if (policy.mode() == io.mlgate.pii.PiiMode.BLOCK) {
            pii.response(found, "withheld");
            return new ResponseVerdict.Withhold("The model's response contains PII (" + PiiInspection.typeList(found)
                    + ") and the endpoint's PII policy withholds it.");
        }
        pii.response(found, "redacted");
        return new ResponseVerdict.Pass(redactor.redact(body, found, policy.redaction()));
    }

    /**
     * A payload as data capture may store it: redacted under the endpoint's policy (with its redaction method in
     * REDACT mode, REPLACE otherwise), unchanged only when the policy is OFF. Throws when the scan fails, so the
     * record is dropped, never stored unredacted.
     */
    byte[] forCapture(String accountId, String endpointName, byte[] payload, String contentType) {
        PiiPolicy policy = policies.forEndpoint(accountId, endpointName);
        if (policy.off()) {
            return payload;
        }
        ScanResult found = policy.select(scanner.scan(payload, PayloadFormat.of(contentType),
                deadline(payload.length)));
        if (!found.detected()) {
            return payload;
        }
        RedactionMethod method = policy.mode() == io.mlgate.pii.PiiMode.REDACT ? policy.redaction()
                : RedactionMethod.REPLACE;
        return redactor.redact(payload, found, method);
    }
}
