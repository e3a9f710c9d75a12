package io.mlgate.runtime;

import io.mlgate.kms.artifact.ArtifactException;
import io.mlgate.kms.artifact.DataKeys;
import io.mlgate.sagemaker.ContainerDefinition;
import io.mlgate.sagemaker.SageMakerModel;
import io.mlgate.sagemaker.transform.RecordOutcome;
import io.mlgate.sagemaker.transform.TransformModel;
import io.mlgate.sagemaker.transform.TransformModelException;
import io.mlgate.sagemaker.transform.TransformModels;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Transform jobs' models from mlgate's embedded ONNX Runtime: the SageMaker model's single container names an
 * uploaded artifact ({@link UploadedModels}), decrypted in memory through the KMS as the model's execution role, as
 * {@link EmbeddedEndpointRuntime} does for endpoints. Each record is parsed on its own (so one bad line fails alone)
 * and a mini-batch's valid rows run in one model call; a model call that fails is retried row by row so the failure
 * is pinned to its record. Output records are single predictions ({@link InvocationOutput#predictionJson}).
 * A text model ({@link InputKind#TEXT}) answers each record (one line of UTF-8 text) with its output text, which
 * must be one line too (an answer with a line break fails its record as a ModelError).
 *
 * <p>Inference pipelines and multi-model containers are refused with a FailureReason, as for endpoints.
 */
public final class EmbeddedTransformModels implements TransformModels {

    private final Function<String, Optional<SageMakerModel>> models;
    private final UploadedModels uploads;
    private final Function<String, DataKeys> roleKeys;
    private final long maxModelBytes;

    /**
     * @param models   the control plane's models by ARN
     * @param uploads  the uploaded models
     * @param roleKeys the KMS as a given execution role ARN
     */
    public EmbeddedTransformModels(Function<String, Optional<SageMakerModel>> models, UploadedModels uploads,
                                   Function<String, DataKeys> roleKeys) {
        this.models = Objects.requireNonNull(models, "models");
        this.uploads = Objects.requireNonNull(uploads, "uploads");
        this.roleKeys = Objects.requireNonNull(roleKeys, "roleKeys");
        this.maxModelBytes = ArtifactEndpoints.MAX_MODEL_BYTES;
    }

    @Override
    public boolean exists(String modelArn) {
        return models.apply(modelArn).isPresent();
    }

    @Override
    public TransformModel load(String modelArn) throws TransformModelException {
        SageMakerModel m = models.apply(modelArn).orElseThrow(() -> new TransformModelException(
                "The model " + modelArn + " was deleted before the job started."));
        if (m.pipeline() || m.containers().size() > 1) {
            throw new TransformModelException("Model " + m.name() + " is an inference pipeline, which the "
                    + "transform runtime does not serve yet.");
        }
        ContainerDefinition c = m.containers().get(0);
        if (c.mode() == ContainerDefinition.Mode.MULTI_MODEL) {
            throw new TransformModelException("Model " + m.name() + " is a multi-model container, which the "
                    + "transform runtime does not serve yet.");
        }
        String name = UploadedModels.nameOf(c.modelDataUrl()).orElseThrow(() -> new TransformModelException(
                "ModelDataUrl " + c.modelDataUrl() + " of model " + m.name() + " does not name an artifact in "
                        + "mlgate's model store (s3://" + UploadedModels.BUCKET + "/NAME, put there with "
                        + "'mlgate model upload')."));
        if (m.executionRoleArn() == null) {
            throw new TransformModelException("Model " + m.name() + " has no ExecutionRoleArn; mlgate decrypts "
                    + "model artifacts as the model's execution role.");
        }
        String prefix = "Could not load the model data at " + c.modelDataUrl();
        DataKeys keys;
        try {
            keys = roleKeys.apply(m.executionRoleArn());
        } catch (RuntimeException e) {
            throw new TransformModelException(prefix + ": the execution role " + m.executionRoleArn()
                    + " is unusable.");
        }
        try {
            return new Loaded(uploads.load(name, keys, maxModelBytes));
        } catch (NoSuchFileException e) {
            throw new TransformModelException(prefix + ": there is no such model in the model store.");
        } catch (ArtifactException e) {
            String why = ArtifactEndpoints.keyRefusal(e)
                    .map(code -> "the key service refused the data key to execution role " + m.executionRoleArn()
                            + " (" + code + ")")
                    .orElse("the artifact is not valid (" + e.reason() + ")");
            throw new TransformModelException(prefix + ": " + why + ".");
        } catch (InvalidModelException e) {
            throw new TransformModelException(prefix + ": " + e.getMessage());
        } catch (IOException e) {
            throw new TransformModelException(prefix + ": the artifact cannot be read.");
        }
    }

    /** One loaded model serving one job. */
    static final class Loaded implements TransformModel {

        private final OnnxModel model;

        Loaded(OnnxModel model) {
            this.model = model;
        }

        @Override
        public List<RecordOutcome> transform(List<byte[]> records, String contentType) {
            if (model.inputKind() == InputKind.TEXT) {
                List<RecordOutcome> outcomes = new ArrayList<>(records.size());
                for (byte[] record : records) {
                    outcomes.add(generate(record, contentType));
                }
                return outcomes;
            }
            String parseAs = recordType(contentType);
            RecordOutcome[] outcomes = new RecordOutcome[records.size()];
            List<float[]> rows = new ArrayList<>();
            List<Integer> rowOf = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                try {
                    rows.add(InvocationInput.parse(records.get(i), parseAs, model.featureCount(), 1)[0]);
                    rowOf.add(i);
                } catch (InvalidInputException e) {
                    outcomes[i] = RecordOutcome.failed("ValidationError", recordMessage(e.getMessage()));
                }
            }
            if (!rows.isEmpty()) {
                ClassificationResult[] results = predict(rows.toArray(new float[0][]));
                if (results != null) {
                    for (int r = 0; r < results.length; r++) {
                        outcomes[rowOf.get(r)] = RecordOutcome.ok(InvocationOutput.predictionJson(results[r]));
                    }
                } else {
                    for (int r = 0; r < rows.size(); r++) {
                        outcomes[rowOf.get(r)] = predictOne(rows.get(r));
                    }
                }
            }
            return Arrays.asList(outcomes);
        }

        /** A text model on one record: the record's text in, one line of text out. */
        private RecordOutcome generate(byte[] record, String contentType) {
            String text;
            try {
                text = InvocationInput.text(record, contentType);
            } catch (InvalidInputException e) {
                return RecordOutcome.failed("ValidationError", e.getMessage()
                        .replace("the request body", "the record"));
            }
            try {
                String answer = model.generate(text);
                if (answer.indexOf('\n') >= 0 || answer.indexOf('\r') >= 0) {
                    return RecordOutcome.failed("ModelError", "the model's answer holds a line break; the output "
                            + "of one record must be one line");
                }
                return RecordOutcome.ok(answer.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (ModelInvocationException e) {
                return RecordOutcome.failed("ModelError", e.getMessage());
            }
        }

        private ClassificationResult[] predict(float[][] rows) {
            try {
                return model.predict(rows);
            } catch (ModelInvocationException e) {
                return null;
            }
        }

        private RecordOutcome predictOne(float[] row) {
            try {
                return RecordOutcome.ok(InvocationOutput.predictionJson(model.predict(new float[][] {row})[0]));
            } catch (ModelInvocationException e) {
                return RecordOutcome.failed("ModelError", e.getMessage());
            }
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * The content type one record is parsed as: a JSON Lines record is one JSON value ({@code [..]} or
     * {@code {"features":[..]}}), read as application/json; CSV and JSON as they are.
     */
    static String recordType(String contentType) {
        MediaType type = MediaType.parse(contentType);
        if (type != null && type.is("application", "jsonlines")) {
            String charset = type.parameters().get("charset");
            return "application/json" + (charset == null ? "" : "; charset=" + charset);
        }
        return contentType;
    }

    /** The runtime's messages count rows within a request; a record is one line, so "row 1" says nothing. */
    private static String recordMessage(String message) {
        if (message.startsWith("too many rows")) {
            return "the record holds more than one row; each line must be one record";
        }
        String m = message.replace(" in row 1 column ", " in column ").replace("(row 1 column ", "(column ")
                .replace("the request body is empty", "the record is empty")
                .replace("the request contains no rows", "the record contains no rows");
        if (m.startsWith("row 1 column ")) {
            return m.substring("row 1 ".length());
        }
        return m.startsWith("row 1 ") ? "the record " + m.substring("row 1 ".length()) : m;
    }
}
