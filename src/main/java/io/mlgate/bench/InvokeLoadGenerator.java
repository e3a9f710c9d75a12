package io.mlgate.bench;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.io.File;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator for InvokeEndpoint over HTTPS keep-alive: {@code connections} workers, each with its
 * own kept-alive connection, send SigV4-signed requests back to back (each signed at send time, as a real client
 * does) and record every latency. Used by {@code ./mlgate bench invoke}; the figures go to docs/benchmarks.md.
 */
public final class InvokeLoadGenerator {

    /** What one run measured. */
    public record Result(int connections, long requests, long errors, double seconds, long p50Micros,
                         long p90Micros, long p99Micros, long maxMicros) {
        public double throughput() {
            return requests / seconds;
        }
    }

    private final URI baseUrl;
    private final String endpointName;
    private final byte[] body;
    private final String contentType;
    private final SigV4Signer signer;
    private final SslContext ssl;
    private final List<String> targetModels;
    private final java.util.concurrent.atomic.AtomicLong nextTarget = new AtomicLong();

    public InvokeLoadGenerator(URI baseUrl, String endpointName, byte[] body, String contentType,
                               String accessKeyId, char[] secret, String region, File caPem) throws Exception {
        this(baseUrl, endpointName, body, contentType, accessKeyId, secret, region, caPem, List.of());
    }

    /**
     * @param targetModels for a multi-model endpoint, the TargetModel of each call, taken round-robin (a list longer
     *                     than the endpoint's cache holds makes every call a miss); empty for other endpoints
     */
    public InvokeLoadGenerator(URI baseUrl, String endpointName, byte[] body, String contentType,
                               String accessKeyId, char[] secret, String region, File caPem,
                               List<String> targetModels) throws Exception {
        this.targetModels = List.copyOf(targetModels);
        this.baseUrl = baseUrl;
        this.endpointName = endpointName;
        this.body = body;
        this.contentType = contentType;
        this.signer = SigV4Signer.builder().credentials(accessKeyId, secret).region(region).service("sagemaker")
                .clock(Clock.systemUTC()).build();
        this.ssl = SslContextBuilder.forClient().trustManager(caPem).protocols("TLSv1.3").build();
    }

    /** Runs {@code connections} closed-loop workers for {@code warmup} (not recorded) and then {@code duration}. */
    public Result run(int connections, Duration warmup, Duration duration) {
        ConnectionProvider pool = ConnectionProvider.builder("mlgate-bench-" + connections)
                .maxConnections(connections).pendingAcquireMaxCount(-1).build();
        LoopResources loops = LoopResources.create("mlgate-bench", 1, true);
        HttpClient client = HttpClient.create(pool)
                .runOn(loops)
                .secure(spec -> spec.sslContext(ssl))
                .protocol(HttpProtocol.HTTP11)
                .keepAlive(true);
        String path = "/endpoints/" + endpointName + "/invocations";
        URI uri = baseUrl.resolve(path);
        String host = uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
        try {
            if (!warmup.isZero()) {
                drive(client, uri, host, connections, System.nanoTime() + warmup.toNanos(), null, new AtomicLong());
            }
            LatencyLog[] logs = new LatencyLog[connections];
            for (int i = 0; i < connections; i++) {
                logs[i] = new LatencyLog();
            }
            AtomicLong errors = new AtomicLong();
            long start = System.nanoTime();
            drive(client, uri, host, connections, start + duration.toNanos(), logs, errors);
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = 0;
            for (LatencyLog log : logs) {
                total += log.size;
            }
            long[] all = new long[(int) total];
            int at = 0;
            for (LatencyLog log : logs) {
                System.arraycopy(log.values, 0, all, at, log.size);
                at += log.size;
            }
            Arrays.sort(all);
            return new Result(connections, total, errors.get(), seconds, percentile(all, 0.50),
                    percentile(all, 0.90), percentile(all, 0.99), all.length == 0 ? 0 : all[all.length - 1]);
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(10));
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    private void drive(HttpClient client, URI uri, String host, int connections, long deadline, LatencyLog[] logs,
                       AtomicLong errors) {
        Flux.range(0, connections)
                .flatMap(worker -> Mono.defer(() -> once(client, uri, host, logs == null ? null : logs[worker], errors))
                        .repeat(() -> System.nanoTime() < deadline), connections)
                .blockLast(Duration.ofSeconds(Math.max(60, (deadline - System.nanoTime()) / 1_000_000_000L + 60)));
    }

    private Mono<Void> once(HttpClient client, URI uri, String host, LatencyLog log, AtomicLong errors) {
        String target = targetModels.isEmpty() ? null
                : targetModels.get((int) (nextTarget.getAndIncrement() % targetModels.size()));
        Map<String, List<String>> headers = target == null
                ? Map.of("host", List.of(host), "content-type", List.of(contentType))
                : Map.of("host", List.of(host), "content-type", List.of(contentType),
                        "x-amzn-sagemaker-target-model", List.of(target));
        Map<String, String> signed = signer.sign("POST", uri, headers, body);
        long begin = System.nanoTime();
        return client
                .post()
                .uri(uri)
                .send((request, outbound) -> {
                    request.header(HttpHeaderNames.HOST, host);
                    request.header(HttpHeaderNames.CONTENT_TYPE, contentType);
                    request.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
                    if (target != null) {
                        request.header("X-Amzn-SageMaker-Target-Model", target);
                    }
                    signed.forEach(request::header);
                    return outbound.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
                })
                .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> response.status().code()))
                .doOnNext(status -> {
                    if (status != 200) {
                        errors.incrementAndGet();
                    } else if (log != null) {
                        log.add((System.nanoTime() - begin) / 1000);
                    }
                })
                .onErrorResume(e -> {
                    errors.incrementAndGet();
                    return Mono.empty();
                })
                .then();
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** A growable array of latencies in microseconds, written by one worker at a time. */
    private static final class LatencyLog {
        long[] values = new long[1 << 16];
        int size;

        synchronized void add(long micros) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = micros;
        }
    }
}
