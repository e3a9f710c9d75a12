package io.mlgate.audit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one event log segment, {@code events-<yyyyMMdd'T'HHmmss'Z'>-<seq, at least 6 digits>.jsonl}; once
 * closed the same name with {@code .gz} appended, written first as {@code .jsonl.gz.tmp}. Names are issued so that
 * both the sequence number and the text order increase.
 */
record SegmentName(Instant created, long seq) implements Comparable<SegmentName> {

    /** The kinds of file one segment name can have on disk. */
    enum Kind {
        /** {@code .jsonl}: the active segment, or one rolled but not yet compressed. */
        OPEN(".jsonl"),
        /** {@code .jsonl.gz}: a closed log file. */
        CLOSED(".jsonl.gz"),
        /** {@code .jsonl.gz.tmp}: a compression in progress (or abandoned by a crash). */
        TEMPORARY(".jsonl.gz.tmp");

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }
    }

    /** One segment file found on disk. */
    record File(SegmentName name, Kind kind) {
        String fileName() {
            return name.fileName(kind);
        }
    }

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern PATTERN =
            Pattern.compile("events-(\\d{8}T\\d{6}Z)-(\\d{6,18})(\\.jsonl(?:\\.gz(?:\\.tmp)?)?)");

    /** The {@code .jsonl} name. */
    String fileName() {
        return fileName(Kind.OPEN);
    }

    String fileName(Kind kind) {
        return "events-" + STAMP.format(created) + "-" + String.format("%06d", seq) + kind.suffix;
    }

    /** The name of a {@code .jsonl} file, or null if {@code fileName} is not one. */
    static SegmentName parse(String fileName) {
        File f = parseFile(fileName);
        return f != null && f.kind() == Kind.OPEN ? f.name() : null;
    }

    /** The name and kind of any segment file ({@code .jsonl}, {@code .jsonl.gz}, {@code .jsonl.gz.tmp}), or null. */
    static File parseFile(String fileName) {
        Matcher m = PATTERN.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        Instant t = STAMP.parse(m.group(1), Instant::from);
        SegmentName name = new SegmentName(t, Long.parseLong(m.group(2)));
        String suffix = m.group(3);
        for (Kind k : Kind.values()) {
            if (k.suffix.equals(suffix)) {
                return new File(name, k);
            }
        }
        return null; // unreachable: the pattern admits only the three suffixes
    }

    /** The name after {@code previous} (or the first), stamped {@code now} but never earlier than previous. */
    static SegmentName next(SegmentName previous, Instant now) {
        Instant t = now.truncatedTo(ChronoUnit.SECONDS);
        if (previous == null) {
            return new SegmentName(t, 1);
        }
        if (t.isBefore(previous.created)) {
            t = previous.created;
        }
        return new SegmentName(t, previous.seq + 1);
    }

    /** {@code .jsonl} segment files in {@code dir} ordered by sequence number. */
    static List<SegmentName> list(Path dir) throws IOException {
        List<SegmentName> out = new ArrayList<>();
        for (File f : listFiles(dir)) {
            if (f.kind() == Kind.OPEN) {
                out.add(f.name());
            }
        }
        return out;
    }

    /** Every segment file of any kind in {@code dir}, ordered by sequence number, then kind. */
    static List<File> listFiles(Path dir) throws IOException {
        List<File> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "events-*")) {
            for (Path p : ds) {
                File f = parseFile(p.getFileName().toString());
                if (f != null && Files.isRegularFile(p)) {
                    out.add(f);
                }
            }
        }
        out.sort(Comparator.comparing(File::name).thenComparing(File::kind));
        return out;
    }

    @Override
    public int compareTo(SegmentName o) {
        int c = Long.compare(seq, o.seq);
        return c != 0 ? c : created.compareTo(o.created);
    }
}
