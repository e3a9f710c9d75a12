package io.mlgate.iam.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceReaderTest {

    @Test
    void valuesAndMemberNamesCarryLineAndColumn() {
        Diagnostics d = new Diagnostics();
        SourceValue root = SourceReader.read("{\n  \"a\": [1, \"x\",\n        {\"b\": true}]\n}", "f.json", d);
        assertThat(d.hasErrors()).isFalse();
        SourceValue.Obj obj = (SourceValue.Obj) root;
        SourceValue.Member a = obj.member("a").orElseThrow();
        assertThat(a.namePosition()).isEqualTo(new SourcePosition("f.json", 2, 3));
        SourceValue.Arr arr = (SourceValue.Arr) a.value();
        assertThat(arr.position()).isEqualTo(new SourcePosition("f.json", 2, 8));
        assertThat(arr.elements().get(1)).isEqualTo(new SourceValue.Str(new SourcePosition("f.json", 2, 12), "x"));
        SourceValue.Obj inner = (SourceValue.Obj) arr.elements().get(2);
        assertThat(inner.position()).isEqualTo(new SourcePosition("f.json", 3, 9));
        assertThat(inner.member("b").orElseThrow().value()).isInstanceOf(SourceValue.Bool.class);
        assertThat(((SourceValue.Num) arr.elements().get(0)).text()).isEqualTo("1");
    }

    @Test
    void duplicateKeysAreReportedAtTheSecondOccurrenceAndReadingContinues() {
        Diagnostics d = new Diagnostics();
        SourceValue root = SourceReader.read("{\"k\": 1,\n \"n\": {\"x\": 1, \"x\": 2},\n \"k\": 3}", "f.json", d);
        assertThat(root).isNotNull();
        assertThat(d.problems()).extracting(Object::toString).containsExactly(
                "f.json:2:16: duplicate key 'x' (first defined at line 2)",
                "f.json:3:2: duplicate key 'k' (first defined at line 1)");
        assertThat(((SourceValue.Num) ((SourceValue.Obj) root).member("k").orElseThrow().value()).text()).isEqualTo("1");
    }

    @Test
    void syntaxErrorsAndTrailingContentAreProblemsNotExceptions() {
        Diagnostics d = new Diagnostics();
        assertThat(SourceReader.read("{\"a\": tru}", "f.json", d)).isNull();
        assertThat(d.problems()).singleElement().satisfies(p -> {
            assertThat(p.position().line()).isEqualTo(1);
            assertThat(p.message()).startsWith("malformed JSON");
        });
        Diagnostics d2 = new Diagnostics();
        SourceReader.read("{}\n{}", "g.json", d2);
        assertThat(d2.problems()).singleElement().hasToString("g.json:2:1: unexpected content after the end of the document");
        Diagnostics d3 = new Diagnostics();
        assertThat(SourceReader.read("  ", "h.json", d3)).isNull();
        assertThat(d3.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("empty document"));
    }
}
