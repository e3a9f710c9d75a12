package io.mlgate.runtime;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A named inference endpoint of one account, serving one or more {@link ProductionVariant}s; requests are spread
 * over the variants in proportion to their weights. Closing the endpoint closes its models.
 */
public final class Endpoint implements AutoCloseable {
    private static final Pattern RESOURCE_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9])*");
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final int MAX_NAME_LENGTH = 63;

    private final String name;
    private final String accountId;
    private final List<ProductionVariant> variants;
    private final double[] cumulativeWeights;
    private final double totalWeight;

    /**
     * @param name      endpoint name, SageMaker rules: letters, digits and inner hyphens, at most 63 characters
     * @param accountId the owning 12-digit account id
     * @param variants  at least one variant, distinct names, total weight &gt; 0
     */
    public Endpoint(String name, String accountId, List<ProductionVariant> variants) {
        requireResourceName(name, "endpoint name");
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("account id must be 12 digits");
        }
        this.variants = List.copyOf(Objects.requireNonNull(variants, "variants"));
        if (this.variants.isEmpty()) {
            throw new IllegalArgumentException("an endpoint needs at least one production variant");
        }
        HashSet<String> names = new HashSet<>();
        cumulativeWeights = new double[this.variants.size()];
        double total = 0;
        for (int i = 0; i < this.variants.size(); i++) {
            ProductionVariant v = this.variants.get(i);
            if (!names.add(v.name())) {
                throw new IllegalArgumentException("duplicate variant name " + v.name());
            }
            total += v.weight();
            cumulativeWeights[i] = total;
        }
        if (!(total > 0) || !Double.isFinite(total)) {
            throw new IllegalArgumentException("the variants' total weight must be greater than 0");
        }
        this.totalWeight = total;
        this.name = name;
        this.accountId = accountId;
    }

    /** Convenience for an endpoint with a single variant of weight 1. */
    public static Endpoint singleVariant(String name, String accountId, String variantName, OnnxModel model) {
        return new Endpoint(name, accountId, List.of(new ProductionVariant(variantName, 1.0, model)));
    }

    public String name() {
        return name;
    }

    public String accountId() {
        return accountId;
    }

    /** The variants in declaration order. */
    public List<ProductionVariant> variants() {
        return variants;
    }

    /** The variant with this name, if any. */
    public Optional<ProductionVariant> variant(String variantName) {
        for (ProductionVariant v : variants) {
            if (v.name().equals(variantName)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** Picks a variant at random with probability weight / total weight. */
    public ProductionVariant chooseVariant() {
        return variants.size() == 1 ? variants.get(0) : chooseVariant(ThreadLocalRandom.current().nextDouble());
    }

    /** Picks the variant for a uniform draw {@code u} in [0, 1); variants of weight 0 are never picked. */
    ProductionVariant chooseVariant(double u) {
        double point = u * totalWeight;
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (point < cumulativeWeights[i]) {
                return variants.get(i);
            }
        }
        for (int i = variants.size() - 1; i >= 0; i--) {
            if (variants.get(i).weight() > 0) {
                return variants.get(i);
            }
        }
        throw new IllegalStateException("no variant with positive weight");
    }

    /** Closes every variant's model. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (ProductionVariant v : variants) {
            try {
                v.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Endpoint[" + name + ", account " + accountId + ", variants "
                + variants.stream().map(ProductionVariant::name).toList() + "]";
    }

    static void requireResourceName(String value, String what) {
        if (value == null || value.length() > MAX_NAME_LENGTH || !RESOURCE_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-63 letters, digits or inner hyphens");
        }
    }
}
