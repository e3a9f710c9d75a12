package io.mlgate.audit.api;

import io.mlgate.protocol.json.JsonServiceException;

/** The CloudTrail error codes this service answers with (client errors, HTTP 400, as the CloudTrail model names them). */
final class CloudTrailErrors {

    private CloudTrailErrors() {
    }

    static JsonServiceException of(String code, String message) {
        return new JsonServiceException(code, 400, message);
    }

    static JsonServiceException serialization(String message) {
        return of("SerializationException", message);
    }

    static JsonServiceException invalidLookupAttributes(String message) {
        return of("InvalidLookupAttributesException", message);
    }

    static JsonServiceException invalidTimeRange(String message) {
        return of("InvalidTimeRangeException", message);
    }

    static JsonServiceException invalidMaxResults(String value) {
        return of("InvalidMaxResultsException",
                "A max results value of " + value + " is invalid. Specify max results between 1 and 50.");
    }

    static JsonServiceException invalidNextToken() {
        return of("InvalidNextTokenException",
                "The NextToken is not valid, or was issued for a request with different parameters.");
    }

    static JsonServiceException invalidEventCategory(String value) {
        return of("InvalidEventCategoryException",
                "The event category " + value + " is not valid. The valid value is insight.");
    }

    static JsonServiceException invalidToken() {
        return of("InvalidTokenException", "The NextToken is not valid.");
    }
}
