package io.mlgate.sagemaker.transform;

import java.util.List;

/** A model loaded for one transform job. Thread-safe: a job's mini-batches run on several threads at once. */
public interface TransformModel extends AutoCloseable {

    /**
     * Transforms one mini-batch in a single model call where it can: one outcome per record, in order, each a
     * record's output (without separator) or its failure. A record that fails never fails the others.
     *
     * @param records     the records' bytes (one line each, without the line end)
     * @param contentType the job's TransformInput.ContentType
     */
    List<RecordOutcome> transform(List<byte[]> records, String contentType);

    @Override
    void close();
}
