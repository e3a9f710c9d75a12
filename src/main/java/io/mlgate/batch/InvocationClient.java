package io.mlgate.batch;

import io.mlgate.auth.sigv4.SigV4Signer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls one endpoint's InvokeEndpoint on a gateway: each request signed with SigV4 at send time (service
 * {@code sagemaker}), over HTTPS trusting the given CA. Throttling, 5xx answers and connection failures are retried
 * three times with backoff; whatever the gateway answers after that is returned as an {@link Answer}. Thread-safe.
 */
public final class InvocationClient {

    /** The gateway's answer: its status, the error code and message of an error, the body of a success. */
    public record Answer(int status, String errorCode, String message, byte[] body) {
        public boolean ok() {
            return status == 200;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ATTEMPTS = 4;

    private final HttpClient http;
    private final SigV4Signer signer;
    private final URI invocations;

    /**
     * @param gateway  the gateway's base URL ({@code https://127.0.0.1:8443})
     * @param endpoint the endpoint name (checked by the caller)
     */
    public InvocationClient(URI gateway, String endpoint, SigV4Signer signer, SSLContext ssl) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.invocations = gateway.resolve("/endpoints/" + endpoint + "/invocations");
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * Sends one body and returns the gateway's answer.
     *
     * @throws IOException if the gateway could not be reached after the retries
     */
    public Answer invoke(byte[] body, String contentType) throws IOException, InterruptedException {
        IOException last = null;
        Answer answer = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                Thread.sleep(100L << (2 * (attempt - 1))); // 100 ms, 400 ms, 1.6 s
            }
            try {
                answer = send(body, contentType);
                last = null;
                if (answer.status() != 429 && answer.status() < 500) {
                    return answer;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        if (last != null) {
            throw last;
        }
        return answer;
    }

    private Answer send(byte[] body, String contentType) throws IOException, InterruptedException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of(contentType));
        headers.put("accept", List.of("application/json"));
        Map<String, String> signed = signer.sign("POST", invocations, headers, body);
        HttpRequest.Builder request = HttpRequest.newBuilder(invocations).timeout(Duration.ofMinutes(1))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> request.header(k, v.get(0)));
        signed.forEach(request::header);
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 200) {
            return new Answer(200, null, null, response.body());
        }
        String code = response.headers().firstValue("x-amzn-ErrorType").map(t -> t.split(":", 2)[0])
                .orElse("HTTP" + response.statusCode());
        String message = "";
        try {
            JsonNode error = JSON.readTree(response.body());
            if (error != null) {
                code = error.path("__type").asString(code);
                message = error.path("message").asString(error.path("Message").asString(""));
            }
        } catch (JacksonException notJson) {
            // the status and header say enough
        }
        return new Answer(response.statusCode(), code, message, null);
    }

    @Override
    public String toString() {
        return "InvocationClient[" + invocations + "]";
    }
}
