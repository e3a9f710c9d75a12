package io.mlgate.iam.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.mlgate.iam.json.ConfigurationProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The simulator corpus under src/test/resources/iam/sim/: one JSON file per rule family, each case with a name
 * (unique across the corpus), the reference source it comes from, the simulator input, and what to expect (a decision,
 * optionally a phrase of the explanation, or an input error for policies the simulator must refuse).
 */
final class SimulatorCorpus {

    static final String INPUT_ERROR = "InputError";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One corpus case; {@code decision} is null when the case expects {@code inputError}. */
    record Case(String family, String name, String source, JsonNode input, String decision, String explanationContains,
                String inputError) {

        /** The expected outcome: a decision, or {@link #INPUT_ERROR}. */
        String expected() {
            return decision != null ? decision : INPUT_ERROR;
        }

        String label() {
            return family + ": " + name + " [" + source + "]";
        }
    }

    /** What the simulator made of a case: a decision and its explanation, or INPUT_ERROR and the problems. */
    record Outcome(String decision, String text) {
    }

    private SimulatorCorpus() {
    }

    static Path directory() {
        try {
            return Path.of(SimulatorCorpus.class.getResource("/iam/sim").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every case, in file order then case order. */
    static List<Case> load() {
        List<Case> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = JSON.readTree(Files.readString(f));
                String family = root.get("family").asString();
                for (JsonNode c : root.get("cases")) {
                    JsonNode e = c.get("expect");
                    out.add(new Case(family, c.get("name").asString(), c.get("source").asString(), c.get("input"),
                            text(e, "decision"), text(e, "explanationContains"), text(e, "inputError")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The cases by name; a repeated name is an error. */
    static Map<String, Case> byName(List<Case> cases) {
        Map<String, Case> out = new LinkedHashMap<>();
        for (Case c : cases) {
            if (out.put(c.name(), c) != null) {
                throw new IllegalStateException("corpus case name used twice: " + c.name());
            }
        }
        return out;
    }

    static Outcome run(PolicySimulator simulator, Case c) {
        try {
            List<SimulationResult> results = simulator.simulate(JSON.writeValueAsString(c.input()), c.name());
            if (results.size() != 1) {
                throw new IllegalStateException(c.name() + ": expected one result, got " + results.size());
            }
            return new Outcome(results.get(0).decision(), results.get(0).explanation());
        } catch (SimulationInputException e) {
            return new Outcome(INPUT_ERROR, e.problems().stream().map(ConfigurationProblem::toString).toList().toString());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null ? null : v.asString();
    }
}
