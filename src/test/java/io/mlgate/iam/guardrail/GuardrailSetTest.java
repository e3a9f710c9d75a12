package io.mlgate.iam.guardrail;

import static io.mlgate.iam.guardrail.GuardrailFixtures.ALICE;
import static io.mlgate.iam.guardrail.GuardrailFixtures.ALICE_ADMIN;
import static io.mlgate.iam.guardrail.GuardrailFixtures.BOB;
import static io.mlgate.iam.guardrail.GuardrailFixtures.BOB_ADMIN;
import static io.mlgate.iam.guardrail.GuardrailFixtures.ENTRYPOINT;
import static io.mlgate.iam.guardrail.GuardrailFixtures.MANIFEST;
import static io.mlgate.iam.guardrail.GuardrailFixtures.demoBundle;
import static io.mlgate.iam.guardrail.GuardrailFixtures.demoWasm;
import static io.mlgate.iam.guardrail.GuardrailFixtures.opaDir;
import static io.mlgate.iam.guardrail.GuardrailFixtures.settings;
import static io.mlgate.iam.guardrail.GuardrailFixtures.writeBare;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.mlgate.iam.guardrail.GuardrailDecision.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading policies/opa/ (bare modules and bundles), combining decisions, atomic reloads, the external hook. */
class GuardrailSetTest {

    @TempDir
    Path root;

