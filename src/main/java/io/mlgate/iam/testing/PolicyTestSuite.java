package io.mlgate.iam.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed policy test suite file: its cases and, optionally, the policies/ folder it names (resolved against the
 * suite file's folder).
 */
public record PolicyTestSuite(Path file, Optional<Path> policies, List<PolicyTestCase> cases) {

    public PolicyTestSuite {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(policies, "policies");
        cases = List.copyOf(cases);
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("a suite needs at least one case");
        }
    }
}
