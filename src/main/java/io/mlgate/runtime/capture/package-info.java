/**
 * SageMaker data capture for the endpoints the control plane deploys: {@link io.mlgate.runtime.capture.DataCapture}
 * knows each served endpoint's {@code DataCaptureConfig} (kept current by the runtime on deploy, update and delete)
 * and hands each sampled InvokeEndpoint call to the {@link io.mlgate.runtime.capture.CaptureWriter}, one thread that
 * redacts each record ({@link io.mlgate.runtime.capture.CaptureRedaction}, fail closed), encrypts it as one AES-GCM
 * frame of its file under a per-file data key from KMS generated as the endpoint's execution role
 * ({@link io.mlgate.runtime.capture.CaptureKeys}, {@link io.mlgate.runtime.capture.CaptureFileSealer}), appends it to
 * hourly files under the data directory (also rolled by size and age), in batches with one fsync each, and drops
 * (and counts) records rather than ever delaying or failing a call. {@link io.mlgate.runtime.capture.CaptureFiles}
 * and {@link io.mlgate.runtime.capture.CaptureFileReader} read the files back through a caller-supplied KMS Decrypt.
 * Plain Java: no Spring, HTTP or Netty types. The file layout, record and file formats are in docs/ab-testing.md.
 */
package io.mlgate.runtime.capture;
