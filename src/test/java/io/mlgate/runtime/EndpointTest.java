package io.mlgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EndpointTest {
    private static final String ACCOUNT = "123456789012";
    private static OnnxModel model;

    @BeforeAll
    static void load() {
        model = IrisRows.committedModel();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Endpoint abEndpoint(double weightA, double weightB) {
        return new Endpoint("iris", ACCOUNT, List.of(
                new ProductionVariant("A", weightA, model), new ProductionVariant("B", weightB, model)));
    }

    @Test
    void variantsAreChosenInProportionToTheirWeights() {
        Endpoint e = abEndpoint(3, 1);
        assertThat(e.chooseVariant(0.0).name()).isEqualTo("A");
        assertThat(e.chooseVariant(0.749).name()).isEqualTo("A");
        assertThat(e.chooseVariant(0.75).name()).isEqualTo("B");
        assertThat(e.chooseVariant(0.999999).name()).isEqualTo("B");
    }

    @Test
    void zeroWeightVariantIsNeverChosenButCanBeTargeted() {
        Endpoint e = abEndpoint(1, 0);
        for (double u = 0; u < 1; u += 0.01) {
            assertThat(e.chooseVariant(u).name()).isEqualTo("A");
        }
        for (int i = 0; i < 200; i++) {
            assertThat(e.chooseVariant().name()).isEqualTo("A");
        }
        assertThat(e.variant("B")).isPresent();
        assertThat(e.variant("C")).isEmpty();
    }

    @Test
    void randomChoiceReachesEveryWeightedVariant() {
        Endpoint e = abEndpoint(1, 1);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200 && seen.size() < 2; i++) {
            seen.add(e.chooseVariant().name());
        }
        assertThat(seen).containsExactlyInAnyOrder("A", "B");
    }

    @Test
    void validatesNamesAccountAndWeights() {
        assertThat(Endpoint.singleVariant("my-endpoint-1", ACCOUNT, "AllTraffic", model).name())
                .isEqualTo("my-endpoint-1");
        assertThatThrownBy(() -> Endpoint.singleVariant("-bad", ACCOUNT, "AllTraffic", model))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint name");
        assertThatThrownBy(() -> Endpoint.singleVariant("a".repeat(64), ACCOUNT, "AllTraffic", model))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Endpoint.singleVariant("iris", "12345", "AllTraffic", model))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12 digits");
        assertThatThrownBy(() -> new ProductionVariant("A", -1, model))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> abEndpoint(0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("total weight");
        assertThatThrownBy(() -> new Endpoint("iris", ACCOUNT, List.of(
                new ProductionVariant("A", 1, model), new ProductionVariant("A", 1, model))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> new Endpoint("iris", ACCOUNT, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registryFindsReplacesAndReportsMissingEndpointsLikeAws() {
        EndpointRegistry registry = new EndpointRegistry(ACCOUNT);
        Endpoint first = Endpoint.singleVariant("iris", ACCOUNT, "AllTraffic", model);
        assertThat(registry.register(first)).isEmpty();
        assertThat(registry.require("iris")).isSameAs(first);
        Endpoint second = Endpoint.singleVariant("iris", ACCOUNT, "AllTraffic", model);
        assertThat(registry.register(second)).containsSame(first);
        assertThat(registry.find("iris")).containsSame(second);
        assertThat(registry.names()).containsExactly("iris");
        assertThatThrownBy(() -> registry.require("iris2"))
                .isInstanceOf(EndpointNotFoundException.class)
                .hasMessage("Endpoint iris2 of account 123456789012 not found.");
        assertThat(registry.remove("iris")).containsSame(second);
        assertThatThrownBy(() -> registry.require("iris")).isInstanceOf(EndpointNotFoundException.class);
    }

    @Test
    void registryRefusesEndpointsOfAnotherAccount() {
        EndpointRegistry registry = new EndpointRegistry(ACCOUNT);
        assertThatThrownBy(() -> registry.register(
                Endpoint.singleVariant("iris", "210987654321", "AllTraffic", model)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to account 210987654321");
    }
}
