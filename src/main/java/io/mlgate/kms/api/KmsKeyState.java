package io.mlgate.kms.api;

/** The states a customer-managed symmetric KMS key can be in, spelled as KMS spells them on the wire. */
public enum KmsKeyState {
    ENABLED("Enabled"),
    DISABLED("Disabled"),
    PENDING_DELETION("PendingDeletion"),
    /** An EXTERNAL-origin key without (or with expired) imported material. */
    PENDING_IMPORT("PendingImport");

    private final String wireName;

    KmsKeyState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static KmsKeyState fromWireName(String name) {
        for (KmsKeyState s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown key state: " + name);
    }
}