    private static GuardrailResult decide(GuardrailSet set, GuardrailInput input) throws Exception {
        return set.evaluate(input).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aMissingOrEmptyFolderMeansNoGuardrails() throws Exception {
        try (GuardrailSet set = GuardrailSet.load(root, settings())) {
            assertThat(set.isEmpty()).isTrue();
            assertThat(set.names()).isEmpty();
            assertThat(set.evaluate(ALICE)).isSameAs(set.evaluate(BOB)); // no allocation
            assertThat(set.evaluate(ALICE).join()).isSameAs(GuardrailResult.NONE);
        }
        opaDir(root);
        Files.writeString(root.resolve("opa/README.md"), "sources and docs are ignored");
        try (GuardrailSet set = GuardrailSet.load(root, settings())) {
            assertThat(set.isEmpty()).isTrue();
            assertThat(decide(set, ALICE).evaluated()).isFalse();
        }
    }

    @Test
    void aBareModuleWithItsDataDecidesOnTheInput() throws Exception {
        writeBare(root, "demo", ALICE_ADMIN);
        try (GuardrailSet set = GuardrailSet.load(root, settings())) {
            assertThat(set.names()).containsExactly("opa:demo.wasm");
            assertThat(set.isEmpty()).isFalse();
            GuardrailResult alice = decide(set, ALICE);
            assertThat(alice.allowed()).isTrue();
            assertThat(alice.evaluated()).isTrue();
            GuardrailResult bob = decide(set, BOB);
            assertThat(bob.allowed()).isFalse();
            assertThat(bob.failedClosed()).isFalse();
            assertThat(bob.reasons()).containsExactly(OpaResults.NO_REASON);
            assertThat(bob.denials()).extracting(GuardrailDecision::guardrail).containsExactly("opa:demo.wasm");
        }
    }

    @Test
    void aBundleGivesModuleDataAndEntrypoint() throws Exception {
        Files.write(opaDir(root).resolve("guardrail.tar.gz"), demoBundle(ALICE_ADMIN, MANIFEST));
        try (GuardrailSet set = GuardrailSet.load(root, settings())) {
            assertThat(set.names()).containsExactly("opa:guardrail.tar.gz");
            assertThat(decide(set, ALICE).allowed()).isTrue();
            assertThat(decide(set, BOB).allowed()).isFalse();
        }
    }

    @Test
    void aBundleWhoseManifestNamesAnUnknownEntrypointIsAProblemNamingTheFile() throws Exception {
        Files.write(opaDir(root).resolve("guardrail.tar.gz"),
                demoBundle(ALICE_ADMIN, MANIFEST.replace(ENTRYPOINT, "mlgate/guardrail/allow")));
        assertThatThrownBy(() -> GuardrailSet.load(root, settings()))
                .isInstanceOf(GuardrailConfigurationException.class)
                .satisfies(e -> assertThat(((GuardrailConfigurationException) e).problems()).singleElement()
                        .asString().startsWith("opa/guardrail.tar.gz: ").contains("mlgate/guardrail/allow"));
    }

    @Test
    void theConfiguredEntrypointMustExistInEveryModule() throws Exception {
        writeBare(root, "demo", ALICE_ADMIN);
        try (GuardrailSet set = GuardrailSet.load(root, settings().withEntrypoint(ENTRYPOINT))) {
            assertThat(decide(set, ALICE).allowed()).isTrue();
        }
        assertThatThrownBy(() -> GuardrailSet.load(root, settings().withEntrypoint("mlgate/guardrail")))
                .isInstanceOf(GuardrailConfigurationException.class)
                .hasMessageContaining("opa/demo.wasm: the entrypoint mlgate/guardrail is not in the module");
    }

    @Test
    void bundlesWithoutModuleOrWithUnsafeOrUnexpectedEntriesAreProblems() throws Exception {
        Path dir = opaDir(root);
        Map<String, byte[]> noModule = new LinkedHashMap<>();
        noModule.put("/.manifest", MANIFEST.getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("a.tar.gz"), GuardrailFixtures.bundle(noModule));
        Map<String, byte[]> unsafe = new LinkedHashMap<>();
        unsafe.put("/policy.wasm", demoWasm());
        unsafe.put("/../../etc/cron.d/x", "x".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("b.tar.gz"), GuardrailFixtures.bundle(unsafe));
        Map<String, byte[]> nestedData = new LinkedHashMap<>();
        nestedData.put("/policy.wasm", demoWasm());
        nestedData.put("/mlgate/data.json", "{}".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("c.tar.gz"), GuardrailFixtures.bundle(nestedData));
        assertThatThrownBy(() -> GuardrailSet.load(root, settings()))
                .isInstanceOf(GuardrailConfigurationException.class)
                .satisfies(e -> assertThat(((GuardrailConfigurationException) e).problems()).satisfiesExactly(
                        p -> assertThat(p).startsWith("opa/a.tar.gz: ").contains("no Wasm module"),
                        p -> assertThat(p).startsWith("opa/b.tar.gz: ").contains("not a safe relative path"),
                        p -> assertThat(p).startsWith("opa/c.tar.gz: ").contains("not at the bundle root")));
    }

    @Test
    void everyProblemIsCollectedAndNamesItsFile() throws Exception {
        Path dir = opaDir(root);
        Files.write(dir.resolve("bad.wasm"), "not wasm".getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("notes.txt"), "?");
        Files.writeString(dir.resolve("orphan.data.json"), "{}");
        writeBare(root, "good", "[]");
        Files.writeString(dir.resolve("policy.rego"), "package x");
        Files.writeString(dir.resolve(".hidden"), "ignored");
        Files.createDirectories(dir.resolve("sources"));
        assertThatThrownBy(() -> GuardrailSet.load(root, settings()))
                .isInstanceOf(GuardrailConfigurationException.class)
                .satisfies(e -> assertThat(((GuardrailConfigurationException) e).problems()).satisfiesExactly(
                        p -> assertThat(p).startsWith("opa/bad.wasm: not a usable OPA Wasm module"),
                        p -> assertThat(p).startsWith("opa/good.wasm: ").contains("not a JSON object"),
                        p -> assertThat(p).startsWith("opa/notes.txt: not a guardrail"),
                        p -> assertThat(p).startsWith("opa/orphan.data.json: ").contains("without its module")));
    }

    @Test
    void guardrailsRunInFileNameOrderAndAllMustAllow() throws Exception {
        writeBare(root, "b-alice", ALICE_ADMIN);
        Files.write(opaDir(root).resolve("a-bob.tar.gz"), demoBundle(BOB_ADMIN, MANIFEST));
        try (GuardrailSet set = GuardrailSet.load(root, settings())) {
            assertThat(set.names()).containsExactly("opa:a-bob.tar.gz", "opa:b-alice.wasm");
            GuardrailResult alice = decide(set, ALICE);
            assertThat(alice.decisions()).extracting(GuardrailDecision::outcome)
                    .containsExactly(Outcome.DENY, Outcome.ALLOW);
            assertThat(alice.allowed()).isFalse();
            assertThat(alice.denials()).extracting(GuardrailDecision::guardrail).containsExactly("opa:a-bob.tar.gz");
        }
    }

    @Test
    void aReloadSwapsAndABrokenReloadKeepsThePreviousGuardrails() throws Exception {
        writeBare(root, "demo", ALICE_ADMIN);
        try (GuardrailSet set = GuardrailSet.load(root, settings())) {
            WasmGuardrail first = set.wasmGuardrails().get(0);
            Files.writeString(root.resolve("opa/demo.data.json"), BOB_ADMIN);
            set.reload(root);
            assertThat(decide(set, ALICE).allowed()).isFalse();
            assertThat(decide(set, BOB).allowed()).isTrue();
            // the replaced guardrail is closed once nothing uses it
            assertThat(first.evaluate(ALICE).join().outcome()).isEqualTo(Outcome.ERROR);

            Files.writeString(root.resolve("opa/demo.data.json"), ALICE_ADMIN);
            Files.write(root.resolve("opa/broken.wasm"), "not wasm".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> set.reload(root)).isInstanceOf(GuardrailConfigurationException.class)
                    .hasMessageContaining("opa/broken.wasm");
            assertThat(set.names()).containsExactly("opa:demo.wasm");
            assertThat(decide(set, BOB).allowed()).isTrue(); // still the previous data
            assertThat(decide(set, ALICE).allowed()).isFalse();
        }
    }

    @Test
    void concurrentEvaluationsDuringReloadsGetTheOldOrTheNewAnswerNeverAnError() throws Exception {
        writeBare(root, "demo", ALICE_ADMIN);
        try (GuardrailSet set = GuardrailSet.load(root, settings(2, Duration.ofSeconds(60)))) {
            AtomicBoolean running = new AtomicBoolean(true);
            Map<Outcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> loops = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    loops.add(threads.submit(() -> {
                        while (running.get()) {
                            GuardrailResult r = set.evaluate(ALICE).get(60, TimeUnit.SECONDS);
                            for (GuardrailDecision d : r.decisions()) {
                                outcomes.computeIfAbsent(d.outcome(), o -> new AtomicInteger()).incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (int i = 0; i < 6; i++) {
                    Files.writeString(root.resolve("opa/demo.data.json"), i % 2 == 0 ? BOB_ADMIN : ALICE_ADMIN);
                    set.reload(root);
                }
                running.set(false);
                for (Future<?> f : loops) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                running.set(false);
                threads.shutdownNow();
            }
            assertThat(outcomes).doesNotContainKey(Outcome.ERROR);
            assertThat(outcomes).containsKeys(Outcome.ALLOW, Outcome.DENY);
        }
    }

    @Test
    void theExternalGuardrailComesLastSurvivesReloadsAndIsRequiredWhenConfigured() throws Exception {
        writeBare(root, "demo", ALICE_ADMIN);
        GuardrailSettings withUrl = settings().withRestUrl(URI.create("http://127.0.0.1:8181/v1/data/mlgate"));
        FakeGuardrail external = new FakeGuardrail();
        try (GuardrailSet set = GuardrailSet.load(root, withUrl, s -> external)) {
            assertThat(set.names()).containsExactly("opa:demo.wasm", "opa-rest:fake");
            GuardrailResult alice = decide(set, ALICE);
            assertThat(alice.allowed()).isFalse();
            assertThat(alice.decisions()).extracting(GuardrailDecision::outcome)
                    .containsExactly(Outcome.ALLOW, Outcome.DENY);
            set.reload(root);
            assertThat(set.names()).containsExactly("opa:demo.wasm", "opa-rest:fake");
            assertThat(external.closed).isFalse();
        }
        assertThat(external.closed).isTrue();
        assertThatThrownBy(() -> GuardrailSet.load(root, withUrl, s -> null))
                .isInstanceOf(GuardrailConfigurationException.class).hasMessageContaining("mlgate.opa.url");
        try (GuardrailSet set = GuardrailSet.load(root, withUrl)) {
            assertThat(set.names()).as("the public load plugs the REST client")
                    .containsExactly("opa:demo.wasm", "opa-rest:http://127.0.0.1:8181/v1/data/mlgate");
        }
    }

    @Test
    void aDisabledSetNeverHoldsAGuardrailWhateverTheFolderHolds() throws Exception {
        writeBare(root, "demo", ALICE_ADMIN);
        try (GuardrailSet set = GuardrailSet.disabled()) {
            set.reload(root);
            assertThat(set.isEmpty()).isTrue();
            assertThat(decide(set, ALICE).evaluated()).isFalse();
        }
        try (GuardrailSet set = GuardrailSet.load(null, settings())) {
            assertThat(set.isEmpty()).as("no folder given: only an external OPA could be in force").isTrue();
        }
    }

    @Test
    void aGuardrailBreakingItsContractIsAnErrorNotAnException() throws Exception {
        GuardrailSettings withUrl = settings().withRestUrl(URI.create("http://127.0.0.1:8181/v1/data/mlgate"));
        Guardrail broken = new FakeGuardrail() {
            @Override
            public CompletableFuture<GuardrailDecision> evaluate(GuardrailInput input) {
                return CompletableFuture.failedFuture(new IllegalStateException("boom"));
            }
        };
        try (GuardrailSet set = GuardrailSet.load(root, withUrl, s -> broken)) {
            GuardrailResult r = decide(set, ALICE);
            assertThat(r.allowed()).isFalse();
            assertThat(r.failedClosed()).isTrue();
        }
    }

    @Test
    void afterCloseEvaluationsAreDenied() throws Exception {
        writeBare(root, "demo", ALICE_ADMIN);
        GuardrailSet set = GuardrailSet.load(root, settings());
        WasmGuardrail wasm = set.wasmGuardrails().get(0);
        assertThat(decide(set, ALICE).allowed()).isTrue();
        set.close();
        GuardrailResult r = decide(set, ALICE);
        assertThat(r.allowed()).isFalse();
        assertThat(r.failedClosed()).isTrue();
        assertThat(wasm.evaluate(ALICE).join().outcome()).isEqualTo(Outcome.ERROR);
        assertThatThrownBy(() -> set.reload(root)).isInstanceOf(GuardrailConfigurationException.class);
    }

    /** Stands in for the external OPA guardrail: denies everything. */
    private static class FakeGuardrail implements Guardrail {
        volatile boolean closed;

        @Override
        public String name() {
            return "opa-rest:fake";
        }

        @Override
        public CompletableFuture<GuardrailDecision> evaluate(GuardrailInput input) {
            return CompletableFuture.supplyAsync(() -> GuardrailDecision.deny(name(), List.of("external"), false));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
