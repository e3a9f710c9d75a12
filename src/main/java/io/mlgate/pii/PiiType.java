package io.mlgate.pii;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A kind of personal or secret data a detector finds. The built-in types are the constants below, with the names
 * reports, audit events and the {@code mlgate:PiiTypes} condition key use; a custom detector's type is its own
 * configured name ({@link #custom}): upper case letters, digits and underscores, not clashing with a built-in name.
 */
public record PiiType(String name) implements Comparable<PiiType> {

    // first: the constants below are checked against it as they are made
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    public static final PiiType EMAIL = new PiiType("EMAIL");
    public static final PiiType PHONE_NUMBER = new PiiType("PHONE_NUMBER");
    public static final PiiType CREDIT_CARD = new PiiType("CREDIT_CARD");
    public static final PiiType US_SSN = new PiiType("US_SSN");
    public static final PiiType US_ITIN = new PiiType("US_ITIN");
    public static final PiiType IBAN = new PiiType("IBAN");
    public static final PiiType IP_ADDRESS = new PiiType("IP_ADDRESS");
    public static final PiiType DATE_OF_BIRTH = new PiiType("DATE_OF_BIRTH");
    public static final PiiType AWS_ACCESS_KEY = new PiiType("AWS_ACCESS_KEY");
    public static final PiiType AWS_SECRET_KEY = new PiiType("AWS_SECRET_KEY");
    public static final PiiType JWT = new PiiType("JWT");
    public static final PiiType PRIVATE_KEY = new PiiType("PRIVATE_KEY");

    /** The built-in types, in the order reports list them. */
    public static final List<PiiType> BUILT_IN = List.of(EMAIL, PHONE_NUMBER, CREDIT_CARD, US_SSN, US_ITIN, IBAN,
            IP_ADDRESS, DATE_OF_BIRTH, AWS_ACCESS_KEY, AWS_SECRET_KEY, JWT, PRIVATE_KEY);

    public PiiType {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a PII type name is 1 to 64 upper case letters, digits and "
                    + "underscores, starting with a letter");
        }
    }

    /** The built-in type called {@code name}, or {@code null}. */
    public static PiiType builtIn(String name) {
        for (PiiType t : BUILT_IN) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The type of a custom detector; refuses the name of a built-in type. */
    public static PiiType custom(String name) {
        PiiType type = new PiiType(name);
        if (builtIn(name) != null) {
            throw new IllegalArgumentException("custom detector name " + name + " is a built-in type");
        }
        return type;
    }

    @Override
    public int compareTo(PiiType other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
