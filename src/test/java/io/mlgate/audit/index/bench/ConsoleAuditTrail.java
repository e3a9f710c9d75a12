package io.mlgate.audit.index.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Puts LookupBenchmark's one-million-event trail (16 closed log files, generated once under
 * {@code target/lookup-bench/} and reused) into the {@code audit/} folder of a gateway home, for the end-to-end audit
 * search measurement ({@code bench/console-audit-search.sh}). The gateway needs nothing else to serve these events:
 * closed log files named {@code events-<stamp>-<seq>.jsonl.gz} with sequence numbers 1..16 in the documented
 * multi-member gzip format; it continues with segment 17, indexes the files in the background at start, and its first
 * digest (at the next period or at shutdown) covers them. No digests, keys or index are copied. The files are
 * hard-linked when the file system allows it (the gateway never rewrites a closed log file), else copied.
 *
 * <p>Usage: {@code ConsoleAuditTrail AUDIT_DIR}; refuses an audit folder that already holds log files. Prints the
 * trail's facts as {@code key=value} lines for the calling script.
 */
public final class ConsoleAuditTrail {

    private ConsoleAuditTrail() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ConsoleAuditTrail AUDIT_DIR");
            System.exit(2);
        }
        Path target = Path.of(args[0]);
        Files.createDirectories(target);
        boolean hasLogs;
        try (var s = Files.list(target)) {
            hasLogs = s.anyMatch(p -> p.getFileName().toString().startsWith("events-"));
        }
        if (hasLogs) {
            System.err.println(target + " already holds log files: use a fresh home");
            System.exit(1);
        }
        long started = System.nanoTime();
        Path source = LookupBenchmark.folder();
        List<Path> files;
        try (var s = Files.list(source)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl.gz")).sorted().toList();
        }
        if (files.size() != LookupBenchmark.FILES) {
            throw new IllegalStateException("expected " + LookupBenchmark.FILES + " log files in " + source
                    + ", found " + files.size() + ": delete " + LookupBenchmark.ROOT + " and run again");
        }
        long bytes = 0;
        boolean linked = true;
        for (Path f : files) {
            Path to = target.resolve(f.getFileName());
            try {
                Files.createLink(to, f);
            } catch (IOException | UnsupportedOperationException e) {
                linked = false;
                Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
            bytes += Files.size(to);
        }
        long middle = LookupBenchmark.T0.getEpochSecond() + LookupBenchmark.SPAN_SECONDS / 2;
        System.out.println("events=" + LookupBenchmark.EVENTS);
        System.out.println("files=" + files.size());
        System.out.println("gzipBytes=" + bytes);
        System.out.println("placement=" + (linked ? "hard links" : "copies"));
        System.out.println("firstEventTime=" + LookupBenchmark.T0);
        System.out.println("spanSeconds=" + LookupBenchmark.SPAN_SECONDS);
        System.out.println("middleEpochSeconds=" + middle);
        System.out.println("rareAccessKeyId=" + LookupBenchmark.RARE_KEY);
        System.out.println("rareUserName=" + LookupBenchmark.RARE_USER);
        System.out.println("rareEvents=" + LookupBenchmark.EVENTS / LookupBenchmark.RARE_EVERY);
        System.out.println("onePercentEventName=CreateEndpoint");
        System.out.println("seconds=" + (System.nanoTime() - started) / 1_000_000_000L);
    }
}
