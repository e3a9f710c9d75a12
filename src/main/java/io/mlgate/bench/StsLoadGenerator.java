package io.mlgate.bench;

import io.mlgate.auth.sigv4.SigV4Signer;
import io.mlgate.auth.sigv4.SignedRequest;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load generator for the gateway's STS over HTTPS keep-alive: {@code connections} workers, each on its
 * own kept-alive connection, send SigV4-signed STS calls back to back (each signed at send time, as a real client
 * does), check every answer and record every latency. Used by {@code ./mlgate bench assume-role}.
 */
public final class StsLoadGenerator {

    /** Which call the workers repeat. */
    public enum Call {
        /** {@code AssumeRole} with the long-term key, a new session name per call. */
        ASSUME_ROLE("assume-role"),
        /** {@code GetCallerIdentity} signed with the long-term key. */
        CALLER_IDENTITY("caller-identity"),
        /** {@code GetCallerIdentity} signed with session credentials from one AssumeRole made before the run. */
        SESSION_CALLER_IDENTITY("session-caller-identity");

        private final String cliName;

        Call(String cliName) {
            this.cliName = cliName;
        }

        /** The name used on the command line, e.g. {@code session-caller-identity}. */
        public String cliName() {
            return cliName;
        }

        /** The call named {@code name} on the command line. */
        public static Call fromName(String name) {
            for (Call c : values()) {
                if (c.cliName.equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown call '" + name + "'; expected one of "
                    + Arrays.stream(values()).map(Call::cliName).toList());
        }
    }

