/**
 * The runtime core: trains and describes the demo models ({@link io.mlgate.runtime.IrisTrainer},
 * {@link io.mlgate.runtime.ModelDescriptor}), serves ONNX classifiers from in-memory bytes
 * ({@link io.mlgate.runtime.OnnxModel}), decodes and encodes the InvokeEndpoint payload
 * ({@link io.mlgate.runtime.InvocationInput}, {@link io.mlgate.runtime.InvocationOutput}) and routes calls to
 * endpoints and their production variants ({@link io.mlgate.runtime.InferenceService}). Plain Java: no Spring,
 * HTTP or Netty types.
 */
package io.mlgate.runtime;
