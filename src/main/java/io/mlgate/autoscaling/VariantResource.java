package io.mlgate.autoscaling;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SageMaker production variant as Application Auto Scaling names it: the ResourceId
 * {@code endpoint/<endpoint-name>/variant/<variant-name>}. Endpoint names are case-insensitive in SageMaker (its ARNs
 * lower-case them), so the key that identifies a scalable target lower-cases the endpoint name; variant names are
 * compared exactly, as SageMaker compares them.
 */
public record VariantResource(String endpointName, String variantName) {

    /** SageMaker's endpoint and variant name rule. */
    private static final String NAME = "[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}";
    private static final Pattern RESOURCE_ID = Pattern.compile("endpoint/(" + NAME + ")/variant/(" + NAME + ")");

    public VariantResource {
        Objects.requireNonNull(endpointName, "endpointName");
        Objects.requireNonNull(variantName, "variantName");
    }

    /** The variant a ResourceId names, if it has SageMaker's form. */
    public static Optional<VariantResource> parse(String resourceId) {
        if (resourceId == null) {
            return Optional.empty();
        }
        Matcher m = RESOURCE_ID.matcher(resourceId);
        return m.matches() ? Optional.of(new VariantResource(m.group(1), m.group(2))) : Optional.empty();
    }

    /** {@code endpoint/<endpoint-name>/variant/<variant-name>}. */
    public String resourceId() {
        return "endpoint/" + endpointName + "/variant/" + variantName;
    }

    /** What identifies the scalable target of this variant in an account. */
    public String key(String accountId) {
        return accountId + ":" + endpointName.toLowerCase(Locale.ROOT) + "/" + variantName;
    }
}
