package io.mlgate.sagemaker;

/**
 * How strictly the model registry gates deployment, set when the service starts.
 *
 * @param approvedPackagesOnly CreateModel, CreateEndpoint and UpdateEndpoint refuse a model unless every one of its
 *                             containers comes from a versioned model package whose approval status is Approved at
 *                             that moment (so a package rejected after the model was created can no longer be
 *                             deployed); endpoints already serving keep serving
 * @param separateApprover     the identity that registered a model package may not approve it (neither with
 *                             UpdateModelPackage nor by registering it as Approved); see
 *                             {@link RegistryIdentity#samePersonAs}
 */
public record RegistryGuardrail(boolean approvedPackagesOnly, boolean separateApprover) {

    /** Any model may be deployed; approving needs a second identity. */
    public static RegistryGuardrail defaults() {
        return new RegistryGuardrail(false, true);
    }
}
