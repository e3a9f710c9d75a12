package io.mlgate.iam.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the simulator corpus under src/test/resources/iam/sim/: one file per rule family, each case with its input,
 * the expected decision (and optionally a phrase of the explanation) and the reference key it comes from.
 */
class SimulatorCorpusTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final PolicySimulator simulator = new PolicySimulator();

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        Path dir = Path.of(SimulatorCorpusTest.class.getResource("/iam/sim").toURI());
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = JSON.readTree(Files.readString(f));
                for (JsonNode c : root.get("cases")) {
                    out.add(Arguments.of(root.get("family").asString() + ": " + c.get("name").asString()
                            + " [" + c.get("source").asString() + "]", c));
                }
            }
        }
        assertThat(out).hasSizeGreaterThan(40);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpusCase(String name, JsonNode c) throws Exception {
        List<SimulationResult> results = simulator.simulate(JSON.writeValueAsString(c.get("input")), name);
        assertThat(results).hasSize(1);
        SimulationResult r = results.get(0);
        JsonNode expect = c.get("expect");
        assertThat(r.decision()).as(r.explanation()).isEqualTo(expect.get("decision").asString());
        if (expect.has("explanationContains")) {
            assertThat(r.explanation()).contains(expect.get("explanationContains").asString());
        }
    }
}
