package io.mlgate.audit.integrity.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.EventResource;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.UserIdentity;
import io.mlgate.audit.integrity.AuditSigningKeys;
import io.mlgate.audit.integrity.DigestWriter;
import io.mlgate.audit.integrity.TrailValidator;
import io.mlgate.audit.integrity.ValidationOptions;
import io.mlgate.audit.integrity.ValidationReport;
import io.mlgate.kms.RootKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Validation throughput of a whole trail: about 200 MB of uncompressed CloudTrail records in 50 closed log files
 * (multi-member gzip, members of at most 64 KiB of lines, as docs/audit-trail.md) under 5 digests, built once per
 * fork. One operation validates everything (strict gunzip + SHA-256 of every file, every digest, link and
 * signature); throughput in MB/s = {@link #uncompressedBytes} / (seconds per operation), printed at tear-down.
 * Run with {@code bench/jmh.sh TrailValidateBenchmark -f 1 -wi 1 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class TrailValidateBenchmark {

    private static final int FILES = 50;
    private static final int FILE_BYTES = 4 * 1024 * 1024;
    private static final int MEMBER_BYTES = 64 * 1024;
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Log files hashed at once (1, or one per processor). */
    @Param({"1", "0"})
    public int parallelism;

    private Path home;
    private Path audit;
    private ValidationOptions options;
    /** Uncompressed log bytes in the trail. */
    long uncompressedBytes;
    private long compressedBytes;
    private long operations;
    private long nanos;

    @Setup
    public void build() throws IOException {
        home = Files.createTempDirectory("trail-bench");
        audit = home.resolve("audit");
        Files.createDirectories(audit);
        Path keysDir = home.resolve("keys");
        Instant t0 = Instant.parse("2026-11-26T00:00:00Z");
        Clock clock = Clock.fixed(t0.plus(Duration.ofDays(1)), ZoneOffset.UTC);
        AuditSigningKeys keys = AuditSigningKeys.loadOrCreate(keysDir, RootKey.loadOrCreate(keysDir), clock);
        long seq = 0;
        int record = 0;
        for (int d = 0; d < 5; d++) {
            for (int f = 0; f < FILES / 5; f++) {
                seq++;
                Path file = audit.resolve("events-" + STAMP.format(t0.plusSeconds(seq * 60)) + "-"
                        + String.format("%06d", seq) + ".jsonl.gz");
                ByteArrayOutputStream gz = new ByteArrayOutputStream(FILE_BYTES / 8);
                ByteArrayOutputStream member = new ByteArrayOutputStream(MEMBER_BYTES + 4096);
                long written = 0;
                while (written < FILE_BYTES) {
                    byte[] line = line(t0.plusSeconds(seq * 60 + (record % 60)), record++);
                    if (member.size() + line.length > MEMBER_BYTES) {
                        member(gz, member);
                    }
                    member.write(line);
                    written += line.length;
                }
                member(gz, member);
                Files.write(file, gz.toByteArray());
                uncompressedBytes += written;
                compressedBytes += gz.size();
            }
            new DigestWriter(audit, keys, "123456789012", clock, Duration.ofHours(1)).write(seq);
        }
        int threads = parallelism == 0 ? Runtime.getRuntime().availableProcessors() : parallelism;
        options = ValidationOptions.defaults().withParallelism(threads);
        ValidationReport check = new TrailValidator().validate(audit, options);
        if (!check.valid() || check.bytesHashed() != uncompressedBytes) {
            throw new IllegalStateException("the benchmark trail does not validate: " + check.problems());
        }
    }

    private static void member(ByteArrayOutputStream gz, ByteArrayOutputStream member) throws IOException {
        if (member.size() == 0) {
            return;
        }
        try (OutputStream out = new GZIPOutputStream(gz) {
            @Override
            public void close() throws IOException {
                finish();
                def.end();
            }
        }) {
            member.writeTo(out);
        }
        member.reset();
    }

    private static byte[] line(Instant t, int i) {
        AuditEvent e = AuditEvent.builder()
                .userIdentity(UserIdentity.builder(IdentityType.ASSUMED_ROLE)
                        .principalId("AROAEXAMPLEROLEID0001:s" + (i % 50))
                        .arn("arn:aws:sts::123456789012:assumed-role/demo/s" + (i % 50))
                        .accountId("123456789012")
                        .accessKeyId("ASIAEXAMPLETEMPKEY01")
                        .build())
                .eventTime(t)
                .eventSource("sagemaker.amazonaws.com")
                .eventName("InvokeEndpoint")
                .awsRegion("us-east-1")
                .sourceIPAddress("10.0." + (i % 7) + "." + (i % 250))
                .userAgent("aws-cli/2.9.19 Python/3.9.11 Linux/5.10")
                .requestParameters(EventData.builder().put("endpointName", "iris")
                        .put("contentType", "text/csv").build())
                .additionalEventData(EventData.builder().put("invokedProductionVariant", "v1")
                        .put("modelLatencyMs", (long) (i % 17))
                        .put("payloadSha256", Integer.toHexString(i * 31) + "9f86d081884c7d659a2feaa0c55ad015a3bf4f")
                        .build())
                .requestID("req-" + i)
                .readOnly(false)
                .addResource(new EventResource("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris",
                        "123456789012", "AWS::SageMaker::Endpoint"))
                .eventCategory(EventCategory.DATA)
                .recipientAccountId("123456789012")
                .build();
        byte[] json = e.toJsonBytes();
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    @Benchmark
    public ValidationReport validate() throws IOException {
        long start = System.nanoTime();
        ValidationReport r = new TrailValidator().validate(audit, options);
        nanos += System.nanoTime() - start;
        operations++;
        if (!r.valid()) {
            throw new IllegalStateException(r.problems().toString());
        }
        return r;
    }

    @TearDown
    public void report() throws IOException {
        double seconds = nanos / 1e9 / Math.max(1, operations);
        System.out.printf("%n[trail] %d log files, %.1f MB uncompressed (%.1f MB gzip), parallelism %s:"
                        + " %.0f MB/s of uncompressed log data over %d validations (warm-up included)%n",
                FILES, uncompressedBytes / 1e6, compressedBytes / 1e6, parallelism == 0 ? "all cores" : parallelism,
                uncompressedBytes / 1e6 / seconds, operations);
        try (Stream<Path> s = Files.walk(home)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
