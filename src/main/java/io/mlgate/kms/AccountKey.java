package io.mlgate.kms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A customer-managed symmetric KMS key of one account (AES-256, ENCRYPT_DECRYPT): its id, ARN, alias, state and
 * material versions. Immutable; the key material is only usable through {@link EnvelopeCipher} and never exposed.
 */
public final class AccountKey {

    private final KeyArn arn;
    private final String alias;
    private final String description;
    private final KeyState state;
    private final Instant creationDate;
    private final List<KeyMaterial> materials;

    AccountKey(KeyArn arn, String alias, String description, KeyState state, Instant creationDate,
            List<KeyMaterial> materials) {
        this.arn = Objects.requireNonNull(arn, "arn");
        this.alias = alias;
        this.description = Objects.requireNonNull(description, "description");
        this.state = Objects.requireNonNull(state, "state");
        this.creationDate = Objects.requireNonNull(creationDate, "creationDate");
        List<KeyMaterial> sorted = new ArrayList<>(materials);
        sorted.sort(Comparator.comparingInt(KeyMaterial::version));
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one material version");
        }
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).version() == sorted.get(i - 1).version()) {
                throw new IllegalArgumentException("duplicate material version " + sorted.get(i).version());
            }
        }
        this.materials = List.copyOf(sorted);
    }

    /** The key id (a UUID). */
    public UUID keyId() {
        return arn.keyId();
    }

    /** The key ARN. */
    public KeyArn arn() {
        return arn;
    }

    /** The owning 12-digit account id. */
    public String accountId() {
        return arn.accountId();
    }

    /** The region the key lives in. */
    public String region() {
        return arn.region();
    }

    /** The alias name ({@code alias/...}) pointing at this key, if any. */
    public Optional<String> alias() {
        return Optional.ofNullable(alias);
    }

    /** Free-text description (may be empty). */
    public String description() {
        return description;
    }

    /** Enabled or Disabled. */
    public KeyState state() {
        return state;
    }

    /** Whether the key may be used now. */
    public boolean isEnabled() {
        return state == KeyState.ENABLED;
    }

    /** When the key was created. */
    public Instant creationDate() {
        return creationDate;
    }

    /** The material version new encryptions use (the newest). */
    public int currentMaterialVersion() {
        return current().version();
    }

    /** All material versions held, oldest first; older versions still decrypt after rotation. */
    public List<Integer> materialVersions() {
        return materials.stream().map(KeyMaterial::version).toList();
    }

    KeyMaterial current() {
        return materials.get(materials.size() - 1);
    }

    Optional<KeyMaterial> material(int version) {
        for (KeyMaterial m : materials) {
            if (m.version() == version) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    List<KeyMaterial> materials() {
        return materials;
    }

    AccountKey withState(KeyState newState) {
        return new AccountKey(arn, alias, description, newState, creationDate, materials);
    }

    AccountKey withMaterial(KeyMaterial added) {
        List<KeyMaterial> more = new ArrayList<>(materials);
        more.add(added);
        return new AccountKey(arn, alias, description, state, creationDate, more);
    }

    @Override
    public String toString() {
        return "AccountKey[arn=" + arn + (alias == null ? "" : ", alias=" + alias) + ", state=" + state.wireName()
                + ", materialVersions=" + materialVersions() + "]";
    }
}
