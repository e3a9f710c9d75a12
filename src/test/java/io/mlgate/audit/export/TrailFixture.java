package io.mlgate.audit.export;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.GeneralSecurityException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.EventResource;
import io.mlgate.audit.EventType;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.SessionContext;
import io.mlgate.audit.SessionIssuer;
import io.mlgate.audit.TlsDetails;
import io.mlgate.audit.UserIdentity;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds an audit folder in the documented shape for tests: multi-member gzip log files of real CloudTrail records,
 * digests chained and signed with a test RSA key (CloudTrail signing string), .sig files, head.json and
 * public-keys.json.
 */
public final class TrailFixture {

    /** Fixed test keys (generating RSA keys is slow on a busy machine): resources next to this class. */
    /** Test signing keys, generated once per test JVM (never stored in the repository). */
    public static final KeyPair KEY = generate();
    public static final KeyPair OTHER_KEY = generate();
    public static final String ACCOUNT = "123456789012";

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    public final Path dir;
    private long seq;
    private long dseq;
    private final List<ObjectNode> pending = new ArrayList<>();
    private Instant firstLogCreated;
    private String previousObject;
    private String previousHash;
    private String previousSignature;
    private String previousEnd;
    private long lastListedSeq;

    public TrailFixture(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("digests"));
        Files.write(dir.resolve("public-keys.json"), publicKeysJson(KEY));
    }

    public static BundleSigningKey signingKey() {
        return BundleSigningKey.of(KEY.getPrivate());
    }

    public static String fingerprint(KeyPair k) {
        return BundleSigningKey.fingerprint(k.getPublic());
    }

    /** A ListPublicKeys document holding the given keys. */
    public static byte[] publicKeysJson(KeyPair... keys) {
        ObjectNode doc = TrailJson.MAPPER.createObjectNode();
        ArrayNode list = doc.putArray("PublicKeyList");
        for (KeyPair k : keys) {
            RSAPublicKey pub = (RSAPublicKey) k.getPublic();
            byte[] pkcs1;
            try {
                pkcs1 = new org.bouncycastle.asn1.pkcs.RSAPublicKey(pub.getModulus(), pub.getPublicExponent())
                        .getEncoded();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            ObjectNode e = list.addObject();
            e.put("Value", Base64.getEncoder().encodeToString(pkcs1));
            e.put("ValidityStartTime", 1_700_000_000L);
            e.putNull("ValidityEndTime");
            e.put("Fingerprint", fingerprint(k));
        }
        return TrailJson.write(doc);
    }

    /** Writes a closed log file holding {@code events} (stamped with the first event's time); returns its name. */
    public String segment(List<AuditEvent> events) throws IOException {
        seq++;
        Instant created = events.isEmpty() ? Instant.parse("2026-11-26T00:00:00Z") : events.get(0).eventTime();
        String name = "events-" + STAMP.format(created) + "-" + String.format("%06d", seq) + ".jsonl.gz";
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (AuditEvent e : events) {
            raw.write(e.toJsonBytes());
            raw.write('\n');
        }
        byte[] bytes = raw.toByteArray();
        writeMultiMemberGzip(dir.resolve(name), bytes);
        if (firstLogCreated == null) {
            firstLogCreated = created;
        }
        ObjectNode ref = TrailJson.MAPPER.createObjectNode();
        ref.put("s3Bucket", "mlgate-audit");
        ref.put("s3Object", name);
        ref.put("hashValue", TrailJson.sha256Hex(bytes));
        ref.put("hashAlgorithm", "SHA-256");
        Instant oldest = events.stream().map(AuditEvent::eventTime).min(Instant::compareTo).orElse(null);
        Instant newest = events.stream().map(AuditEvent::eventTime).max(Instant::compareTo).orElse(null);
        putTime(ref, "newestEventTime", newest);
        putTime(ref, "oldestEventTime", oldest);
        pending.add(ref);
        lastListedSeq = seq;
        return name;
    }

    /** Writes the open segment (plain .jsonl), which no digest covers. */
    public String openSegment(List<AuditEvent> events) throws IOException {
        seq++;
        String name = "events-" + STAMP.format(events.get(0).eventTime()) + "-" + String.format("%06d", seq) + ".jsonl";
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (AuditEvent e : events) {
            raw.write(e.toJsonBytes());
            raw.write('\n');
        }
        Files.write(dir.resolve(name), raw.toByteArray());
        return name;
    }

    /** Writes the next digest covering every segment since the previous one, its .sig, and head.json. */
    public String digest(Instant end) throws IOException {
        return digest(end, KEY);
    }

    public String digest(Instant end, KeyPair key) throws IOException {
        dseq++;
        String object = "digests/digest-" + STAMP.format(end) + "-" + String.format("%06d", dseq) + ".json.gz";
        ObjectNode d = TrailJson.MAPPER.createObjectNode();
        d.put("awsAccountId", ACCOUNT);
        d.put("digestStartTime", previousEnd != null ? previousEnd
                : TIME.format(firstLogCreated != null ? firstLogCreated : end));
        d.put("digestEndTime", TIME.format(end));
        d.put("digestS3Bucket", "mlgate-audit");
        d.put("digestS3Object", object);
        Instant newest = null;
        Instant oldest = null;
        for (ObjectNode ref : pending) {
            if (ref.hasNonNull("newestEventTime")) {
                Instant n = Instant.parse(ref.get("newestEventTime").stringValue());
                Instant o = Instant.parse(ref.get("oldestEventTime").stringValue());
                newest = newest == null || n.isAfter(newest) ? n : newest;
                oldest = oldest == null || o.isBefore(oldest) ? o : oldest;
            }
        }
        putTime(d, "newestEventTime", newest);
        putTime(d, "oldestEventTime", oldest);
        d.put("previousDigestS3Bucket", previousObject == null ? null : "mlgate-audit");
        d.put("previousDigestS3Object", previousObject);
        d.put("previousDigestHashValue", previousHash);
        d.put("previousDigestHashAlgorithm", previousObject == null ? null : "SHA-256");
        d.put("previousDigestSignature", previousSignature);
        d.put("digestPublicKeyFingerprint", fingerprint(key));
        d.put("digestSignatureAlgorithm", "SHA256withRSA");
        ArrayNode files = d.putArray("logFiles");
        pending.forEach(files::add);
        d.put("mlgateDigestSequence", dseq);
        d.putNull("mlgateLogSequence");
        d.putArray("mlgateMissingLogFiles");
        byte[] raw = TrailJson.write(d);
        String hash = TrailJson.sha256Hex(raw);
        String signing = TIME.format(end) + "\nmlgate-audit/" + object + "\n" + hash + "\n"
                + (previousSignature == null ? "null" : previousSignature);
        byte[] sig = RsaSignatures.sign(key.getPrivate(), signing.getBytes(StandardCharsets.UTF_8));
        writeMultiMemberGzip(dir.resolve(object), raw);
        Files.write(dir.resolve(object + ".sig"), RsaSignatures.sigFile(sig));
        ObjectNode head = TrailJson.MAPPER.createObjectNode();
        head.put("digestS3Object", object);
        head.put("mlgateDigestSequence", dseq);
        head.put("digestHashValue", hash);
        head.put("digestSignature", TrailJson.hex(sig));
        head.put("digestEndTime", TIME.format(end));
        head.put("signature", "00");
        Files.write(dir.resolve("digests/head.json"), TrailJson.write(head));
        pending.clear();
        previousObject = object;
        previousHash = hash;
        previousSignature = TrailJson.hex(sig);
        previousEnd = TIME.format(end);
        return object;
    }

    private static void putTime(ObjectNode n, String field, Instant t) {
        if (t == null) {
            n.putNull(field);
        } else {
            n.put(field, TIME.format(t));
        }
    }

    /** The documented log file encoding: gzip members of whole lines, at most 64 KiB of input each. */
    static void writeMultiMemberGzip(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            int start = 0;
            while (start < bytes.length) {
                int end = start;
                int lineEnd = start;
                while (lineEnd < bytes.length) {
                    int nl = indexOf(bytes, (byte) '\n', lineEnd);
                    int next = nl < 0 ? bytes.length : nl + 1;
                    if (end > start && next - start > 64 * 1024) {
                        break;
                    }
                    end = next;
                    lineEnd = next;
                }
                try (GZIPOutputStream gz = new GZIPOutputStream(new FilterOutputStream(out) {
                    @Override
                    public void close() throws IOException {
                        flush(); // keep the file open for the next member
                    }
                })) {
                    gz.write(bytes, start, end - start);
                }
                start = end;
            }
            if (bytes.length == 0) {
                try (GZIPOutputStream gz = new GZIPOutputStream(new FilterOutputStream(out) {
                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                })) {
                    gz.finish();
                }
            }
        }
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static KeyPair generate() {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a test key", e);
        }
    }

    /** {@code key}'s private half as a PKCS#8 PEM file, for CLI options that read one. */
    public static String privateKeyPem(KeyPair key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    // ---------------------------------------------------------------- realistic records

    public static AuditEvent invoke(Instant t, String endpoint) {
        return AuditEvent.builder()
                .userIdentity(assumedRole())
                .eventTime(t)
                .eventSource("sagemaker.amazonaws.com")
                .eventName("InvokeEndpoint")
                .awsRegion("us-east-1")
                .sourceIPAddress("10.0.0.7")
                .userAgent("aws-cli/2.9.19 Python/3.9.11 Linux/5.10")
                .requestParameters(EventData.builder().put("endpointName", endpoint).put("contentType", "text/csv")
                        .build())
                .additionalEventData(EventData.builder()
                        .put("httpStatus", 200L)
                        .put("invokedProductionVariant", "v1")
                        .put("modelLatencyMs", 3.25)
                        .put("payloadSha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                        .put("policyDecision", decision("ALLOW"))
                        .build())
                .requestID(UUID.randomUUID().toString())
                .readOnly(false)
                .addResource(new EventResource("arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/" + endpoint,
                        ACCOUNT, "AWS::SageMaker::Endpoint"))
                .eventCategory(EventCategory.DATA)
                .recipientAccountId(ACCOUNT)
                .tlsDetails(new TlsDetails("TLSv1.3", "TLS_AES_128_GCM_SHA256", "localhost:8443"))
                .build();
    }

    public static AuditEvent denied(Instant t) {
        return AuditEvent.builder()
                .userIdentity(UserIdentity.builder(IdentityType.IAM_USER)
                        .principalId("AIDAEXAMPLEUSERID001")
                        .arn("arn:aws:iam::" + ACCOUNT + ":user/mallory")
                        .accountId(ACCOUNT)
                        .accessKeyId("AKIAEXAMPLEKEY000002")
                        .userName("mallory")
                        .build())
                .eventTime(t)
                .eventSource("sagemaker.amazonaws.com")
                .eventName("DeleteEndpoint")
                .awsRegion("us-east-1")
                .sourceIPAddress("10.0.0.9")
                .userAgent("aws-sdk-java/2.20")
                .error("AccessDeniedException", "User: arn:aws:iam::" + ACCOUNT + ":user/mallory is not authorized "
                        + "to perform: sagemaker:DeleteEndpoint with an explicit deny")
                .requestParameters(EventData.builder().put("endpointName", "iris").build())
                .additionalEventData(EventData.builder()
                        .put("httpStatus", 400L)
                        .put("policyDecision", decision("EXPLICIT_DENY"))
                        .build())
                .requestID(UUID.randomUUID().toString())
                .readOnly(false)
                .addResource(new EventResource("arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":endpoint/iris",
                        ACCOUNT, "AWS::SageMaker::Endpoint"))
                .eventCategory(EventCategory.MANAGEMENT)
                .recipientAccountId(ACCOUNT)
                .build();
    }

    public static AuditEvent unauthenticated(Instant t) {
        return AuditEvent.builder()
                .userIdentity(UserIdentity.builder(IdentityType.UNKNOWN).accessKeyId("AKIAUNKNOWNKEY000099").build())
                .eventTime(t)
                .eventSource("sagemaker.amazonaws.com")
                .eventName("ListEndpoints")
                .awsRegion("us-east-1")
                .sourceIPAddress("203.0.113.5")
                .userAgent("curl/8.4.0")
                .error("UnrecognizedClientException", "The security token included in the request is invalid.")
                .requestParameters(null)
                .additionalEventData(EventData.builder().put("httpStatus", 400L).build())
                .requestID(UUID.randomUUID().toString())
                .readOnly(true)
                .eventCategory(EventCategory.MANAGEMENT)
                .build();
    }

    public static AuditEvent assumeRole(Instant t) {
        return AuditEvent.builder()
                .userIdentity(UserIdentity.builder(IdentityType.IAM_USER)
                        .principalId("AIDAEXAMPLEUSERID003")
                        .arn("arn:aws:iam::" + ACCOUNT + ":user/alice")
                        .accountId(ACCOUNT)
                        .accessKeyId("AKIAEXAMPLEKEY000003")
                        .userName("alice")
                        .build())
                .eventTime(t)
                .eventSource("sts.amazonaws.com")
                .eventName("AssumeRole")
                .awsRegion("us-east-1")
                .sourceIPAddress("10.0.0.8")
                .userAgent("aws-cli/2.9.19")
                .requestParameters(EventData.builder()
                        .put("roleArn", "arn:aws:iam::" + ACCOUNT + ":role/demo")
                        .put("roleSessionName", "s1")
                        .build())
                .responseElements(EventData.builder()
                        .put("credentials", EventData.builder()
                                .put("accessKeyId", "ASIAEXAMPLETEMPKEY01")
                                .put("expiration", "2026-11-26T08:37:22Z")
                                .build())
                        .put("assumedRoleUser", EventData.builder()
                                .put("assumedRoleId", "AROAEXAMPLEROLEID0001:s1")
                                .put("arn", "arn:aws:sts::" + ACCOUNT + ":assumed-role/demo/s1")
                                .build())
                        .build())
                .additionalEventData(EventData.builder().put("policyDecision", decision("ALLOW")).build())
                .requestID(UUID.randomUUID().toString())
                .readOnly(false)
                .addResource(new EventResource("arn:aws:iam::" + ACCOUNT + ":role/demo", ACCOUNT, "AWS::IAM::Role"))
                .eventCategory(EventCategory.MANAGEMENT)
                .eventType(EventType.AWS_API_CALL)
                .recipientAccountId(ACCOUNT)
                .build();
    }

    static UserIdentity assumedRole() {
        return UserIdentity.builder(IdentityType.ASSUMED_ROLE)
                .principalId("AROAEXAMPLEROLEID0001:s1")
                .arn("arn:aws:sts::" + ACCOUNT + ":assumed-role/demo/s1")
                .accountId(ACCOUNT)
                .accessKeyId("ASIAEXAMPLETEMPKEY01")
                .sessionContext(new SessionContext(new SessionIssuer(IdentityType.ROLE, "AROAEXAMPLEROLEID0001",
                        "arn:aws:iam::" + ACCOUNT + ":role/demo", ACCOUNT, "demo"), null, null,
                        Instant.parse("2026-11-26T07:00:00Z"), true, null))
                .build();
    }

    private static EventData decision(String outcome) {
        return EventData.builder()
                .put("outcome", outcome)
                .put("policyType", "identity")
                .putStrings("decidingStatements", List.of("demo-policy#0"))
                .put("explanation", outcome.equals("ALLOW") ? "allowed by an identity policy" : "explicitly denied")
                .build();
    }
}
