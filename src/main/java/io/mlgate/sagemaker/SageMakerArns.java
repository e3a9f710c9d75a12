package io.mlgate.sagemaker;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARNs of SageMaker's hosting and model-registry resources, built as SageMaker builds them. Models, endpoint
 * configurations and endpoints lowercase their name ({@code arn:aws:sagemaker:<region>:<account>:model/<name
 * lowercased>}), so those names are unique case-insensitively. Model package groups and model package versions keep
 * the name as created ({@code model-package-group/MyGroup}, {@code model-package/MyGroup/3}): IAM denials quoted
 * from AWS name them that way, and policies written for AWS match them only with the case kept.
 */
public final class SageMakerArns {

    /** The resource kinds of the control plane with their ARN type segment and CloudTrail resource type. */
    public enum Kind {
        MODEL("model", "AWS::SageMaker::Model", "model", true),
        ENDPOINT_CONFIG("endpoint-config", "AWS::SageMaker::EndpointConfig", "endpoint configuration", true),
        ENDPOINT("endpoint", "AWS::SageMaker::Endpoint", "endpoint", true),
        MODEL_PACKAGE_GROUP("model-package-group", "AWS::SageMaker::ModelPackageGroup", "model package group", false),
        /** A versioned model package: its name in the ARN is {@code <group name>/<version>}. */
        MODEL_PACKAGE("model-package", "AWS::SageMaker::ModelPackage", "model package", false);

        private final String segment;
        private final String resourceType;
        private final String noun;
        private final boolean lowercased;

        Kind(String segment, String resourceType, String noun, boolean lowercased) {
            this.segment = segment;
            this.resourceType = resourceType;
            this.noun = noun;
            this.lowercased = lowercased;
        }

        public String segment() {
            return segment;
        }

        /** The CloudTrail resource type ({@code AWS::SageMaker::Model} ...). */
        public String resourceType() {
            return resourceType;
        }

        /** How SageMaker names the kind in its messages ("endpoint configuration"). */
        public String noun() {
            return noun;
        }

        /** Whether the ARN carries the name lowercased (models, endpoint configurations, endpoints). */
        public boolean lowercased() {
            return lowercased;
        }
    }

    /** A parsed resource ARN of this service. */
    public record Parsed(String region, String accountId, Kind kind, String name) {}

    private static final Pattern ARN = Pattern.compile(
            "arn:aws:sagemaker:([a-z0-9-]+):([0-9]{12}):(model-package-group|model-package|model|endpoint-config|endpoint)/(.+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HOSTING_NAME = Pattern.compile("[a-z0-9](-*[a-z0-9]){0,62}");
    private static final Pattern GROUP_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    private static final Pattern VERSIONED_NAME = Pattern.compile("([a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})/([0-9]{1,9})");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private SageMakerArns() {}

    /**
     * The ARN of a resource; {@code name} must already be a valid SageMaker name (for {@link Kind#MODEL_PACKAGE}:
     * {@code <group>/<version>}, see {@link #packageName}).
     */
    public static String of(Kind kind, String region, String accountId, String name) {
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
        if (!ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("not an account id: " + accountId);
        }
        return "arn:aws:sagemaker:" + region + ":" + accountId + ":" + kind.segment() + "/"
                + (kind.lowercased() ? name.toLowerCase(Locale.ROOT) : name);
    }

    /** The ARN name of version {@code version} of the model package group {@code group}. */
    public static String packageName(String group, int version) {
        if (version < 1) {
            throw new IllegalArgumentException("model package versions start at 1");
        }
        return group + "/" + version;
    }

    /**
     * Parses an ARN; empty if it is not a resource of a known kind. The prefix and type are matched ignoring case,
     * as SageMaker compares them; hosting names are lowercased, model-registry names keep their case, and a model
     * package's version is normalized ({@code g/007} is {@code g/7}).
     */
    public static Optional<Parsed> parse(String arn) {
        if (arn == null) {
            return Optional.empty();
        }
        Matcher m = ARN.matcher(arn);
        if (!m.matches()) {
            return Optional.empty();
        }
        String region = m.group(1).toLowerCase(Locale.ROOT);
        String account = m.group(2);
        String name = m.group(4);
        Kind kind = switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "model" -> Kind.MODEL;
            case "endpoint-config" -> Kind.ENDPOINT_CONFIG;
            case "endpoint" -> Kind.ENDPOINT;
            case "model-package-group" -> Kind.MODEL_PACKAGE_GROUP;
            default -> Kind.MODEL_PACKAGE;
        };
        switch (kind) {
            case MODEL_PACKAGE_GROUP -> {
                if (!GROUP_NAME.matcher(name).matches()) {
                    return Optional.empty();
                }
            }
            case MODEL_PACKAGE -> {
                Matcher v = VERSIONED_NAME.matcher(name);
                if (!v.matches() || Integer.parseInt(v.group(3)) < 1) {
                    return Optional.empty();
                }
                name = packageName(v.group(1), Integer.parseInt(v.group(3)));
            }
            default -> {
                name = name.toLowerCase(Locale.ROOT);
                if (!HOSTING_NAME.matcher(name).matches()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new Parsed(region, account, kind, name));
    }

    static void requireRegion(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
    }
}
