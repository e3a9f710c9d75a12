package io.mlgate.kms;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Unambiguous encoding of a domain label and a list of text fields, for use as AEAD associated data: every field is
 * length-prefixed, so no two different field lists encode to the same bytes.
 */
public final class AssociatedData {

    private AssociatedData() {
    }

    /**
     * Encodes {@code domain} followed by {@code fields}; a {@code null} field is encoded distinctly from an empty one.
     *
     * @param domain a label naming what is being bound, e.g. {@code "mlgate/keystore/v1"}
     * @param fields the values to bind, in a fixed order
     * @return the encoded bytes
     */
    public static byte[] of(String domain, String... fields) {
        Objects.requireNonNull(domain, "domain");
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        appendField(out, domain);
        writeInt(out, fields.length);
        for (String field : fields) {
            appendField(out, field);
        }
        return out.toByteArray();
    }

    private static void appendField(ByteArrayOutputStream out, String field) {
        if (field == null) {
            writeInt(out, -1);
            return;
        }
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        writeInt(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
