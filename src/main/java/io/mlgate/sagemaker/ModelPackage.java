package io.mlgate.sagemaker;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A versioned model package: one registration of a model into a {@link ModelPackageGroup}, with the containers a
 * model created from it serves, its approval status and who registered and last changed it.
 *
 * @param registrationId     unique per registration (a version deleted and registered again gets a new one)
 * @param description        ModelPackageDescription, or null
 * @param approvalDescription the ApprovalDescription of the last UpdateModelPackage that set one, or null
 * @param lastModifiedTime   when UpdateModelPackage last changed it, or null if never
 * @param lastModifiedBy     who did, or null if never
 * @param clientToken        the ClientToken of the CreateModelPackage call, or null
 * @param requestDigest      a digest of that call's body, so a retry with the same token is recognised
 */
public record ModelPackage(String groupName, int version, String arn, String accountId, String registrationId,
                           String description, Inference inference, ModelApprovalStatus approvalStatus,
                           String approvalDescription, Map<String, String> customerMetadata, Instant creationTime,
                           RegistryIdentity createdBy, Instant lastModifiedTime, RegistryIdentity lastModifiedBy,
                           Map<String, String> tags, String clientToken, String requestDigest) {

    /**
     * The InferenceSpecification: the containers (in order, an inference pipeline when more than one) and the
     * content types and instance types the package declares (each null when not given).
     */
    public record Inference(List<ContainerDefinition> containers, List<String> supportedContentTypes,
                            List<String> supportedResponseMimeTypes, List<String> realtimeInstanceTypes,
                            List<String> transformInstanceTypes) {
        public Inference {
            containers = List.copyOf(containers);
            if (containers.isEmpty()) {
                throw new IllegalArgumentException("an inference specification has at least one container");
            }
            supportedContentTypes = copy(supportedContentTypes);
            supportedResponseMimeTypes = copy(supportedResponseMimeTypes);
            realtimeInstanceTypes = copy(realtimeInstanceTypes);
            transformInstanceTypes = copy(transformInstanceTypes);
        }

        private static List<String> copy(List<String> l) {
            return l == null ? null : List.copyOf(l);
        }
    }

    public ModelPackage {
        Objects.requireNonNull(groupName, "groupName");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1");
        }
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(registrationId, "registrationId");
        Objects.requireNonNull(inference, "inference");
        Objects.requireNonNull(approvalStatus, "approvalStatus");
        customerMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(customerMetadata));
        Objects.requireNonNull(creationTime, "creationTime");
        Objects.requireNonNull(createdBy, "createdBy");
        if ((lastModifiedTime == null) != (lastModifiedBy == null)) {
            throw new IllegalArgumentException("lastModifiedTime and lastModifiedBy go together");
        }
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    ModelPackage withTags(Map<String, String> newTags) {
        return new ModelPackage(groupName, version, arn, accountId, registrationId, description, inference,
                approvalStatus, approvalDescription, customerMetadata, creationTime, createdBy, lastModifiedTime,
                lastModifiedBy, newTags, clientToken, requestDigest);
    }

    /** This package after an UpdateModelPackage by {@code by} at {@code at}. */
    ModelPackage updated(ModelApprovalStatus status, String newApprovalDescription, Map<String, String> metadata,
                         Instant at, RegistryIdentity by) {
        return new ModelPackage(groupName, version, arn, accountId, registrationId, description, inference, status,
                newApprovalDescription, metadata, creationTime, createdBy, at, by, tags, clientToken, requestDigest);
    }
}
