/**
 * SageMaker data capture for the endpoints the control plane deploys: {@link io.mlgate.runtime.capture.DataCapture}
 * knows each served endpoint's {@code DataCaptureConfig} (kept current by the runtime on deploy, update and delete)
 * and hands each sampled InvokeEndpoint call to the {@link io.mlgate.runtime.capture.CaptureWriter}, one thread that
 * appends SageMaker's JSON-lines capture records to hourly files under the data directory, in batches with one
 * fsync each, and drops (and counts) records rather than ever delaying or failing a call. Plain Java: no Spring,
 * HTTP or Netty types. The file layout and record format are in docs/ab-testing.md.
 */
package io.mlgate.runtime.capture;
