package io.mlgate.client;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.kms.artifact.KeyServiceException;
import io.mlgate.runtime.capture.CaptureFileKeys;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * A small client of the gateway's KMS: {@code TrentService.Decrypt} as AWS JSON 1.1 over HTTPS, each request signed
 * with SigV4 (service {@code kms}) with the caller's credentials, so KMS authorizes it by the key policy and the
 * caller's IAM policies and the gateway audits it like any KMS call. Throttling, 5xx answers and connection failures
 * are retried twice with backoff; a KMS error is a {@link KeyServiceException} carrying KMS's code and message.
 * Thread-safe.
 */
public final class KmsClient {

    static final String TARGET_PREFIX = "TrentService.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ATTEMPTS = 3;

    private final HttpClient http;
    private final SigV4Signer signer;
    private final URI root;

    /**
     * @param gateway the gateway's base URL ({@code https://127.0.0.1:8443})
     * @param signer  signs as the caller for service {@code kms}
     * @param ssl     trusts the gateway's certificate
     */
    public KmsClient(URI gateway, SigV4Signer signer, SSLContext ssl) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.root = Objects.requireNonNull(gateway, "gateway").resolve("/");
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * KMS Decrypt: the plaintext of {@code ciphertextBlob} (the caller wipes it).
     *
     * @param context the encryption context it was encrypted under
     * @param keyId   the key it must have been encrypted under (KMS refuses another), or null
     * @throws KeyServiceException if KMS refuses (e.g. {@code AccessDeniedException})
     * @throws IOException         if the gateway cannot be reached or answers something that is not KMS's
     */
    public byte[] decrypt(byte[] ciphertextBlob, Map<String, String> context, String keyId)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        request.put("CiphertextBlob", Base64.getEncoder().encodeToString(ciphertextBlob));
        ObjectNode ec = request.putObject("EncryptionContext");
        context.forEach(ec::put);
        if (keyId != null) {
            request.put("KeyId", keyId);
        }
        JsonNode response = call("Decrypt", JSON.writeValueAsBytes(request));
        String plaintext = response.path("Plaintext").asString("");
        if (plaintext.isEmpty()) {
            throw new IOException("the gateway's Decrypt answer holds no Plaintext");
        }
        return Base64.getDecoder().decode(plaintext);
    }

    /**
     * Capture file keys through this client: each file's data key is a Decrypt of its wrapped key, under its
     * encryption context, naming its key ARN. Transport failures surface as {@link UncheckedIOException}.
     */
    public CaptureFileKeys captureFileKeys() {
        return header -> {
            try {
                return decrypt(header.wrappedKey(), header.context(), header.keyArn());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new InterruptedIOException("interrupted"));
            }
        };
    }

    private JsonNode call(String operation, byte[] body) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                Thread.sleep(200L << (2 * (attempt - 1))); // 200 ms, 800 ms
            }
            HttpResponse<byte[]> response;
            try {
                response = send(operation, body);
            } catch (IOException e) {
                last = e;
                continue;
            }
            if (response.statusCode() == 200) {
                try {
                    return JSON.readTree(response.body());
                } catch (JacksonException e) {
                    throw new IOException("the gateway's " + operation + " answer is not JSON");
                }
            }
            KeyServiceException error = error(response);
            if (response.statusCode() >= 500 || error.errorCode().equals("ThrottlingException")) {
                last = new IOException("KMS " + operation + " failed: " + error.errorCode() + ": "
                        + error.getMessage());
                continue;
            }
            throw error;
        }
        throw last;
    }

    private HttpResponse<byte[]> send(String operation, byte[] body) throws IOException, InterruptedException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of(CONTENT_TYPE));
        headers.put("x-amz-target", List.of(TARGET_PREFIX + operation));
        Map<String, String> signed = signer.sign("POST", root, headers, body);
        HttpRequest.Builder request = HttpRequest.newBuilder(root).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> request.header(k, v.get(0)));
        signed.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** KMS's error shape: {@code {"__type": "...#Code", "message": "..."}}, or the status alone. */
    private static KeyServiceException error(HttpResponse<byte[]> response) {
        String code = response.headers().firstValue("x-amzn-ErrorType").map(t -> t.split(":", 2)[0])
                .orElse("HTTP" + response.statusCode());
        String message = "";
        try {
            JsonNode error = JSON.readTree(response.body());
            if (error != null && error.isObject()) {
                code = error.path("__type").asString(code);
                message = error.path("message").asString(error.path("Message").asString(""));
            }
        } catch (JacksonException notJson) {
            message = new String(response.body(), 0, Math.min(200, response.body().length),
                    StandardCharsets.UTF_8).replaceAll("[^\\p{Print}]", "?");
        }
        int hash = code.lastIndexOf('#');
        return new KeyServiceException(hash >= 0 ? code.substring(hash + 1) : code, message);
    }

    @Override
    public String toString() {
        return "KmsClient[" + root + "]";
    }
}
