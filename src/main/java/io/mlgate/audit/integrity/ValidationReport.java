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
 */
public record ValidationReport(List<TrailProblem> problems, List<String> information, List<String> notYetDigested,
                               int digestsChecked, int logFilesChecked, long bytesHashed, boolean keysFromFolder) {

    public ValidationReport {
        problems = List.copyOf(problems);
        information = List.copyOf(information);
        notYetDigested = List.copyOf(notYetDigested);
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
