package io.mlgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.audit.AuditLogReader;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code mlgate pii scan} in-process: the summary and the JSON report, the report files, the PiiDiscoveryJob event
 * written straight into a free audit folder (and the trail validating before and after the next digest), no report
 * and a failure when the event cannot be recorded, usage errors, detector settings from the gateway's properties.
 */
class PiiCommandTest extends ConsoleCapture {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ACCOUNT = "123456789012";

    @TempDir
    Path home;
    Path data;

    @BeforeEach
    void files() throws IOException {
        Files.createDirectories(home.resolve("audit"));
        data = Files.createDirectories(home.resolve("exports"));
        Files.writeString(data.resolve("customers.csv"), "id,name,email\n1,Jane,jane.doe@example.com\n"
                + "2,John,john.roe@example.com\n", StandardCharsets.UTF_8);
        Files.writeString(data.resolve("payments.txt"), "paid with 4111 1111 1111 1111 yesterday\n");
        Files.writeString(data.resolve("clean.txt"), "nothing to see here\n");
    }

    private int scan(Function<String, String> env, String... args) {
        PiiCommand.Scan command = new PiiCommand.Scan();
        command.env = env;
        return new CommandLine(command).execute(args);
    }

    private int scan(String... args) {
        return scan(k -> null, args);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private List<JsonNode> events(String name) throws IOException {
        return AuditLogReader.of(home.resolve("audit")).read().records().stream().map(JSON::readTree)
                .filter(e -> e.path("eventName").asString().equals(name)).toList();
    }

    @Test
    void theJobIsAuditedInTheFreeFolderAndTheTrailStillValidates() throws IOException {
        assertThat(scan(data.toString(), "--home", home.toString(), "--account", ACCOUNT, "--no-progress"))
                .as(stderr()).isZero();
        String printed = stdout();
        assertThat(printed).startsWith("PII discovery job ").contains("3 files scanned")
                .containsPattern("EMAIL\\s+2").containsPattern("CREDIT_CARD\\s+1")
                .contains("customers.csv: EMAIL 2 (in email)").contains("audit: event ")
                .doesNotContain("jane.doe@example.com").doesNotContain("4111");
        String jobId = printed.substring("PII discovery job ".length(), printed.indexOf(':'));

        Path reportDir = home.resolve("data/pii-reports").resolve(jobId);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(reportDir)))
                .isEqualTo("rwx------");
        JsonNode report = JSON.readTree(reportDir.resolve("report.json").toFile());
        assertThat(report.path("countsByType").toString()).isEqualTo("{\"CREDIT_CARD\":1,\"EMAIL\":2}");
        assertThat(report.path("filesScanned").asLong()).isEqualTo(3);
        String html = Files.readString(reportDir.resolve("report.html"));
        assertThat(html).contains(jobId);
        for (String file : List.of("report.json", "report.html")) {
            assertThat(Files.readString(reportDir.resolve(file))).doesNotContain("jane.doe@example.com")
                    .doesNotContain("john.roe").doesNotContain("4111");
            assertThat(Files.getPosixFilePermissions(reportDir.resolve(file))).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        }

        List<JsonNode> jobs = events("PiiDiscoveryJob");
        assertThat(jobs).hasSize(1);
        JsonNode event = jobs.get(0);
        assertThat(event.path("responseElements").path("jobId").asString()).isEqualTo(jobId);
        assertThat(event.path("responseElements").path("countsByType")).isEqualTo(report.path("countsByType"));
        assertThat(event.path("requestParameters").path("roots").get(0).asString())
                .isEqualTo(data.toRealPath().toString());
        assertThat(event.path("recipientAccountId").asString()).isEqualTo(ACCOUNT);
        assertThat(event.path("additionalEventData").path("recordedVia").asString()).isEqualTo("local");
        assertThat(event.toString()).doesNotContain("jane.doe").doesNotContain("4111");

