package io.mlgate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.mlgate.iam.policy.PolicyKind;
import io.mlgate.iam.validate.Finding;
import io.mlgate.iam.validate.PolicyValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlgate policy validate FILE...}: prints one line per finding ({@code file:line:col SEVERITY CODE path:
 * message}); exits 0 when no finding is an ERROR, 1 when any is, 2 when a file cannot be read.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Validate IAM policy documents: one line per finding (see docs/policy-validator.md).")
final class PolicyValidateCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int ERRORS = 1;
    static final int UNREADABLE = 2;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "policy documents (JSON)")
    List<Path> files;

    @Option(names = "--kind", defaultValue = "identity", paramLabel = "KIND",
            description = "kind of bare policy documents: identity (default), resource or trust; entity files of policies/ (managed policies, users, groups, roles) are recognised")
    String kind;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PolicyKind policyKind;
        try {
            policyKind = PolicyKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("unknown --kind '" + kind + "' (expected identity, resource or trust)");
            return UNREADABLE;
        }
        boolean unreadable = false;
        boolean errors = false;
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (CharacterCodingException e) {
                err.println("cannot read " + file + ": not UTF-8 text");
                unreadable = true;
                continue;
            } catch (IOException | RuntimeException e) {
                err.println("cannot read " + file + ": " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
                unreadable = true;
                continue;
            }
            List<Finding> findings = PolicyValidator.validateSource(text, file.toString(), policyKind);
            for (Finding f : findings) {
                out.println(f);
            }
            errors |= PolicyValidator.hasErrors(findings);
        }
        out.flush();
        return unreadable ? UNREADABLE : errors ? ERRORS : OK;
    }
}
