package io.mlgate.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;

/** Creates ONNX Runtime sessions from in-memory model bytes with the gateway's threading settings. */
final class OnnxSessions {
    private OnnxSessions() {
    }

    /** The process-wide ONNX Runtime environment (created on first use; warnings and below are not logged). */
    static OrtEnvironment environment() {
        return Holder.ENV;
    }

    /**
     * Opens a session over the given bytes. One intra-op and one inter-op thread: the gateway supplies the
     * concurrency by calling {@code run} from several threads, which ONNX Runtime allows on one session.
     */
    static OrtSession open(byte[] onnx) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return environment().createSession(onnx, options);
        } catch (OrtException e) {
            throw new InvalidModelException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    private static final class Holder {
        static final OrtEnvironment ENV =
                OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "mlgate");
    }
}
