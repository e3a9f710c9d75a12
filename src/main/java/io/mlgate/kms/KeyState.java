package io.mlgate.kms;

/** The lifecycle state of an account key, spelled as KMS spells it on the wire. */
public enum KeyState {
    /** Usable for encryption and decryption. */
    ENABLED("Enabled"),
    /** Kept, but refused for every cryptographic operation. */
    DISABLED("Disabled");

    private final String wireName;

    KeyState(String wireName) {
        this.wireName = wireName;
    }

    /** The KMS API spelling, e.g. {@code "Enabled"}. */
    public String wireName() {
        return wireName;
    }

    /** Parses the KMS API spelling; throws {@link IllegalArgumentException} for anything else. */
    public static KeyState fromWireName(String name) {
        for (KeyState state : values()) {
            if (state.wireName.equals(name)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown key state: " + name);
    }
}
