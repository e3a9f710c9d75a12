package io.mlgate.audit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one event log segment, {@code events-<yyyyMMdd'T'HHmmss'Z'>-<seq, at least 6 digits>.jsonl}.
 * Names are issued so that both the sequence number and the text order increase.
 */
record SegmentName(Instant created, long seq) implements Comparable<SegmentName> {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern PATTERN = Pattern.compile("events-(\\d{8}T\\d{6}Z)-(\\d{6,18})\\.jsonl");

    String fileName() {
        return "events-" + STAMP.format(created) + "-" + String.format("%06d", seq) + ".jsonl";
    }

    static SegmentName parse(String fileName) {
        Matcher m = PATTERN.matcher(fileName);
        if (!m.matches()) {
            return null;
        }
        Instant t = STAMP.parse(m.group(1), Instant::from);
        return new SegmentName(t, Long.parseLong(m.group(2)));
    }

    /** The name after {@code previous} (or the first), stamped {@code now} but never earlier than previous. */
    static SegmentName next(SegmentName previous, Instant now) {
        Instant t = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        if (previous == null) {
            return new SegmentName(t, 1);
        }
        if (t.isBefore(previous.created)) {
            t = previous.created;
        }
        return new SegmentName(t, previous.seq + 1);
    }

    /** Segment files in {@code dir} ordered by sequence number. */
    static List<SegmentName> list(Path dir) throws IOException {
        List<SegmentName> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "events-*.jsonl")) {
            for (Path p : ds) {
                SegmentName n = parse(p.getFileName().toString());
                if (n != null && Files.isRegularFile(p)) {
                    out.add(n);
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Override
    public int compareTo(SegmentName o) {
        int c = Long.compare(seq, o.seq);
        return c != 0 ? c : created.compareTo(o.created);
    }
}