        // the trail: digest, validate; a second job; validate again (its log file not yet digested), digest
        out.reset();
        assertThat(run("audit", "digest", "--now", "--home", home.toString(), "--account", ACCOUNT)).isZero();
        out.reset();
        assertThat(run("audit", "validate", "--dir", home.resolve("audit").toString())).as(stdout()).isZero();
        assertThat(scan(data.toString(), "--home", home.toString(), "--account", ACCOUNT, "--no-progress"))
                .isZero();
        out.reset();
        assertThat(run("audit", "validate", "--dir", home.resolve("audit").toString())).as(stdout()).isZero();
        assertThat(stdout()).startsWith("VALID").contains("not yet digested: events-");
        assertThat(run("audit", "digest", "--now", "--home", home.toString(), "--account", ACCOUNT)).isZero();
        out.reset();
        assertThat(run("audit", "validate", "--dir", home.resolve("audit").toString())).as(stdout()).isZero();
        assertThat(stdout()).startsWith("VALID").contains("checked 2 digests").doesNotContain("not yet digested");
        assertThat(events("PiiDiscoveryJob")).hasSize(2);
    }

    @Test
    void jsonFormatPrintsTheReportAndReportDirIsHonoured() throws IOException {
        Path reports = home.resolve("elsewhere");
        assertThat(scan(data.resolve("customers.csv").toString(), "--format", "json", "--report-dir",
                reports.toString(), "--home", home.toString(), "--account", ACCOUNT)).as(stderr()).isZero();
        JsonNode report = JSON.readTree(stdout());
        assertThat(report.path("countsByType").toString()).isEqualTo("{\"EMAIL\":2}");
        JsonNode file = report.path("files").get(0);
        assertThat(file.path("format").asString()).isEqualTo("CSV");
        assertThat(file.path("fields").path("email").path("EMAIL").asLong()).isEqualTo(2);
        assertThat(file.path("samples").get(0).path("line").asLong()).isEqualTo(2);
        assertThat(file.path("samples").get(0).path("field").asString()).isEqualTo("email");
        assertThat(file.path("samples").get(0).path("byteOffset").asLong())
                .isEqualTo("id,name,email\n1,Jane,".length());
        assertThat(JSON.readTree(reports.resolve("report.json").toFile())).isEqualTo(report);
        assertThat(home.resolve("data/pii-reports")).doesNotExist();
    }

    @Test
    void withoutAWayToRecordTheEventTheJobFailsAndWritesNoReport() throws IOException {
        Path audit = home.resolve("audit");
        try (FileChannel ch = FileChannel.open(audit.resolve(".writer.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            assertThat(held.isValid()).isTrue();
            // a gateway holds the folder and there are no credentials to ask it: refused before scanning
            assertThat(scan(data.toString(), "--home", home.toString(), "--account", ACCOUNT))
                    .isEqualTo(PiiCommand.FAILED);
            assertThat(stderr()).contains("a gateway holds").contains("no credentials");

            // credentials, but nothing answers at --url: the job runs, cannot be recorded, fails
            err.reset();
            Files.createDirectories(home.resolve("keys"));
            Files.writeString(home.resolve("keys/demo-credentials"),
                    "[demo-admin]\naws_access_key_id = AKIAEXAMPLEEXAMPLE01\naws_secret_access_key = secret\n");
            assertThat(scan(k -> null, data.toString(), "--home", home.toString(), "--account", ACCOUNT,
                    "--url", "https://127.0.0.1:9")).isEqualTo(PiiCommand.FAILED);
            assertThat(stderr()).contains("its audit event could not be recorded")
                    .contains("no report was written");
        }
        assertThat(home.resolve("data/pii-reports")).doesNotExist();
        assertThat(stdout()).isEmpty();
        assertThat(AuditLogReader.of(audit).read().records()).isEmpty();
    }

    @Test
    void aGatewayThatStoppedDuringTheJobLeavesTheEventToTheFreeFolder() throws IOException {
        PiiCommand.Scan command = new PiiCommand.Scan();
        new CommandLine(command).parseArgs(data.toString(), "--home", home.toString(), "--account", ACCOUNT, "--url",
                "https://127.0.0.1:9");
        io.mlgate.pii.discovery.DiscoverySummary summary = new io.mlgate.pii.discovery.DiscoverySummary(
                java.util.UUID.randomUUID().toString(), List.of(data.toString()), 1, false, List.of(),
                java.time.Instant.now(), java.time.Instant.now(), 3, 0, 0, 100,
                new java.util.TreeMap<>(Map.of("EMAIL", 2L)));
        // the lock was held when the job began (viaGateway), nothing answers now, and the folder is free
        String how = command.record(summary, home.resolve("audit"), home, true,
                new String[] {"AKIAEXAMPLEEXAMPLE01", "secret", null});
        assertThat(how).contains("written to " + home.resolve("audit"));
        assertThat(events("PiiDiscoveryJob")).singleElement().satisfies(e ->
                assertThat(e.path("responseElements").path("jobId").asString()).isEqualTo(summary.jobId()));
    }

    @Test
    void detectorSettingsComeFromTheGatewaysPropertiesOrMlgatePiiDetectors() throws IOException {
        Files.writeString(data.resolve("staff.txt"), "badge EMP-123456 issued\n");
        Path properties = Files.writeString(home.resolve("application.properties"), """
                mlgate.pii.disabled-types=CREDIT_CARD
                mlgate.pii.custom[0].name=EMPLOYEE_ID
                mlgate.pii.custom[0].pattern=EMP-[0-9]{6}
                """);
        assertThat(scan(data.toString(), "--format", "json", "--detectors", properties.toString(), "--home",
                home.toString(), "--account", ACCOUNT)).as(stderr()).isZero();
        JsonNode report = JSON.readTree(stdout());
        assertThat(report.path("countsByType").toString()).isEqualTo("{\"EMAIL\":2,\"EMPLOYEE_ID\":1}");
        assertThat(report.path("detectors").path("custom").get(0).asString()).isEqualTo("EMPLOYEE_ID");

        out.reset();
        assertThat(scan(Map.of("MLGATE_PII_DETECTORS", properties.toString())::get, data.toString(), "--format",
                "json", "--home", home.toString(), "--account", ACCOUNT)).isZero();
        assertThat(JSON.readTree(stdout()).path("countsByType").has("EMPLOYEE_ID")).isTrue();
        assertThat(events("PiiDiscoveryJob").get(1).path("requestParameters").path("customDetectors").get(0)
                .asString()).isEqualTo("EMPLOYEE_ID");
    }

    @Test
    void usageErrors() throws IOException {
        assertThat(scan("--home", home.toString())).isEqualTo(PiiCommand.USAGE);
        assertThat(stderr()).contains("give at least one PATH, or --model-store");
        assertThat(scan(home.resolve("absent").toString(), "--home", home.toString(), "--account", ACCOUNT))
                .isEqualTo(PiiCommand.USAGE);
        assertThat(stderr()).contains("no such file or folder");
        assertThat(scan(data.toString(), "--format", "xml", "--home", home.toString()))
                .isEqualTo(PiiCommand.USAGE);
        Path bad = Files.writeString(home.resolve("d.json"), "{\"custom\": [{\"name\": \"lower\", \"pattern\": \"x\"}]}");
        assertThat(scan(data.toString(), "--detectors", bad.toString(), "--home", home.toString()))
                .isEqualTo(PiiCommand.USAGE);
        assertThat(stderr()).contains("detector settings");
        Path notHome = Files.createDirectories(home.resolve("exports/sub"));
        assertThat(scan(data.toString(), "--home", notHome.toString())).isEqualTo(PiiCommand.USAGE);
        assertThat(stderr()).contains("is not an mlgate home");
        assertThat(AuditLogReader.of(home.resolve("audit")).read().records()).isEmpty();
        assertThat(run("pii", "--help")).isZero();
        assertThat(stdout()).contains("scan");
    }
}
