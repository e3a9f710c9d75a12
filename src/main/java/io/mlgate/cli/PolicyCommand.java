package io.mlgate.cli;

import io.mlgate.iam.guardrail.GuardrailConfigurationException;
import io.mlgate.iam.guardrail.GuardrailSet;
import io.mlgate.iam.json.ConfigurationProblem;
import io.mlgate.iam.sim.PolicySimulator;
import io.mlgate.iam.sim.SimulationInputException;
import io.mlgate.iam.sim.SimulationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mlgate policy}: offline tools for IAM policies; {@code simulate} evaluates requests against given policies. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "IAM policy tools.",
        subcommands = {PolicyCommand.Simulate.class, PolicyValidateCommand.class, PolicyTestCommand.class})
final class PolicyCommand implements Runnable {

    /** Exit code for input that cannot be simulated (malformed JSON, unknown fields, invalid policies). */
    static final int INVALID_INPUT = 2;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /**
     * {@code mlgate policy simulate --input FILE|-}: prints one JSON result per input, each on its own line; exits 0
     * whatever the decisions and 2 for invalid input (problems on stderr).
     */
    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = "Simulate IAM authorization: one JSON result line per input (see docs/policy-simulator.md).")
    static final class Simulate implements Callable<Integer> {

        @Option(names = "--input", required = true, paramLabel = "FILE",
                description = "simulation input: a JSON object, a JSON array of objects, or JSON Lines; - for stdin")
        String input;

        @Option(names = "--opa", paramLabel = "DIR",
                description = "also ask the OPA guardrails of this folder (a policies/ folder, whose opa/ is used, or an opa/ folder itself) when IAM allows; each result then shows both decisions")
        Path opaDir;

        @picocli.CommandLine.Mixin
        OpaOptions opa = new OpaOptions();

        @Override
        public Integer call() {
            PrintStream out = System.out;
            PrintStream err = System.err;
            String text;
            String name;
            try {
                if ("-".equals(input)) {
                    text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
                    name = "<stdin>";
                } else {
                    text = Files.readString(Path.of(input), StandardCharsets.UTF_8);
                    name = input;
                }
            } catch (IOException | RuntimeException e) {
                err.println("cannot read simulation input " + input + ": " + e.getMessage());
                return INVALID_INPUT;
            }
            List<SimulationResult> results;
            GuardrailSet guardrails = null;
            try {
                if (opaDir != null || opa.url != null) {
                    guardrails = GuardrailSet.load(policiesFolder(opaDir), opa.settings());
                }
                results = (guardrails == null ? new PolicySimulator() : new PolicySimulator(guardrails))
                        .simulate(text, name);
            } catch (GuardrailConfigurationException e) {
                err.println("invalid OPA guardrails (" + e.problems().size()
                        + (e.problems().size() == 1 ? " problem" : " problems") + "):");
                for (String p : e.problems()) {
                    err.println("  " + p);
                }
                return INVALID_INPUT;
            } catch (SimulationInputException e) {
                err.println("invalid simulation input (" + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + "):");
                for (ConfigurationProblem p : e.problems()) {
                    err.println("  " + p);
                }
                return INVALID_INPUT;
            } finally {
                if (guardrails != null) {
                    guardrails.close();
                }
            }
            for (SimulationResult r : results) {
                out.println(r.toJson());
            }
            out.flush();
            return 0;
        }

        /** The policies folder whose opa/ holds the guardrails: DIR itself, or its parent when DIR is an opa/ folder. */
        private static Path policiesFolder(Path dir) {
            if (dir == null) {
                return null; // only the OPA server of --opa-url
            }
            if (!Files.isDirectory(dir.resolve(GuardrailSet.DIRECTORY))
                    && GuardrailSet.DIRECTORY.equals(String.valueOf(dir.toAbsolutePath().normalize().getFileName()))) {
                return dir.toAbsolutePath().normalize().getParent();
            }
            return dir;
        }
    }
}
