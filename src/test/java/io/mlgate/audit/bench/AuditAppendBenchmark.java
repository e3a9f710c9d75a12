package io.mlgate.audit.bench;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.AuditLog;
import io.mlgate.audit.AuditLogSettings;
import io.mlgate.audit.Durability;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.EventResource;
import io.mlgate.audit.EventType;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.TlsDetails;
import io.mlgate.audit.UserIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Sustained {@link AuditLog#append} throughput into a temporary directory, with an InvokeEndpoint-shaped CloudTrail
 * record like the gateway writes (serialized on the calling thread on every append), 64 MiB segments rolled and
 * compressed in the background as in production. Every op is one record whose future completed normally (a failed
 * append, e.g. QUEUE_FULL, fails the benchmark instead of counting). Run with
 * {@code bench/jmh.sh AuditAppendBenchmark}; not part of the test suite.
 *
 * <ul>
 *   <li>{@code batchedPipelined}: one caller keeping up to {@value #WINDOW} appends in flight, batched durability:
 *       the writer thread's sustained rate.</li>
 *   <li>{@code batched64Threads}: 64 callers each waiting for its own record, batched durability.</li>
 *   <li>{@code strict64Threads}: 64 callers each waiting for its own record's fsync (group commit).</li>
 *   <li>{@code batchedAppendLatency} (sample time): what one InvokeEndpoint waits for in batched mode: building
 *       its record, serializing it, handing it to the writer and the write itself (no fsync).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class AuditAppendBenchmark {

    static final int WINDOW = 1024;

    /** The record appended: an InvokeEndpoint data event by an IAM user, as the gateway writes it. */
    static AuditEvent invokeEndpointEvent() {
        return AuditEvent.builder()
                .eventTime(Instant.parse("2026-11-26T12:00:00.123Z"))
                .awsRegion("us-east-1")
                .requestID(UUID.randomUUID().toString())
                .eventType(EventType.AWS_API_CALL)
                .userIdentity(UserIdentity.builder(IdentityType.IAM_USER)
                        .arn("arn:aws:iam::123456789012:user/demo-analyst").accountId("123456789012")
                        .accessKeyId("AKIAIOSFODNN7EXAMPLE").principalId("AIDAYE2APCPALW7NYBCY6")
                        .userName("demo-analyst").build())
                .tlsDetails(new TlsDetails("TLSv1.3", "TLS_AES_128_GCM_SHA256", "127.0.0.1:8443"))
                .sourceIPAddress("127.0.0.1")
                .userAgent("aws-sdk-java/2.40.2 md/io#sync ua/2.1 api/SageMaker_Runtime#2.40.x")
                .eventSource("sagemaker.amazonaws.com").eventName("InvokeEndpoint").readOnly(false)
                .eventCategory(EventCategory.DATA).recipientAccountId("123456789012")
                .requestParameters(EventData.builder().put("endpointName", "iris").put("contentType", "text/csv")
                        .build())
                .addResource(new EventResource("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris",
                        "123456789012", "AWS::SageMaker::Endpoint"))
                .additionalEventData(EventData.builder().put("httpStatus", 200)
                        .put("payloadSha256", "d0c744fd070bef660af2c3bd60dcb131f82626586970d39664a6548106c12cce")
                        .put("payloadBytes", 15).put("invokedProductionVariant", "AllTraffic")
                        .put("modelLatencyMs", 0.013)
                        .put("policyDecision", EventData.builder().put("outcome", "ALLOW")
                                .put("explanation", "allowed by statement Sid 'InvokeIrisOverTls'").build())
                        .build())
                .build();
    }

    /** One open log in a fresh temporary directory, deleted after the trial. */
    abstract static class LogState {
        AuditLog log;
        AuditEvent event;
        Path dir;

        abstract Durability durability();

        /** Segment size limit in MiB: 64 is production (rolls and background compression during the run). */
        abstract long segmentMiB();

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("mlgate-audit-bench-");
            log = AuditLog.open(dir, AuditLogSettings.builder().durability(durability())
                    .maxSegmentBytes(segmentMiB() * 1024 * 1024)
                    .rollInterval(Duration.ofMinutes(5)).build());
            event = invokeEndpointEvent();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            log.close();
            if (log.closerFailure().isPresent()) {
                throw new IllegalStateException("segment close failed", log.closerFailure().get());
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @State(Scope.Benchmark)
    public static class BatchedLog extends LogState {
        @Param("64")
        public long segmentMiB;

        @Override
        long segmentMiB() {
            return segmentMiB;
        }

        @Override
        Durability durability() {
            return Durability.batched(Duration.ofMillis(10));
        }
    }

    @State(Scope.Benchmark)
    public static class StrictLog extends LogState {
        @Param("64")
        public long segmentMiB;

        @Override
        long segmentMiB() {
            return segmentMiB;
        }

        @Override
        Durability durability() {
            return Durability.strict();
        }
    }

    /** The appends one caller has in flight. */
    @State(Scope.Thread)
    public static class InFlight {
        final ArrayDeque<CompletableFuture<Void>> futures = new ArrayDeque<>(WINDOW);

        @TearDown(Level.Iteration)
        public void drain() {
            while (!futures.isEmpty()) {
                futures.poll().join();
            }
        }
    }

    @Benchmark
    public void batchedPipelined(BatchedLog s, InFlight inFlight) {
        if (inFlight.futures.size() == WINDOW) {
            inFlight.futures.poll().join(); // throws if the append failed
        }
        inFlight.futures.add(s.log.append(s.event));
    }

    @Benchmark
    @Threads(64)
    public void batched64Threads(BatchedLog s) {
        s.log.append(s.event).join();
    }

    @Benchmark
    @Threads(64)
    public void strict64Threads(StrictLog s) {
        s.log.append(s.event).join();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void batchedAppendLatency(BatchedLog s) {
        s.log.append(invokeEndpointEvent()).join();
    }
}
