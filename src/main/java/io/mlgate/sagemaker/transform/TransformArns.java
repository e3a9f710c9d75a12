package io.mlgate.sagemaker.transform;

import io.mlgate.sagemaker.SageMakerArns;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The ARNs of transform jobs, built as SageMaker builds them ({@code arn:aws:sagemaker:REGION:ACCT:transform-job/NAME},
 * the name lower-cased), and of the model a job names.
 */
public final class TransformArns {

    /** The CloudTrail resource type of a transform job. */
    public static final String RESOURCE_TYPE = "AWS::SageMaker::TransformJob";

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");

    private TransformArns() {}

    /** The ARN of a transform job; {@code name} must already be a valid job name. */
    public static String job(String region, String accountId, String name) {
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
        if (!ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("not an account id: " + accountId);
        }
        return "arn:aws:sagemaker:" + region + ":" + accountId + ":transform-job/" + name.toLowerCase(Locale.ROOT);
    }

    /** The ARN of the model {@code modelName} in the region and account of a job ARN. */
    public static String modelOf(String jobArn, String modelName) {
        String[] parts = jobArn.split(":", 6);
        return SageMakerArns.of(SageMakerArns.Kind.MODEL, parts[3], parts[4], modelName);
    }

    static void requireRegion(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
    }
}
