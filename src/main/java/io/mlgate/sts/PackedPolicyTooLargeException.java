package io.mlgate.sts;

/** Session policies and session tags together exceed the space a session token allows (AWS PackedPolicyTooLarge). */
public final class PackedPolicyTooLargeException extends Exception {

    private static final long serialVersionUID = 1L;
    private final int percent;

    public PackedPolicyTooLargeException(int percent) {
        super("Packed size of session policies and session tags exceeds the allowed space (" + percent + "% of limit).",
                null, false, false);
        this.percent = percent;
    }

    /** The packed size as a percentage of the limit (above 100). */
    public int percent() {
        return percent;
    }
}
