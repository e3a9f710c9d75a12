package io.mlgate.autoscaling;

import io.mlgate.protocol.json.JsonServiceException;

/** The errors Application Auto Scaling answers with (all HTTP 400, as the service sends them). */
final class AutoscalingErrors {

    private AutoscalingErrors() {}

    static JsonServiceException validation(String message) {
        return JsonServiceException.validation(message);
    }

    /** One model constraint broken: {@code 1 validation error detected: Value 'v' at 'path' failed to ...}. */
    static JsonServiceException constraint(String shownValue, String path, String constraint) {
        return validation("1 validation error detected: Value " + shownValue + " at '" + path
                + "' failed to satisfy constraint: " + constraint);
    }

    static JsonServiceException notFound(String message) {
        return new JsonServiceException("ObjectNotFoundException", 400, message);
    }

    static JsonServiceException limitExceeded(String message) {
        return new JsonServiceException("LimitExceededException", 400, message);
    }

    static JsonServiceException concurrentUpdate(String message) {
        return new JsonServiceException("ConcurrentUpdateException", 400, message);
    }

    static JsonServiceException invalidNextToken() {
        return new JsonServiceException("InvalidNextTokenException", 400, "Invalid token");
    }

    static JsonServiceException serialization(String message) {
        return new JsonServiceException("SerializationException", 400, message);
    }
}
