package io.mlgate.kms.api;

import io.mlgate.protocol.json.JsonServiceException;

/** The KMS error codes this service answers with (all client errors, HTTP 400, as the KMS model declares). */
final class KmsErrors {

    private KmsErrors() {
    }

    static JsonServiceException of(String code, String message) {
        return new JsonServiceException(code, 400, message);
    }

    static JsonServiceException notFound(String message) {
        return of("NotFoundException", message);
    }

    static JsonServiceException disabled(String message) {
        return of("DisabledException", message);
    }

    static JsonServiceException invalidState(String message) {
        return of("KMSInvalidStateException", message);
    }

    static JsonServiceException invalidCiphertext() {
        return of("InvalidCiphertextException",
                "The ciphertext is invalid, was made under another key, or its encryption context does not match.");
    }

    static JsonServiceException validation(String message) {
        return of("ValidationException", message);
    }

    static JsonServiceException unsupported(String message) {
        return of("UnsupportedOperationException", message);
    }

    static JsonServiceException accessDenied(String message) {
        return of("AccessDeniedException", message);
    }

    static JsonServiceException serialization(String message) {
        return of("SerializationException", message);
    }
}