    /** What one run measured: successful calls with their latency summary, and failures counted by cause. */
    public record Result(Call call, int connections, long requests, double seconds, LatencySummary latency,
                         Map<String, Long> errors) {
        public Result {
            errors = Map.copyOf(errors);
        }

        /** Successful calls per second. */
        public double throughput() {
            return seconds <= 0 ? 0 : requests / seconds;
        }

        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final URI baseUrl;
    private final SigV4Signer longTermSigner;
    private final String region;
    private final String roleArn;
    private final int sessionSeconds;
    private final SslContext ssl;
    private final AtomicLong sessionNumber = new AtomicLong();

    /**
     * @param baseUrl the gateway, e.g. {@code https://127.0.0.1:8443}
     * @param accessKeyId a long-term key allowed to assume {@code roleArn}
     * @param secret its secret (copied)
     * @param sessionSeconds DurationSeconds of every AssumeRole (900 to 43200)
     * @param caPem the CA certificate to trust
     */
    public StsLoadGenerator(URI baseUrl, String accessKeyId, char[] secret, String region, String roleArn,
                            int sessionSeconds, File caPem) throws Exception {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.region = region;
        this.roleArn = roleArn;
        this.sessionSeconds = sessionSeconds;
        StsQuery.assumeRole(roleArn, "bench-0", sessionSeconds); // validates the arguments up front
        this.longTermSigner = signer(accessKeyId, secret, null);
        this.ssl = SslContextBuilder.forClient().trustManager(caPem).protocols("TLSv1.3").build();
    }

    private SigV4Signer signer(String accessKeyId, char[] secret, String sessionToken) {
        return SigV4Signer.builder().credentials(accessKeyId, secret).sessionToken(sessionToken).region(region)
                .service(StsQuery.SIGNING_NAME).clock(Clock.systemUTC()).build();
    }

    /** Runs {@code connections} closed-loop workers for {@code warmup} (not recorded) and then {@code duration}. */
    public Result run(Call call, int connections, Duration warmup, Duration duration) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1");
        }
        ConnectionProvider pool = ConnectionProvider.builder("mlgate-sts-bench-" + connections)
                .maxConnections(connections).pendingAcquireMaxCount(-1).build();
        LoopResources loops = LoopResources.create("mlgate-sts-bench", 1, true);
        HttpClient client = HttpClient.create(pool).runOn(loops).secure(spec -> spec.sslContext(ssl))
                .protocol(HttpProtocol.HTTP11).keepAlive(true);
        try {
            SigV4Signer signer = switch (call) {
                case ASSUME_ROLE, CALLER_IDENTITY -> longTermSigner;
                case SESSION_CALLER_IDENTITY -> sessionSigner(client);
            };
            if (!warmup.isZero()) {
                drive(client, call, signer, connections, System.nanoTime() + warmup.toNanos(), null,
                        new ConcurrentHashMap<>());
            }
            LatencyLog[] logs = new LatencyLog[connections];
            for (int i = 0; i < connections; i++) {
                logs[i] = new LatencyLog();
            }
            Map<String, LongAdder> errors = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            drive(client, call, signer, connections, start + duration.toNanos(), logs, errors);
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] all = LatencyLog.concat(logs);
            Map<String, Long> counted = new TreeMap<>();
            errors.forEach((cause, n) -> counted.put(cause, n.sum()));
            return new Result(call, connections, all.length, seconds, LatencySummary.of(all), counted);
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(10));
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    /** One AssumeRole, then a signer with the session credentials it returned. */
    private SigV4Signer sessionSigner(HttpClient client) {
        StsQuery query = StsQuery.assumeRole(roleArn, "bench-session-" + sessionNumber.incrementAndGet(),
                sessionSeconds);
        Answer answer = send(client, query.signedFor(baseUrl, longTermSigner), query.body())
                .block(Duration.ofSeconds(30));
        if (answer == null || !query.succeeded(answer.status, answer.body)) {
            throw new IllegalStateException("AssumeRole for the session credentials failed: "
                    + (answer == null ? "no answer" : failure(answer)));
        }
        TemporaryCredentials credentials = TemporaryCredentials.fromStsResponse(answer.body)
                .orElseThrow(() -> new IllegalStateException("AssumeRole answer without credentials"));
        char[] secret = credentials.secretAccessKey();
        try {
            return signer(credentials.accessKeyId(), secret, credentials.sessionToken());
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private StsQuery next(Call call) {
        return call == Call.ASSUME_ROLE
                ? StsQuery.assumeRole(roleArn, "bench-" + sessionNumber.incrementAndGet(), sessionSeconds)
                : StsQuery.getCallerIdentity();
    }

    private void drive(HttpClient client, Call call, SigV4Signer signer, int connections, long deadline,
                       LatencyLog[] logs, Map<String, LongAdder> errors) {
        Flux.range(0, connections)
                .flatMap(worker -> Mono.defer(() -> once(client, next(call), signer,
                                logs == null ? null : logs[worker], errors))
                        .repeat(() -> System.nanoTime() < deadline), connections)
                .blockLast(Duration.ofSeconds(Math.max(60, (deadline - System.nanoTime()) / 1_000_000_000L + 60)));
    }

    private Mono<Void> once(HttpClient client, StsQuery query, SigV4Signer signer, LatencyLog log,
                            Map<String, LongAdder> errors) {
        SignedRequest request = query.signedFor(baseUrl, signer);
        long begin = System.nanoTime();
        return send(client, request, query.body())
                .doOnNext(answer -> {
                    if (query.succeeded(answer.status, answer.body)) {
                        if (log != null) {
                            log.add((System.nanoTime() - begin) / 1000);
                        }
                    } else {
                        errors.computeIfAbsent(failure(answer), k -> new LongAdder()).increment();
                    }
                })
                .onErrorResume(e -> {
                    errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
                    return Mono.empty();
                })
                .then();
    }

    private record Answer(int status, String body) {
    }

    private Mono<Answer> send(HttpClient client, SignedRequest request, byte[] body) {
        return client.post()
                .uri(baseUrl.resolve("/"))
                .send((out, outbound) -> {
                    request.headers().forEach((name, values) -> out.header(name, String.join(",", values)));
                    out.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
                    return outbound.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
                })
                .responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Answer(response.status().code(), text)));
    }

    /** {@code <status> <AWS error code>}, or {@code 200 unexpected body}. */
    private static String failure(Answer answer) {
        if (answer.status == 200) {
            return "200 unexpected body";
        }
        int start = answer.body.indexOf("<Code>");
        int end = start < 0 ? -1 : answer.body.indexOf("</Code>", start);
        return end < 0 ? Integer.toString(answer.status)
                : answer.status + " " + answer.body.substring(start + 6, Math.min(end, start + 6 + 64));
    }

    /** A growable array of latencies in microseconds, written by one worker at a time. */
    private static final class LatencyLog {
        long[] values = new long[1 << 14];
        int size;

        synchronized void add(long micros) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = micros;
        }

        static long[] concat(LatencyLog[] logs) {
            int total = 0;
            for (LatencyLog log : logs) {
                total += log.size;
            }
            long[] all = new long[total];
            int at = 0;
            for (LatencyLog log : logs) {
                System.arraycopy(log.values, 0, all, at, log.size);
                at += log.size;
            }
            return all;
        }
    }

    @Override
    public String toString() {
        return "StsLoadGenerator[" + baseUrl + ", role " + roleArn + ']';
    }
}
