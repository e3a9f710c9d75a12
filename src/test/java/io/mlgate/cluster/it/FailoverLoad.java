package io.mlgate.cluster.it;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;
import software.amazon.awssdk.services.sagemakerruntime.model.SageMakerRuntimeException;

import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A closed-loop InvokeEndpoint load from the real AWS SDK for Java v2, run as its own process (in a VPC simulation
 * namespace) by the failover acceptance test: {@code THREADS} callers, SDK retries off (so every failure the gateway
 * lets through is counted), one line per call in {@code OUT}: start (epoch µs), latency (µs), outcome ({@code OK} or
 * the error code), invoked variant. Stops when {@code STOPFILE} exists.
 *
 * <p>Arguments: URL ACCESS_KEY SECRET_KEY CA_PEM ENDPOINT THREADS OUT STOPFILE
 */
public final class FailoverLoad {

    private record Call(long startMicros, long latencyMicros, String outcome, String variant) {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        String accessKey = args[1];
        String secret = args[2];
        Path ca = Path.of(args[3]);
        String endpoint = args[4];
        int threads = Integer.parseInt(args[5]);
        Path out = Path.of(args[6]);
        Path stop = Path.of(args[7]);

        TrustManagerFactory tmf = io.mlgate.gateway.TestFiles.trusting(ca);
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        try (SageMakerRuntimeClient rt = SageMakerRuntimeClient.builder().endpointOverride(url)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClient(ApacheHttpClient.builder().maxConnections(threads)
                        .tlsTrustManagersProvider(tmf::getTrustManagers).build())
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1))
                        .apiCallTimeout(Duration.ofSeconds(30)))
                .build()) {
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    SdkBytes body = SdkBytes.fromString("5.1,3.5,1.4,0.2", StandardCharsets.UTF_8);
                    while (!Files.exists(stop)) {
                        long startWall = System.currentTimeMillis() * 1000;
                        long start = System.nanoTime();
                        String outcome;
                        String variant = "";
                        try {
                            InvokeEndpointResponse r = rt.invokeEndpoint(b -> b.endpointName(endpoint)
                                    .contentType("text/csv").body(body));
                            outcome = "OK";
                            variant = r.invokedProductionVariant();
                        } catch (SageMakerRuntimeException e) {
                            outcome = e.awsErrorDetails() == null ? "HTTP" + e.statusCode()
                                    : e.awsErrorDetails().errorCode();
                        } catch (RuntimeException e) {
                            outcome = e.getClass().getSimpleName();
                        }
                        calls.add(new Call(startWall, (System.nanoTime() - start) / 1000, outcome, variant));
                    }
                }, "load-" + i);
                t.start();
                workers.add(t);
            }
            for (Thread t : workers) {
                t.join();
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            for (Call c : calls) {
                w.write(c.startMicros() + "," + c.latencyMicros() + "," + c.outcome() + "," + c.variant() + "\n");
            }
        }
    }
}
