package io.mlgate.audit.integrity;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The outcome of validating an audit trail: every problem found (none when valid), information that is not a
 * problem (keys taken from the folder, periods removed by retention, log files not yet digested), and what was
 * checked.
 *
 * @param problems       every problem, in the order found
 * @param information    remarks that do not make the trail invalid
 * @param notYetDigested closed or open log files newer than the newest digest (not a problem)
 * @param digestsChecked digests examined in the requested range
 * @param logFilesChecked log files hashed
 * @param bytesHashed    uncompressed log bytes hashed
 * @param keysFromFolder whether the public keys came from the validated folder itself (no external trust anchor)
 * @param checkedDigests  the digests examined in the requested range (paths relative to the audit folder)
 * @param checkedLogFiles the log files hashed against their digest (names relative to the audit folder)
 */
public record ValidationReport(List<TrailProblem> problems, List<String> information, List<String> notYetDigested,
                               int digestsChecked, int logFilesChecked, long bytesHashed, boolean keysFromFolder,
                               List<String> checkedDigests, List<String> checkedLogFiles) {

    public ValidationReport {
        problems = List.copyOf(problems);
        information = List.copyOf(information);
        notYetDigested = List.copyOf(notYetDigested);
        checkedDigests = List.copyOf(checkedDigests);
        checkedLogFiles = List.copyOf(checkedLogFiles);
    }

    /** A report that does not list the files it examined. */
    public ValidationReport(List<TrailProblem> problems, List<String> information, List<String> notYetDigested,
                            int digestsChecked, int logFilesChecked, long bytesHashed, boolean keysFromFolder) {
        this(problems, information, notYetDigested, digestsChecked, logFilesChecked, bytesHashed, keysFromFolder,
                List.of(), List.of());
    }

    /** True when no problem was found. */
    public boolean valid() {
        return problems.isEmpty();
    }

    /** The distinct kinds of problem found. */
    public Set<ProblemType> problemTypes() {
        Set<ProblemType> types = EnumSet.noneOf(ProblemType.class);
        problems.forEach(p -> types.add(p.type()));
        return types;
    }
}
