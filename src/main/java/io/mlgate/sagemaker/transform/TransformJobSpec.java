package io.mlgate.sagemaker.transform;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What CreateTransformJob asked for, validated. Optional members are kept as given (null when absent) so that
 * DescribeTransformJob echoes the request; the effective values the engine uses are the methods without a
 * {@code given} prefix.
 *
 * @param inputUri        {@code TransformInput.DataSource.S3DataSource.S3Uri}: a key prefix in
 *                        {@code s3://mlgate-batch/}
 * @param contentType     {@code TransformInput.ContentType}: text/csv, application/jsonlines or application/json
 * @param outputPath      {@code TransformOutput.S3OutputPath}
 * @param environment     {@code Environment}; may hold secrets: never logged, hidden in audit records
 */
public record TransformJobSpec(String modelName, String inputUri, String contentType, String givenCompressionType,
                               String givenSplitType, String givenBatchStrategy, Integer givenMaxPayloadInMB,
                               Integer givenMaxConcurrentTransforms, String outputPath, String givenAccept,
                               String givenAssembleWith, String instanceType, int instanceCount,
                               String givenAmiVersion, Map<String, String> environment,
                               Integer givenInvocationsTimeoutInSeconds, Integer givenInvocationsMaxRetries) {

    /** SageMaker's default MaxPayloadInMB. */
    public static final int DEFAULT_MAX_PAYLOAD_MB = 6;
    /** The Environment key that makes a job fail once more records than this have failed. */
    public static final String MAX_FAILED_RECORDS = "MLGATE_MAX_FAILED_RECORDS";

    public TransformJobSpec {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(inputUri, "inputUri");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(outputPath, "outputPath");
        Objects.requireNonNull(instanceType, "instanceType");
        environment = environment == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }

    /** MultiRecord (as many records per model call as MaxPayloadInMB allows) or SingleRecord (the default). */
    public boolean multiRecord() {
        return "MultiRecord".equals(givenBatchStrategy);
    }

    /** The largest record, and with MultiRecord the largest mini-batch, in bytes. */
    public long maxPayloadBytes() {
        return (long) (givenMaxPayloadInMB == null ? DEFAULT_MAX_PAYLOAD_MB : givenMaxPayloadInMB) * 1024 * 1024;
    }

    /** Mini-batches of this job in flight at once (0 or absent means 1, as SageMaker without execution-parameters). */
    public int maxConcurrentTransforms() {
        return givenMaxConcurrentTransforms == null || givenMaxConcurrentTransforms == 0 ? 1
                : givenMaxConcurrentTransforms;
    }

    /** What follows every output record: a line end with AssembleWith Line, nothing with None (the default). */
    public byte[] recordSeparator() {
        return "Line".equals(givenAssembleWith) ? new byte[] {'\n'} : new byte[0];
    }

    /** The failed-record count above which the job fails ({@value #MAX_FAILED_RECORDS}); unlimited by default. */
    public long maxFailedRecords() {
        String v = environment.get(MAX_FAILED_RECORDS);
        return v == null ? Long.MAX_VALUE : Long.parseLong(v);
    }

    @Override
    public String toString() {
        return "TransformJobSpec[model=" + modelName + ", input=" + inputUri + ", contentType=" + contentType
                + ", output=" + outputPath + ", batchStrategy=" + givenBatchStrategy + ", environmentKeys="
                + environment.keySet() + "]";
    }
}
