package io.mlgate.runtime.capture;

/**
 * Rewrites a captured payload before it is written to a capture file: the hook through which personal data is
 * removed from data capture. {@link DataCapture} takes one and hands it to each record; the writer thread
 * ({@link CaptureWriter}) applies it to the {@code endpointInput} and {@code endpointOutput} payloads just before
 * rendering the record, never on the request path.
 *
 * <p>Fail closed: if {@link #apply} throws or returns null, the record is dropped and counted
 * ({@code mlgate_capture_records_total{outcome="redaction_failed"}}); it is never written unredacted. Only the
 * writer thread calls it, one record at a time. An implementation must not log the payload.
 */
@FunctionalInterface
public interface CaptureRedaction {

    /**
     * The payload as it may be written.
     *
     * @param endpointName the endpoint the call was made to
     * @param payload      the request or response body as it was (the implementation may reuse the array)
     * @param contentType  its content type (may be null)
     * @return the bytes to capture instead of {@code payload}
     */
    byte[] apply(String endpointName, byte[] payload, String contentType);
}
