package io.mlgate.sagemaker.transform;

import java.util.List;

/**
 * A job's checkpoint: the input files it works through (listed once, when it starts, so a resumed job sees the same
 * list), the file it is in, how far into it (lines and bytes read), how many bytes of that file's output and errors
 * are durable, and the record counts. Written (after the output and errors files are forced to disk) after every
 * batch; a resumed job truncates the files to these offsets before it goes on, so output is never duplicated.
 *
 * @param inputs       the input keys in {@code s3://mlgate-batch/}, sorted; null until the job has started
 * @param fileIndex    the input being read ({@code inputs.size()} once all are done)
 * @param line         lines of that input consumed
 * @param inputOffset  bytes of that input consumed
 * @param outputOffset bytes of its output file that are durable
 * @param errorsOffset bytes of its errors file that are durable (0: no errors file)
 * @param records      records processed in the whole job
 * @param failed       records that failed in the whole job
 */
public record TransformProgress(List<String> inputs, int fileIndex, long line, long inputOffset, long outputOffset,
                                long errorsOffset, long records, long failed) {

    /** A job that has not listed its inputs yet. */
    public static final TransformProgress NOT_STARTED = new TransformProgress(null, 0, 0, 0, 0, 0, 0, 0);

    public TransformProgress {
        inputs = inputs == null ? null : List.copyOf(inputs);
        if (fileIndex < 0 || line < 0 || inputOffset < 0 || outputOffset < 0 || errorsOffset < 0 || records < 0
                || failed < 0 || failed > records) {
            throw new IllegalArgumentException("invalid transform progress");
        }
        if (inputs != null && fileIndex > inputs.size()) {
            throw new IllegalArgumentException("file index beyond the inputs");
        }
    }

    public boolean started() {
        return inputs != null;
    }

    /** The first file of a job whose inputs were just listed. */
    static TransformProgress listed(List<String> inputs) {
        return new TransformProgress(inputs, 0, 0, 0, 0, 0, 0, 0);
    }

    /** After a batch of {@code batchRecords} records ({@code batchFailed} of them failed) was made durable. */
    TransformProgress after(long lines, long inputEnd, long outputEnd, long errorsEnd, long batchRecords,
                            long batchFailed) {
        return new TransformProgress(inputs, fileIndex, line + lines, inputEnd, outputEnd, errorsEnd,
                records + batchRecords, failed + batchFailed);
    }

    /** The start of the next input file. */
    TransformProgress nextFile() {
        return new TransformProgress(inputs, fileIndex + 1, 0, 0, 0, 0, records, failed);
    }
}
