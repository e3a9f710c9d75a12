package io.mlgate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;

import io.mlgate.audit.export.BundleSigningKey;
import io.mlgate.audit.export.BundleWriter;
import io.mlgate.audit.export.EventFilter;
import io.mlgate.audit.export.ExportFormat;
import io.mlgate.audit.export.ExportPlan;
import io.mlgate.audit.export.ExportQuery;
import io.mlgate.audit.export.ExportSummary;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlgate audit export --from T --to T [--filter KEY=VALUE ...] --format jsonl|csv|ocsf --out FILE.zip}: writes
 * a signed compliance bundle of the audit folder (see docs/audit-trail.md); {@code audit verify-bundle} checks it.
 * Exit 0 when written, 1 when the export failed, 2 for bad usage.
 *
 * <p>The manifest is signed with the audit signing key: by default the key the {@link SigningKeySource} given to the
 * constructor loads from the home folder (the sealed keys/ store); {@code --signing-key FILE} (a PEM RSA private
 * key) takes precedence, for exports made away from the gateway's keys.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a signed, self-contained bundle of the audit trail for a time range.")
public final class AuditExportCommand implements Callable<Integer> {

    /** Loads the current audit signing key of a home folder (unlocking its keys/ store as the other commands do). */
    @FunctionalInterface
    public interface SigningKeySource {
        BundleSigningKey load(Path home) throws Exception;
    }

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
    Path home;

    @Option(names = "--dir", paramLabel = "DIR", description = "audit folder (default: <home>/audit)")
    Path dir;

    @Option(names = "--from", required = true, paramLabel = "TIME",
            description = "range start, ISO-8601 (2026-11-26T16:00:00Z) or a date (start of that UTC day)")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TIME",
            description = "range end, inclusive, ISO-8601 or a date (end of that UTC day)")
    String to;

    @Option(names = "--filter", paramLabel = "KEY=VALUE",
            description = "EventName, EventSource, Username, AccessKeyId, ResourceName, ResourceType, ReadOnly, "
                    + "EventId or EventCategory (Management|Data); repeat to AND several")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "FORMAT",
            description = "events file format: jsonl (records as stored), csv or ocsf (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--out", required = true, paramLabel = "FILE.zip", description = "the bundle to write")
    Path out;

    @Option(names = "--force", description = "replace an existing --out file")
    boolean force;

    @Option(names = "--signing-key", paramLabel = "PEM",
            description = "PEM RSA private key to sign the manifest with, instead of the home's audit signing key")
    Path signingKeyPem;

    @Option(names = "--no-progress", description = "do not draw a progress bar on stderr")
    boolean noProgress;

    private final SigningKeySource signingKeys;
    private final Clock clock;

    /** A command that signs with the home folder's audit signing key (keys/ unlocked as the gateway does). */
    public AuditExportCommand() {
        this(AuditExportCommand::homeSigningKey, Clock.systemUTC());
    }

    /** The current audit signing key of {@code home}: the root key unlocked from the environment's protector. */
    static BundleSigningKey homeSigningKey(Path home) throws Exception {
        Path keys = home.resolve("keys");
        io.mlgate.kms.RootKey root = io.mlgate.kms.RootKey.unlock(
                io.mlgate.kms.root.RootKeySettings.fromEnvironment(System::getenv), keys);
        io.mlgate.audit.integrity.SigningKey key = io.mlgate.audit.integrity.AuditSigningKeys
                .loadOrCreate(keys, root, Clock.systemUTC()).current();
        return new BundleSigningKey(key::sign, key.fingerprint());
    }

    /** A command that loads the audit signing key of the home folder with {@code signingKeys}. */
    public AuditExportCommand(SigningKeySource signingKeys) {
        this(signingKeys, Clock.systemUTC());
    }

    AuditExportCommand(SigningKeySource signingKeys, Clock clock) {
        this.signingKeys = signingKeys;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintStream stdout = System.out;
        PrintStream err = System.err;
        Path homeDir = home != null ? home : Path.of(Main.defaultHome());
        Path auditDir = dir != null ? dir : homeDir.resolve("audit");
        ExportQuery query;
        try {
            List<EventFilter> parsed = new ArrayList<>();
            for (String f : filters) {
                parsed.add(EventFilter.parse(f));
            }
            query = new ExportQuery(parseTime(from, false), parseTime(to, true), parsed,
                    ExportFormat.fromWireName(format));
        } catch (IllegalArgumentException e) {
            err.println("audit export: " + e.getMessage());
            return USAGE;
        }
        if (Files.exists(out) && !force) {
            err.println("audit export: " + out + " exists (use --force to replace it)");
            return USAGE;
        }
        BundleSigningKey key;
        try {
            key = signingKey(homeDir);
        } catch (Exception e) {
            err.println("audit export: cannot load the audit signing key (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            return FAILED;
        }
        if (key == null) {
            err.println("audit export: no audit signing key: give --signing-key PEM");
            return USAGE;
        }
        try {
            BundleWriter writer = BundleWriter.of(auditDir, key, clock);
            ExportPlan plan = writer.plan(query);
            ExportSummary summary;
            if (noProgress || plan.totalBytes() == 0) {
                summary = writer.write(plan, out, n -> { });
            } else {
                try (ProgressBar bar = new ProgressBarBuilder().setTaskName("export")
                        .setInitialMax(plan.totalBytes()).setUnit("MiB", 1 << 20)
                        .setConsumer(System.console() == null
                                ? new ConsoleProgressBarConsumer(err, 100) // not a terminal: no width probing
                                : new ConsoleProgressBarConsumer(err)).build()) {
                    LongConsumer progress = bar::stepTo;
                    summary = writer.write(plan, out, progress);
                }
            }
            stdout.println("wrote " + summary.bundle() + ": " + summary.eventCount() + " events ("
                    + query.format().wireName() + ") from " + summary.logFiles().size() + " log files, "
                    + summary.digests().size() + " digests; manifest SHA-256 " + summary.manifestSha256());
            if (!summary.notYetDigested().isEmpty()) {
                err.println("note: " + summary.notYetDigested().size() + " newer segment(s) are not covered by a "
                        + "digest yet and were not exported (run `audit digest --now` to include them): "
                        + String.join(", ", summary.notYetDigested()));
            }
            return OK;
        } catch (IOException | RuntimeException e) {
            err.println("audit export failed: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
            return FAILED;
        }
    }

    private BundleSigningKey signingKey(Path homeDir) throws Exception {
        if (signingKeyPem != null) {
            return BundleSigningKey.of(readPem(signingKeyPem));
        }
        return signingKeys == null ? null : signingKeys.load(homeDir);
    }

    /** Reads a PEM RSA private key (PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"); never echoes its content. */
    static PrivateKey readPem(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(file + " holds no unencrypted PEM private key");
        }
    }

    /** An ISO-8601 instant or offset date-time, or a date (its first or, for an end, last second in UTC). */
    static Instant parseTime(String text, boolean end) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            // try a date
        }
        try {
            LocalDate d = LocalDate.parse(text);
            return end ? d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1)
                    : d.atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an ISO-8601 time or date: " + text);
        }
    }
}
