package io.mlgate.cli;

import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.vpc.NetnsPlan;
import io.mlgate.vpc.NetnsRunner;
import io.mlgate.vpc.Topology;
import io.mlgate.vpc.TopologyReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mlgate vpc up|down|status|exec}: realises a topology file with network namespaces (docs/vpc.md). Root
 * only, except {@code --dry-run}, which prints the commands.
 */
@Command(name = "vpc", mixinStandardHelpOptions = true,
        description = "Simulate a VPC with network namespaces (see docs/vpc.md).",
        subcommands = {VpcCommand.Up.class, VpcCommand.Down.class, VpcCommand.Status.class, VpcCommand.Exec.class})
final class VpcCommand implements Runnable {

    /** Exit code: done. */
    static final int OK = 0;
    /** Exit code: a command failed (the simulation may be half-made: run down). */
    static final int FAILED = 1;
    /** Exit code: bad usage or an invalid topology. */
    static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every subcommand shares. */
    abstract static class Base implements Callable<Integer> {
        @Option(names = "--topology", required = true, description = "the topology file (e.g. vpc-sim/topologies/demo.json)")
        Path topology;

        @Option(names = "--state-dir", description = "where state files go (default: ${DEFAULT-VALUE})",
                defaultValue = "/run/mlgate-vpc")
        Path stateDir;

        PrintStream out = System.out;
        PrintStream err = System.err;

        /** The validated topology, or {@code null} after printing why not. */
        Topology topology() {
            try {
                return TopologyReader.read(topology);
            } catch (IOException e) {
                err.println("vpc: cannot read " + topology + ": " + e.getMessage());
            } catch (ConfigurationException e) {
                err.println("vpc: " + topology + " is invalid: " + e.getMessage());
            }
            return null;
        }

        static boolean root() {
            return "root".equals(System.getProperty("user.name"));
        }

        Integer needRoot() {
            err.println("vpc: network namespaces need root (use --dry-run to see the commands)");
            return USAGE;
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Create the namespaces, links, routes and firewall rules (removes an earlier run first).")
    static final class Up extends Base {
        @Option(names = "--dry-run", description = "print the commands instead of running them")
        boolean dryRun;

        @Override
        public Integer call() throws InterruptedException {
            Topology t = topology();
            if (t == null) {
                return USAGE;
            }
            if (!dryRun && !root()) {
                return needRoot();
            }
            NetnsRunner runner = new NetnsRunner(stateDir, out, dryRun);
            try {
                runner.up(t);
                return OK;
            } catch (IOException e) {
                err.println("vpc up: " + e.getMessage() + "\nvpc up: the simulation is half-made; `vpc down` removes it");
                return FAILED;
            }
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Remove everything up made (and any leftover mlgvpc-* namespace).")
    static final class Down extends Base {
        @Option(names = "--dry-run", description = "print the commands instead of running them")
        boolean dryRun;

        @Override
        public Integer call() throws InterruptedException {
            Topology t = topology();
            if (t == null) {
                return USAGE;
            }
            if (!dryRun && !root()) {
                return needRoot();
            }
            try {
                new NetnsRunner(stateDir, out, dryRun).down(t);
                return OK;
            } catch (IOException e) {
                err.println("vpc down: " + e.getMessage());
                return FAILED;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show each namespace and its addresses.")
    static final class Status extends Base {
        @Override
        public Integer call() throws InterruptedException {
            Topology t = topology();
            if (t == null) {
                return USAGE;
            }
            if (!root()) {
                return needRoot();
            }
            try {
                new NetnsRunner(stateDir, out, false).status(t).forEach(out::println);
                return OK;
            } catch (IOException e) {
                err.println("vpc status: " + e.getMessage());
                return FAILED;
            }
        }
    }

    @Command(name = "exec", mixinStandardHelpOptions = true,
            description = "Run a command in a host's namespace: vpc exec --topology F --host H -- CMD [ARGS...]")
    static final class Exec extends Base {
        @Option(names = "--host", required = true, description = "the host (its namespace is mlgvpc-HOST)")
        String host;

        @Parameters(arity = "1..*", paramLabel = "CMD", description = "the command and its arguments")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() throws InterruptedException {
            Topology t = topology();
            if (t == null) {
                return USAGE;
            }
            if (t.host(host).isEmpty()) {
                err.println("vpc exec: the topology has no host '" + host + "'");
                return USAGE;
            }
            if (!root()) {
                return needRoot();
            }
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", NetnsPlan.namespace(host)));
            argv.addAll(command);
            try {
                return new ProcessBuilder(argv).inheritIO().start().waitFor();
            } catch (IOException e) {
                err.println("vpc exec: " + e.getMessage());
                return FAILED;
            }
        }
    }
}
