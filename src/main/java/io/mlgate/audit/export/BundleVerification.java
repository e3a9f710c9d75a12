package io.mlgate.audit.export;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The result of verifying a bundle: every problem found (none means VALID), the manifest when it could be read, the
 * extracted trail copy (an audit folder holding the bundle's log files, digests, head.json and public-keys.json) for
 * further checks, and what was checked.
 */
public record BundleVerification(List<BundleProblem> problems, BundleManifest manifest, Path trailDirectory,
                                 int logFilesChecked, int digestsChecked, long eventsDerived) {

    public BundleVerification {
        problems = List.copyOf(problems);
    }

    /** True when no problem was found. */
    public boolean valid() {
        return problems.isEmpty();
    }

    /** The manifest, if it could be read (even when its signature failed). */
    public Optional<BundleManifest> manifestIfRead() {
        return Optional.ofNullable(manifest);
    }

    /** True when at least one problem of {@code type} was found. */
    public boolean has(BundleProblem.Type type) {
        return problems.stream().anyMatch(p -> p.type() == type);
    }
}
