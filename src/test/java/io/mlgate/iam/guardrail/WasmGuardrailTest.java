package io.mlgate.iam.guardrail;

import static io.mlgate.iam.guardrail.GuardrailFixtures.ALICE;
import static io.mlgate.iam.guardrail.GuardrailFixtures.ALICE_ADMIN;
import static io.mlgate.iam.guardrail.GuardrailFixtures.BOB;
import static io.mlgate.iam.guardrail.GuardrailFixtures.ENTRYPOINT;
import static io.mlgate.iam.guardrail.GuardrailFixtures.demoWasm;
import static io.mlgate.iam.guardrail.GuardrailFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.styra.opa.wasm.OpaPolicy;
import io.mlgate.iam.guardrail.GuardrailDecision.Outcome;
import org.junit.jupiter.api.Test;

/** One Wasm policy with its instance pool: decisions from the input and data, fail-closed errors, the pool bound. */
class WasmGuardrailTest {

    private static WasmGuardrail demo(String data, GuardrailSettings settings) throws Exception {
        return WasmGuardrail.create("opa:demo.wasm", demoWasm(), data, null, settings);
    }

    private static GuardrailDecision decide(WasmGuardrail g, GuardrailInput input) throws Exception {
        return g.evaluate(input).get(30, TimeUnit.SECONDS);
    }

    @Test
    void theInputReachesThePolicyAdminAllowedOthersDeniedWithAReason() throws Exception {
        try (WasmGuardrail g = demo(ALICE_ADMIN, settings())) {
            assertThat(g.entrypoint()).isEqualTo(ENTRYPOINT);
            CompletableFuture<GuardrailDecision> alice = g.evaluate(ALICE);
            assertThat(alice).isDone(); // a free instance: evaluated on the calling thread
            assertThat(alice.join().outcome()).isEqualTo(Outcome.ALLOW);
            assertThat(alice.join().guardrail()).isEqualTo("opa:demo.wasm");
            GuardrailDecision bob = decide(g, BOB);
            assertThat(bob.outcome()).isEqualTo(Outcome.DENY);
            assertThat(bob.reasons()).containsExactly(OpaResults.NO_REASON);
        }
    }

    @Test
    void theDataIsTheGuardrailsOwnWithoutItAliceIsDenied() throws Exception {
        try (WasmGuardrail g = demo(null, settings())) {
            assertThat(decide(g, ALICE).outcome()).isEqualTo(Outcome.DENY);
        }
        try (WasmGuardrail g = demo(GuardrailFixtures.BOB_ADMIN, settings())) {
            assertThat(decide(g, ALICE).outcome()).isEqualTo(Outcome.DENY);
            assertThat(decide(g, BOB).outcome()).isEqualTo(Outcome.ALLOW);
        }
    }

    @Test
    void noStateLeaksBetweenEvaluationsOnOneInstance() throws Exception {
        try (WasmGuardrail g = demo(ALICE_ADMIN, settings(1, Duration.ofSeconds(10)))) {
            for (int i = 0; i < 50; i++) {
                assertThat(decide(g, i % 2 == 0 ? ALICE : BOB).allowed()).isEqualTo(i % 2 == 0);
            }
            assertThat(decide(g, GuardrailInput.ofJson("{}")).outcome()).isEqualTo(Outcome.DENY);
            assertThat(decide(g, ALICE).outcome()).isEqualTo(Outcome.ALLOW);
            assertThat(g.instancesBuilt()).isEqualTo(1);
        }
    }

    @Test
    void aCorruptModuleIsAProblem() {
        byte[] wasm = demoWasm();
        byte[] truncated = java.util.Arrays.copyOf(wasm, wasm.length / 3);
        assertThatThrownBy(() -> WasmGuardrail.create("opa:bad.wasm", truncated, null, null, settings()))
                .isInstanceOf(GuardrailConfigurationException.class)
                .hasMessageStartingWith("opa:bad.wasm: not a usable OPA Wasm module");
        assertThatThrownBy(() -> WasmGuardrail.create("opa:text.wasm", "not wasm".getBytes(), null, null,
                settings())).isInstanceOf(GuardrailConfigurationException.class);
    }

    @Test
    void anEntrypointNotInTheModuleIsAProblemNamingTheAvailableOnes() throws Exception {
        assertThatThrownBy(() -> WasmGuardrail.create("opa:demo.wasm", demoWasm(), ALICE_ADMIN, "mlgate/nope",
                settings())).isInstanceOf(GuardrailConfigurationException.class)
                .hasMessageContaining("mlgate/nope is not in the module").hasMessageContaining(ENTRYPOINT);
        try (WasmGuardrail g = WasmGuardrail.create("opa:demo.wasm", demoWasm(), ALICE_ADMIN, ENTRYPOINT,
                settings())) {
            assertThat(decide(g, ALICE).allowed()).isTrue();
        }
    }

