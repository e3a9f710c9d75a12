package io.mlgate.gateway;

import io.mlgate.audit.integrity.TrailValidator;
import io.mlgate.audit.integrity.ValidationOptions;
import io.mlgate.audit.integrity.ValidationReport;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Test steps on a stopped gateway's home: write a digest with the CLI, then validate the whole trail. */
final class AuditTrailCheck {

    private AuditTrailCheck() {
    }

    /** Runs {@code mlgate audit digest --now --home HOME}, then validates; fails the test on any problem. */
    static ValidationReport digestAndValidate(Path home) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new io.mlgate.cli.Main()).execute("audit", "digest", "--now", "--home",
                    home.toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(exit).as("audit digest --now: " + out.toString(StandardCharsets.UTF_8)).isZero();
        ValidationReport report = new TrailValidator().validate(home.resolve("audit"), ValidationOptions.defaults());
        assertThat(report.problems()).as("trail problems").isEmpty();
        assertThat(report.notYetDigested()).isEmpty();
        assertThat(report.valid()).isTrue();
        return report;
    }
}
