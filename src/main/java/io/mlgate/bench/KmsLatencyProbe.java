package io.mlgate.bench;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.auth.sigv4.SignedRequest;

import javax.net.ssl.SSLContext;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latency of KMS GenerateDataKey and Decrypt over HTTPS (issue 5's figure): one keep-alive connection, calls one
 * after the other, each signed at send time like an SDK ({@code X-Amz-Target: TrentService.*}, JSON 1.1 body,
 * signing name {@code kms}); it creates its own key first. Reports p50/p90/p99/max per operation.
 */
public final class KmsLatencyProbe {

    /** One operation's figures. */
    public record Result(String operation, LatencySummary latency, long errors) {}

    private static final Pattern FIELD = Pattern.compile("\"(KeyId|CiphertextBlob)\"\\s*:\\s*\"([^\"]+)\"");

    private final URI url;
    private final SigV4Signer signer;
    private final HttpClient http;

    public KmsLatencyProbe(URI url, String accessKeyId, char[] secret, String region, File caPem) throws Exception {
        this.url = url;
        this.signer = SigV4Signer.builder().credentials(accessKeyId, secret).region(region).service("kms")
                .clock(Clock.systemUTC()).build();
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, io.mlgate.pki.PemTrust.trustManagers(caPem.toPath()), null);
        this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    }

    public List<Result> run(Duration warmup, Duration duration) throws Exception {
        String keyId = field(call("CreateKey", "{\"Description\":\"bench\"}"), "KeyId");
        String generate = "{\"KeyId\":\"" + keyId + "\",\"KeySpec\":\"AES_256\",\"EncryptionContext\":{\"bench\":\"1\"}}";
        String blob = field(call("GenerateDataKey", generate), "CiphertextBlob");
        String decrypt = "{\"CiphertextBlob\":\"" + blob + "\",\"EncryptionContext\":{\"bench\":\"1\"}}";
        List<Result> results = new ArrayList<>();
        results.add(measure("GenerateDataKey", generate, warmup, duration));
        results.add(measure("Decrypt", decrypt, warmup, duration));
        return results;
    }

    private Result measure(String operation, String body, Duration warmup, Duration duration) throws Exception {
        long end = System.nanoTime() + warmup.toNanos();
        while (System.nanoTime() < end) {
            call(operation, body);
        }
        long[] micros = new long[1 << 16];
        int n = 0;
        long errors = 0;
        end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            HttpResponse<String> response = send(operation, body);
            long took = (System.nanoTime() - start) / 1000;
            if (response.statusCode() != 200) {
                errors++;
            }
            if (n == micros.length) {
                micros = java.util.Arrays.copyOf(micros, n * 2);
            }
            micros[n++] = took;
        }
        return new Result(operation, LatencySummary.of(java.util.Arrays.copyOf(micros, n)), errors);
    }

    private String call(String operation, String body) throws Exception {
        HttpResponse<String> response = send(operation, body);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(operation + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private HttpResponse<String> send(String operation, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SignedRequest signed = signer.sign(SignedRequest.builder().method("POST").rawPath("/")
                .header("host", StsQuery.hostHeader(url))
                .header("content-type", "application/x-amz-json-1.1")
                .header("x-amz-target", "TrentService." + operation)
                .body(bytes).build());
        HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        throw new IllegalStateException("no " + name + " in the answer");
    }
}