    @Test
    void dataThatIsNotAJsonObjectIsAProblem() {
        assertThatThrownBy(() -> demo("[1,2]", settings())).isInstanceOf(GuardrailConfigurationException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> demo("{\"role\":", settings())).isInstanceOf(GuardrailConfigurationException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void aFailingEvaluationIsAnErrorAndItsInstanceIsDiscarded() throws Exception {
        // 64 pages of 64 KiB at most: a 5 MB input cannot be loaded into the instance's memory
        GuardrailInput huge = GuardrailInput.ofJson("{\"user\":\"" + "x".repeat(5_000_000) + "\"}");
        try (WasmGuardrail g = demo(ALICE_ADMIN, settings(2, Duration.ofSeconds(30)))) {
            GuardrailDecision d = decide(g, huge);
            assertThat(d.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(d.allowed()).isFalse();
            assertThat(d.reasons()).singleElement().asString().startsWith("the policy's evaluation failed");
            assertThat(g.instances()).isZero();
            // the next evaluation gets a fresh instance, built off the caller's thread
            assertThat(decide(g, ALICE).outcome()).isEqualTo(Outcome.ALLOW);
            assertThat(g.instancesBuilt()).isEqualTo(2);
        }
    }

    @Test
    void anExhaustedPoolIsAnErrorAfterPoolWaitWithoutBlockingTheCaller() throws Exception {
        try (WasmGuardrail g = demo(ALICE_ADMIN, settings(1, Duration.ofMillis(100)))) {
            OpaPolicy held = g.take();
            assertThat(held).isNotNull();
            CompletableFuture<GuardrailDecision> waiting = g.evaluate(ALICE);
            assertThat(waiting).isNotDone(); // returned to the caller at once, not blocked for poolWait
            GuardrailDecision d = waiting.get(30, TimeUnit.SECONDS);
            assertThat(d.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(d.reasons()).containsExactly("no free policy instance within 100 ms");
            assertThat(g.instances()).isEqualTo(1); // never more than the pool size
            g.giveBack(held, true);
            assertThat(g.evaluate(ALICE).join().outcome()).isEqualTo(Outcome.ALLOW);
        }
    }

    @Test
    void aWaitingEvaluationIsServedWhenAnInstanceComesBack() throws Exception {
        try (WasmGuardrail g = demo(ALICE_ADMIN, settings(1, Duration.ofSeconds(30)))) {
            OpaPolicy held = g.take();
            CompletableFuture<GuardrailDecision> alice = g.evaluate(ALICE);
            CompletableFuture<GuardrailDecision> bob = g.evaluate(BOB);
            assertThat(alice).isNotDone();
            assertThat(bob).isNotDone();
            g.giveBack(held, true);
            assertThat(alice.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ALLOW);
            assertThat(bob.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.DENY);
            assertThat(g.instancesBuilt()).isEqualTo(1);
        }
    }

    @Test
    void afterCloseEvaluationsAreErrorsAndInstancesReturnedLaterAreDropped() throws Exception {
        WasmGuardrail g = demo(ALICE_ADMIN, settings(1, Duration.ofSeconds(30)));
        OpaPolicy held = g.take();
        CompletableFuture<GuardrailDecision> waiting = g.evaluate(ALICE);
        g.close();
        assertThat(waiting.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ERROR);
        GuardrailDecision after = g.evaluate(ALICE).join();
        assertThat(after.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(after.reasons()).singleElement().asString().contains("closed");
        assertThat(g.instances()).isEqualTo(1);
        g.giveBack(held, true);
        assertThat(g.instances()).isZero();
        assertThat(g.take()).isNull();
    }

    @Test
    void manyThreadsGetCorrectAnswersAndThePoolNeverExceedsItsSize() throws Exception {
        int threads = 12;
        int perThread = 300;
        try (WasmGuardrail g = demo(ALICE_ADMIN, settings(3, Duration.ofSeconds(60)))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int seed = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        int wrong = 0;
                        for (int i = 0; i < perThread; i++) {
                            boolean alice = (i + seed) % 3 != 0;
                            GuardrailDecision d = g.evaluate(alice ? ALICE : BOB).get(60, TimeUnit.SECONDS);
                            if (d.outcome() != (alice ? Outcome.ALLOW : Outcome.DENY)) {
                                wrong++;
                            }
                        }
                        return wrong;
                    }));
                }
                start.countDown();
                for (Future<Integer> r : results) {
                    assertThat(r.get(120, TimeUnit.SECONDS)).isZero();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(g.peakInstances()).isBetween(1, 3);
            assertThat(g.instancesBuilt()).isLessThanOrEqualTo(3);
        }
    }
}
