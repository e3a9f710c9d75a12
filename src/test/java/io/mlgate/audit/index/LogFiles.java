package io.mlgate.audit.index;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.EventResource;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.SessionContext;
import io.mlgate.audit.UserIdentity;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes audit folders in the documented on-disk format (docs/audit-trail.md) for tests and benchmarks: realistic
 * CloudTrail records, segments as {@code .jsonl} and closed log files as multi-member (or single-member) gzip.
 */
public final class LogFiles {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int MEMBER_INPUT = 64 * 1024;

    private LogFiles() {
    }

    /** The segment file name for {@code seq} created at {@code created}, without the {@code .gz}. */
    public static String segmentName(Instant created, long seq) {
        return "events-" + STAMP.format(created) + "-" + String.format("%06d", seq) + ".jsonl";
    }

    /** The uncompressed bytes of a segment: each record followed by a newline. */
    public static byte[] lines(List<String> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String r : records) {
            out.writeBytes(r.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Writes {@code content} as a closed log file: gzip members of whole lines, at most 64 KiB of input each. */
    public static Path writeGz(Path file, byte[] content) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            try {
                int memberStart = 0;
                int lineStart = 0;
                for (int i = 0; i < content.length; i++) {
                    if (content[i] != '\n') {
                        continue;
                    }
                    int lineEnd = i + 1;
                    if (lineEnd - memberStart > MEMBER_INPUT && lineStart > memberStart) {
                        member(out, deflater, content, memberStart, lineStart - memberStart);
                        memberStart = lineStart;
                    }
                    lineStart = lineEnd;
                }
                if (content.length > memberStart) {
                    if (lineStart > memberStart && content.length - memberStart > MEMBER_INPUT) {
                        member(out, deflater, content, memberStart, lineStart - memberStart);
                        memberStart = lineStart;
                    }
                    member(out, deflater, content, memberStart, content.length - memberStart);
                }
            } finally {
                deflater.end();
            }
        }
        return file;
    }

    /** Writes {@code content} as one gzip member (what {@code gzip} makes). */
    public static Path writeSingleMemberGz(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return file;
    }

    private static void member(OutputStream out, Deflater deflater, byte[] b, int off, int len) throws IOException {
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255});
        deflater.reset();
        deflater.setInput(b, off, len);
        deflater.finish();
        byte[] buf = new byte[16 * 1024];
        while (!deflater.finished()) {
            int n = deflater.deflate(buf);
            out.write(buf, 0, n);
        }
        CRC32 crc = new CRC32();
        crc.update(b, off, len);
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, len);
    }

    private static void writeIntLe(OutputStream out, int v) throws IOException {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
        out.write((v >>> 16) & 0xFF);
        out.write((v >>> 24) & 0xFF);
    }

    /** Appends bytes to a segment being written. */
    public static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    // ------------------------------------------------------------------ records

    /** What a generated event is, for computing expected lookup results. */
    public record Spec(String eventId, Instant time, String eventName, String eventSource, boolean readOnly,
                       String identityType, String arn, String userName, String accessKeyId, boolean dataEvent,
                       String resourceArn, String resourceType) {

        /** The user name LookupEvents reports. */
        public String username() {
            if (identityType.equals("AssumedRole")) {
                return arn.substring(arn.lastIndexOf('/') + 1);
            }
            return userName != null ? userName : arn.substring(arn.lastIndexOf(arn.contains("/") ? '/' : ':') + 1);
        }

        public String resourceName() {
            return resourceArn == null ? null : resourceArn.substring(resourceArn.lastIndexOf('/') + 1);
        }

        /** The record line, as the gateway writes it. */
        public String json() {
            UserIdentity.Builder id = UserIdentity.builder(switch (identityType) {
                case "AssumedRole" -> IdentityType.ASSUMED_ROLE;
                case "Root" -> IdentityType.ROOT;
                default -> IdentityType.IAM_USER;
            }).arn(arn).accountId("123456789012").principalId("AIDAEXAMPLE" + Math.abs(arn.hashCode()));
            if (accessKeyId != null) {
                id.accessKeyId(accessKeyId);
            }
            if (userName != null) {
                id.userName(userName);
            }
            AuditEvent.Builder b = AuditEvent.builder()
                    .userIdentity(id.build())
                    .eventTime(time)
                    .eventSource(eventSource)
                    .eventName(eventName)
                    .awsRegion("us-east-1")
                    .sourceIPAddress("10.0.0.7")
                    .userAgent("aws-cli/2.27.0 md/awscrt#0.23.8 ua/2.1 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.9")
                    .requestParameters(resourceArn == null ? null : EventData.builder()
                            .put("endpointName", resourceName()).put("contentType", "text/csv").build())
                    .additionalEventData(EventData.builder().put("httpStatus", 200L)
                            .put("payloadSha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                            .build())
                    .requestID(UUID.nameUUIDFromBytes(eventId.getBytes(StandardCharsets.UTF_8)).toString())
                    .eventID(UUID.fromString(eventId))
                    .readOnly(readOnly)
                    .eventCategory(dataEvent ? EventCategory.DATA : EventCategory.MANAGEMENT)
                    .recipientAccountId("123456789012");
            if (resourceArn != null) {
                b.addResource(new EventResource(resourceArn, "123456789012", resourceType));
            }
            return new String(b.build().toJsonBytes(), StandardCharsets.UTF_8);
        }
    }

    private static final String[] USERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final String[] ENDPOINTS = {"iris", "churn", "fraud-v2", "reco", "sentiment", "vision"};

    /**
     * A realistic event {@code i} of a generated trail: mostly InvokeEndpoint data events, some SageMaker and KMS
     * management calls, IAM users and assumed roles, 200 access keys.
     */
    public static Spec generated(Random random, Instant time) {
        String eventId = new UUID(random.nextLong(), random.nextLong()).toString();
        eventId = UUID.fromString(eventId.substring(0, 14) + "4" + eventId.substring(15, 19)
                + "8" + eventId.substring(20)).toString();
        int u = random.nextInt(USERS.length);
        boolean role = random.nextInt(3) == 0;
        String arn = role ? "arn:aws:sts::123456789012:assumed-role/ml-invoker/" + USERS[u] + "-session"
                : "arn:aws:iam::123456789012:user/" + USERS[u];
        String key = (role ? "ASIA" : "AKIA") + String.format("EXAMPLE%09d", random.nextInt(200));
        String endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/" + ENDPOINTS[random.nextInt(ENDPOINTS.length)];
        int kind = random.nextInt(100);
        String name;
        String source = "sagemaker.amazonaws.com";
        boolean readOnly;
        boolean data = false;
        String resource = endpoint;
        String type = "AWS::SageMaker::Endpoint";
        if (kind < 85) {
            name = "InvokeEndpoint";
            readOnly = false;
            data = true;
        } else if (kind < 86) {
            name = "CreateEndpoint";
            readOnly = false;
        } else if (kind < 92) {
            name = "DescribeEndpoint";
            readOnly = true;
        } else if (kind < 95) {
            name = "ListEndpoints";
            readOnly = true;
            resource = null;
        } else {
            name = kind < 98 ? "Decrypt" : "GenerateDataKey";
            source = "kms.amazonaws.com";
            readOnly = false;
            resource = "arn:aws:kms:us-east-1:123456789012:key/" + new UUID(u, 7);
            type = "AWS::KMS::Key";
        }
        return new Spec(eventId, time, name, source, readOnly, role ? "AssumedRole" : "IAMUser", arn,
                role ? null : USERS[u], key, data, resource, resource == null ? null : type);
    }
}
