package io.mlgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code mlgate} command line: {@code serve}, {@code demo}, {@code bench}, {@code policy}, {@code iam},
 * {@code kms}, {@code model}, {@code audit}, {@code batch-transform}, {@code ab}, {@code capture}, {@code pii},
 * {@code cluster}.
 */
@Command(name = "mlgate", mixinStandardHelpOptions = true, version = "mlgate 0.1.0",
        description = "Security and governance gateway for ML endpoints.",
        subcommands = {ServeCommand.class, DemoCommand.class, BenchCommand.class, PolicyCommand.class,
                IamCommand.class, KmsCommand.class, ModelCommand.class, AuditCommand.class,
                BatchTransformCommand.class, AbCommand.class, CaptureCommand.class,
                PiiCommand.class, ClusterCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int exit = new CommandLine(new Main()).execute(args);
        if (exit != 0 || (args.length > 0 && !"serve".equals(args[0]))) {
            System.exit(exit);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The folder relative paths resolve against: $MLGATE_HOME (set by ./mlgate) or the working directory. */
    static String defaultHome() {
        String home = System.getenv("MLGATE_HOME");
        return home == null || home.isBlank() ? "." : home;
    }
}
