package io.mlgate.sagemaker;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARNs of SageMaker's hosting resources, built as SageMaker builds them: the resource name is lowercased
 * ({@code arn:aws:sagemaker:<region>:<account>:model/<name lowercased>}), so names are unique case-insensitively.
 */
public final class SageMakerArns {

    /** The resource kinds of the control plane with their ARN type segment and CloudTrail resource type. */
    public enum Kind {
        MODEL("model", "AWS::SageMaker::Model", "model"),
        ENDPOINT_CONFIG("endpoint-config", "AWS::SageMaker::EndpointConfig", "endpoint configuration"),
        ENDPOINT("endpoint", "AWS::SageMaker::Endpoint", "endpoint");

        private final String segment;
        private final String resourceType;
        private final String noun;

        Kind(String segment, String resourceType, String noun) {
            this.segment = segment;
            this.resourceType = resourceType;
            this.noun = noun;
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
    }

    /** A parsed resource ARN of this service. */
    public record Parsed(String region, String accountId, Kind kind, String name) {}

    private static final Pattern ARN = Pattern.compile(
            "arn:aws:sagemaker:([a-z0-9-]+):([0-9]{12}):(model|endpoint-config|endpoint)/([a-z0-9](-*[a-z0-9]){0,62})");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private SageMakerArns() {}

    /** The ARN of a resource; {@code name} must already be a valid SageMaker name. */
    public static String of(Kind kind, String region, String accountId, String name) {
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
        if (!ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("not an account id: " + accountId);
        }
        return "arn:aws:sagemaker:" + region + ":" + accountId + ":" + kind.segment() + "/"
                + name.toLowerCase(Locale.ROOT);
    }

    /** Parses an ARN (case-insensitively, as SageMaker compares them); empty if it is not a hosting resource. */
    public static Optional<Parsed> parse(String arn) {
        if (arn == null) {
            return Optional.empty();
        }
        Matcher m = ARN.matcher(arn.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        Kind kind = switch (m.group(3)) {
            case "model" -> Kind.MODEL;
            case "endpoint-config" -> Kind.ENDPOINT_CONFIG;
            default -> Kind.ENDPOINT;
        };
        return Optional.of(new Parsed(m.group(1), m.group(2), kind, m.group(4)));
    }

    static void requireRegion(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
    }
}
