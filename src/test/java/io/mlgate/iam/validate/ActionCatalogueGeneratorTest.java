package io.mlgate.iam.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests the catalogue generator; {@code -Dmlgate.regenerateActions=true} rewrites
 * {@code src/main/resources/iam/actions.txt} from the models in {@code -Dmlgate.awsModels} (default
 * /work/shared/reference/aws-service-models) before checking it is up to date.
 */
class ActionCatalogueGeneratorTest {

    static final Path COMMITTED = Path.of("src/main/resources/iam/actions.txt");

    @TempDir
    Path dir;

    @Test
    void usesSigningNameAsPrefixElseEndpointPrefix() {
        assertThat(ActionCatalogueGenerator.actionsOf("""
                {"metadata":{"signingName":"sagemaker","endpointPrefix":"runtime.sagemaker"},
                 "operations":{"InvokeEndpoint":{},"InvokeEndpointAsync":{}}}""", "rt"))
                .containsExactly("sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointAsync");
        assertThat(ActionCatalogueGenerator.actionsOf("""
                {"metadata":{"endpointPrefix":"kms"},"operations":{"Decrypt":{}}}""", "kms"))
                .containsExactly("kms:Decrypt");
    }

    @Test
    void rejectsModelsWithoutOperationsOrPrefix() {
        assertThatThrownBy(() -> ActionCatalogueGenerator.actionsOf("{\"metadata\":{}}", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ActionCatalogueGenerator.actionsOf("{", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generatesFromTheNewestModelOfEachServiceSortedWithPermissionOnlyActions() throws Exception {
        write("kms/2010-01-01/service-2.json", "{\"metadata\":{\"endpointPrefix\":\"kms\"},\"operations\":{\"OldOnly\":{}}}");
        write("kms/2014-11-01/service-2.json", "{\"metadata\":{\"endpointPrefix\":\"kms\"},\"operations\":{\"Encrypt\":{},\"Decrypt\":{}}}");
        List<String> actions = ActionCatalogueGenerator.generate(dir);
        assertThat(actions).contains("kms:Decrypt", "kms:Encrypt", "iam:PassRole").doesNotContain("kms:OldOnly");
        assertThat(actions).isSorted();
        assertThat(ActionCatalogueGenerator.render(actions)).startsWith("#").contains("\nkms:Decrypt\n");
    }

    @Test
    void committedCatalogueIsUpToDateWithTheServiceModels() throws Exception {
        Path models = Path.of(System.getProperty("mlgate.awsModels", "/work/shared/reference/aws-service-models"));
        assumeTrue(Files.isDirectory(models), "AWS service models not available at " + models);
        String generated = ActionCatalogueGenerator.render(ActionCatalogueGenerator.generate(models));
        if (Boolean.getBoolean("mlgate.regenerateActions")) {
            Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
                .as("src/main/resources/iam/actions.txt is stale; regenerate it (see ActionCatalogueGenerator)")
                .isEqualTo(generated);
    }

    private void write(String relative, String text) throws Exception {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
