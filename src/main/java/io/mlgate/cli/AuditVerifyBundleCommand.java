package io.mlgate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mlgate.audit.export.BundleProblem;
import io.mlgate.audit.export.BundleVerification;
import io.mlgate.audit.export.BundleVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mlgate audit verify-bundle FILE.zip [--public-keys FILE] [--extract-to DIR]}: checks a bundle written by
 * {@code audit export} offline and prints {@code VALID} or each problem. Exit 0 when valid, 1 when any problem was
 * found, 2 when the bundle or keys file cannot be read.
 */
@Command(name = "verify-bundle", mixinStandardHelpOptions = true,
        description = "Verify an audit export bundle offline: signatures, hashes, digest chain, derived events.")
public final class AuditVerifyBundleCommand implements Callable<Integer> {

    static final int VALID = 0;
    static final int INVALID = 1;
    static final int UNREADABLE = 2;

    @Parameters(index = "0", paramLabel = "FILE.zip", description = "the bundle")
    Path bundle;

    @Option(names = "--public-keys", paramLabel = "FILE",
            description = "trusted public keys (ListPublicKeys JSON, e.g. from `audit public-keys`); without it the "
                    + "bundle's own public-keys.json is used, which proves integrity but not origin")
    Path publicKeys;

    @Option(names = "--extract-to", paramLabel = "DIR",
            description = "extract the bundle there (an empty folder) and keep it; its trail/ is an audit folder copy")
    Path extractTo;

    private final BundleVerifier.TrailCheck trailCheck;

    /** A command running the bundle checks and the trail validator on the bundle's trail copy. */
    public AuditVerifyBundleCommand() {
        this(AuditVerifyBundleCommand::validateTrail);
    }

    /**
     * The full trail validator (signatures, chain, head, key validity) on a bundle's trail copy. A bundle carries only
     * the log files of its range, so log files its digests list but it does not include are expected; every log file
     * it does include has already been checked against its digest by the bundle verifier.
     */
    static java.util.List<String> validateTrail(Path trail) throws IOException {
        io.mlgate.audit.integrity.ValidationReport report = new io.mlgate.audit.integrity.TrailValidator()
                .validate(trail, io.mlgate.audit.integrity.ValidationOptions.defaults().withParallelism(1));
        java.util.List<String> out = new java.util.ArrayList<>();
        for (io.mlgate.audit.integrity.TrailProblem p : report.problems()) {
            if (p.type() != io.mlgate.audit.integrity.ProblemType.MISSING_LOG_FILE) {
                out.add(p.toString());
            }
        }
        return out;
    }

    /** A command that also runs {@code trailCheck} (e.g. the full trail validator) on the extracted trail copy. */
    public AuditVerifyBundleCommand(BundleVerifier.TrailCheck trailCheck) {
        this.trailCheck = trailCheck;
    }

    @Override
    public Integer call() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        BundleVerifier verifier = BundleVerifier.create();
        if (publicKeys != null) {
            verifier = verifier.withTrustedPublicKeys(publicKeys);
        }
        if (trailCheck != null) {
            verifier = verifier.withTrailCheck(trailCheck);
        }
        BundleVerification result;
        try {
            result = extractTo == null ? verifier.verify(bundle) : verifier.verify(bundle, extractTo);
        } catch (IOException | RuntimeException e) {
            err.println("audit verify-bundle: cannot read " + bundle + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            return UNREADABLE;
        }
        String counts = result.logFilesChecked() + " log files, " + result.digestsChecked() + " digests, "
                + result.eventsDerived() + " events re-derived"
                + (publicKeys == null ? "; keys from the bundle itself (give --public-keys to check origin)" : "");
        if (result.valid()) {
            out.println("VALID (" + counts + ")");
            return VALID;
        }
        for (BundleProblem p : result.problems()) {
            out.println(p);
        }
        out.println("INVALID: " + result.problems().size() + " problem(s) (" + counts + ")");
        return INVALID;
    }
}
