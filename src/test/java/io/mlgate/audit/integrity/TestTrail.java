package io.mlgate.audit.integrity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.EventResource;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.UserIdentity;
import io.mlgate.kms.RootKey;

/** Builds audit trails for tests: closed log files of realistic CloudTrail records, digests, copies, mutations. */
final class TestTrail {

    static final String ACCOUNT = "123456789012";
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final Path home;
    final Path audit;
    final Path keysDir;
    final MutableClock clock = new MutableClock(T0);
    final RootKey root;
    final AuditSigningKeys keys;
    final DigestWriter writer;
    long seq;
    final List<WrittenDigest> digests = new ArrayList<>();
    /** Copies of head.json after each digest, by digest sequence (index 0 = after digest 1). */
    final List<byte[]> heads = new ArrayList<>();

    TestTrail(Path home) throws IOException {
        this.home = home;
        this.audit = home.resolve("audit");
        this.keysDir = home.resolve("keys");
        Files.createDirectories(audit);
        copyTree(templateKeys(), keysDir);
        root = RootKey.loadOrCreate(keysDir);
        keys = AuditSigningKeys.loadOrCreate(keysDir, root, clock);
        writer = new DigestWriter(audit, keys, ACCOUNT, clock, Duration.ofHours(1));
    }

    private static Path template;

    /** A keys/ folder with a root key and one audit signing key, made once per JVM (RSA generation is slow). */
    static synchronized Path templateKeys() throws IOException {
        if (template == null) {
            Files.createDirectories(Path.of("target"));
            Path dir = Files.createTempDirectory(Path.of("target"), "audit-keys-template");
            Path keys = dir.resolve("keys");
            AuditSigningKeys.loadOrCreate(keys, RootKey.loadOrCreate(keys), new MutableClock(T0));
            Files.deleteIfExists(keys.resolve(AuditSigningKeys.FILE + ".lock"));
            template = keys;
        }
        return template;
    }

    /**
     * The standard trail: 12 log files and 4 digests (3 files, 4 files, none, 5 files).
     */
    static TestTrail standard(Path home) throws IOException {
        TestTrail t = new TestTrail(home);
        t.logs(3, 20);
        t.digest();
        t.logs(4, 20);
        t.digest();
        t.digest();
        t.logs(5, 20);
        t.digest();
        return t;
    }

    void logs(int files, int records) throws IOException {
        for (int i = 0; i < files; i++) {
            addLog(records);
        }
    }

    /** Writes the next closed log file with {@code records} records, as multi-member gzip. */
    Path addLog(int records) throws IOException {
        seq++;
        String name = "events-" + TrailFiles.digestName(clock.instant(), 1).fileName().substring(7, 23)
                + "-" + TrailFiles.sequence(seq) + ".jsonl.gz";
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        for (int r = 0; r < records; r++) {
            member.write(event(seq, r).toJsonBytes());
            member.write('\n');
            clock.advance(Duration.ofSeconds(1));
            if (member.size() > 8 * 1024 || r == records - 1) {
                try (OutputStream gz = new GZIPOutputStream(file) {
                    @Override
                    public void close() throws IOException {
                        finish();
                    }
                }) {
                    gz.write(member.toByteArray());
                }
                member.reset();
            }
        }
        Path p = audit.resolve(name);
        Files.write(p, file.toByteArray());
        return p;
    }

    static AuditEvent event(long seq, int r) {
        return AuditEvent.builder()
                .userIdentity(UserIdentity.builder(IdentityType.ASSUMED_ROLE)
                        .principalId("AROAEXAMPLEROLEID0001:s1")
                        .arn("arn:aws:sts::123456789012:assumed-role/demo/s1")
                        .accountId(ACCOUNT)
                        .accessKeyId("ASIAEXAMPLETEMPKEY01")
                        .build())
                .eventTime(T0.plusSeconds(seq * 1000 + r))
                .eventSource("sagemaker.amazonaws.com")
                .eventName("InvokeEndpoint")
                .awsRegion("us-east-1")
                .sourceIPAddress("10.0.0.7")
                .userAgent("aws-cli/2.9.19 Python/3.9.11 Linux/5.10")
                .requestParameters(EventData.builder().put("endpointName", "iris")
                        .put("contentType", "text/csv").build())
                .additionalEventData(EventData.builder().put("invokedProductionVariant", "v1")
                        .put("payloadSha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                        .build())
                .requestID("req-" + seq + "-" + r)
                .readOnly(false)
                .addResource(new EventResource("arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris",
                        ACCOUNT, "AWS::SageMaker::Endpoint"))
                .eventCategory(EventCategory.DATA)
                .recipientAccountId(ACCOUNT)
                .build();
    }

    WrittenDigest digest() throws IOException {
        WrittenDigest d = writer.write(seq);
        digests.add(d);
        heads.add(Files.readAllBytes(audit.resolve("digests/head.json")));
        clock.advance(Duration.ofHours(1));
        return d;
    }

    ValidationReport validate() throws IOException {
        return validate(audit, ValidationOptions.defaults());
    }

    static ValidationReport validate(Path dir, ValidationOptions options) throws IOException {
        return new TrailValidator().validate(dir, options);
    }

    /** Copies the audit folder to {@code target} (a trail copy anywhere validates the same). */
    Path copyTo(Path target) throws IOException {
        copyTree(audit, target);
        return target;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    Path digestFile(int dseq) {
        return audit.resolve(digests.get(dseq - 1).digestS3Object());
    }

    /** The closed log files of the folder, in sequence order. */
    static List<Path> logFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz")).sorted().toList();
        }
    }

    static byte[] gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    static void gzipTo(Path file, byte[] content) {
        try {
            Files.write(file, TrailFiles.gzip(content));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
