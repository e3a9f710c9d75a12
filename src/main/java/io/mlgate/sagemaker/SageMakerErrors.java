package io.mlgate.sagemaker;

import io.mlgate.protocol.json.JsonServiceException;

/** The errors SageMaker answers with, worded as SageMaker words them (all HTTP 400). */
final class SageMakerErrors {

    private SageMakerErrors() {}

    static JsonServiceException validation(String message) {
        return JsonServiceException.validation(message);
    }

    /** One model constraint broken: {@code 1 validation error detected: Value 'v' at 'path' failed to ...}. */
    static JsonServiceException constraint(String shownValue, String path, String constraint) {
        return validation("1 validation error detected: Value " + shownValue + " at '" + path
                + "' failed to satisfy constraint: " + constraint);
    }

    static JsonServiceException notFound(SageMakerArns.Kind kind, String arn) {
        return validation("Could not find " + kind.noun() + " \"" + arn + "\".");
    }

    static JsonServiceException alreadyExists(SageMakerArns.Kind kind, String arn) {
        return validation("Cannot create already existing " + kind.noun() + " \"" + arn + "\".");
    }

    static JsonServiceException inProgress(String endpointArn) {
        return validation("Cannot update in-progress endpoint \"" + endpointArn + "\".");
    }

    static JsonServiceException limitExceeded(String message) {
        return new JsonServiceException("ResourceLimitExceeded", 400, message);
    }

    static JsonServiceException serialization(String message) {
        return new JsonServiceException("SerializationException", 400, message);
    }
}
