package io.mlgate.kms.api;

import io.mlgate.kms.KeyArn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One customer-managed symmetric KMS key as the KMS API sees it: metadata, key policy, tags, aliases, rotation
 * settings, grants, pending import parameters and its material versions. Immutable; change it through {@link #draft}.
 */
record KmsKey(KeyArn arn, String description, KmsKeyState state, String origin, Instant creationDate,
              Instant deletionDate, Integer pendingWindowDays, String policy, Map<String, String> tags,
              boolean rotationEnabled, int rotationPeriodDays, Instant nextRotationDate,
              List<Material> materials, List<Grant> grants, List<Alias> aliases,
              ImportParameters importParameters, Instant validTo, SecretBytes importedDigest) {

    static final String AWS_KMS = "AWS_KMS";
    static final String EXTERNAL = "EXTERNAL";
    static final int DEFAULT_ROTATION_DAYS = 365;

    KmsKey {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(creationDate, "creationDate");
        Objects.requireNonNull(policy, "policy");
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        List<Material> sorted = new ArrayList<>(materials);
        sorted.sort((a, b) -> Integer.compare(a.version(), b.version()));
        materials = List.copyOf(sorted);
        grants = List.copyOf(grants);
        aliases = List.copyOf(aliases);
    }

    /** One version of the key's AES-256 material. */
    record Material(int version, Instant createdAt, SecretBytes bytes) {
    }

    /** A grant: lets a grantee principal perform some operations with the key, under optional context constraints. */
    record Grant(String grantId, String name, Instant creationDate, String granteePrincipal,
                 String retiringPrincipal, String issuingAccount, List<String> operations,
                 Map<String, String> contextSubset, Map<String, String> contextEquals, String tokenHash) {
        Grant {
            operations = List.copyOf(operations);
            contextSubset = contextSubset == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(contextSubset));
            contextEquals = contextEquals == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(contextEquals));
        }
    }

    /** An alias ({@code alias/...}) naming the key in its account and region. */
    record Alias(String name, Instant creationDate, Instant lastUpdatedDate) {
    }

    /** The RSA wrapping key and import token handed out by GetParametersForImport, valid until {@code validTo}. */
    record ImportParameters(String wrappingAlgorithm, String wrappingKeySpec, SecretBytes privateKey,
                            String tokenHash, Instant validTo) {
    }

    UUID keyId() {
        return arn.keyId();
    }

    String accountId() {
        return arn.accountId();
    }

    String region() {
        return arn.region();
    }

    Optional<Material> current() {
        return materials.isEmpty() ? Optional.empty() : Optional.of(materials.get(materials.size() - 1));
    }

    Optional<Material> material(int version) {
        return materials.stream().filter(m -> m.version() == version).findFirst();
    }

    Optional<Grant> grant(String grantId) {
        return grants.stream().filter(g -> g.grantId().equals(grantId)).findFirst();
    }

    Draft draft() {
        return new Draft(this);
    }

    @Override
    public String toString() {
        return "KmsKey[arn=" + arn + ", state=" + state.wireName() + ", origin=" + origin + ", materialVersions="
                + materials.stream().map(Material::version).toList() + ", grants=" + grants.size() + "]";
    }

    /** A mutable copy of a key's fields, to build a changed key. */
    static final class Draft {
        KeyArn arn;
        String description;
        KmsKeyState state;
        String origin;
        Instant creationDate;
        Instant deletionDate;
        Integer pendingWindowDays;
        String policy;
        Map<String, String> tags;
        boolean rotationEnabled;
        int rotationPeriodDays;
        Instant nextRotationDate;
        List<Material> materials;
        List<Grant> grants;
        List<Alias> aliases;
        ImportParameters importParameters;
        Instant validTo;
        SecretBytes importedDigest;

        Draft() {
            tags = new LinkedHashMap<>();
            materials = new ArrayList<>();
            grants = new ArrayList<>();
            aliases = new ArrayList<>();
            rotationPeriodDays = DEFAULT_ROTATION_DAYS;
        }

        private Draft(KmsKey k) {
            arn = k.arn;
            description = k.description;
            state = k.state;
            origin = k.origin;
            creationDate = k.creationDate;
            deletionDate = k.deletionDate;
            pendingWindowDays = k.pendingWindowDays;
            policy = k.policy;
            tags = new LinkedHashMap<>(k.tags);
            rotationEnabled = k.rotationEnabled;
            rotationPeriodDays = k.rotationPeriodDays;
            nextRotationDate = k.nextRotationDate;
            materials = new ArrayList<>(k.materials);
            grants = new ArrayList<>(k.grants);
            aliases = new ArrayList<>(k.aliases);
            importParameters = k.importParameters;
            validTo = k.validTo;
            importedDigest = k.importedDigest;
        }

        KmsKey build() {
            return new KmsKey(arn, description, state, origin, creationDate, deletionDate, pendingWindowDays, policy,
                    tags, rotationEnabled, rotationPeriodDays, nextRotationDate, materials, grants, aliases,
                    importParameters, validTo, importedDigest);
        }
    }
}
