package io.mlgate.kms.root;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON {@link SealedFile} whose sealed values are base64 text fields; a {@link Locator} written by the file's
 * owner names each sealed field and the associated data its store binds it to.
 */
public final class SealedJsonFile implements SealedFile {

    /** Finds the sealed fields of a document and the associated data each is bound to. */
    @FunctionalInterface
    public interface Locator {
        /** Calls {@code sink} once per sealed field of {@code document}. */
        void locate(JsonNode document, Sink sink);
    }

    /** Receives one sealed field: the object holding it, the field name, and its associated data. */
    @FunctionalInterface
    public interface Sink {
        void sealedField(ObjectNode holder, String field, byte[] associatedData);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String name;
    private final Locator locator;

    private SealedJsonFile(String name, Locator locator) {
        this.name = name;
        this.locator = locator;
    }

    /** A sealed JSON file named {@code name} whose sealed fields {@code locator} finds. */
    public static SealedJsonFile of(String name, Locator locator) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(locator, "locator");
        if (name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("a sealed file is a plain file name in keys/: " + name);
        }
        return new SealedJsonFile(name, locator);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] reseal(byte[] content, RootKey from, RootKey to) {
        JsonNode doc = parse(content);
        int[] index = {0};
        locator.locate(doc, (holder, field, ad) -> {
            byte[] plain = openField(holder, field, ad, from, index[0]++);
            try {
                holder.put(field, Base64.getEncoder().encodeToString(to.seal(plain, ad)));
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        });
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    }

    @Override
    public int verify(byte[] content, RootKey root) {
        JsonNode doc = parse(content);
        int[] index = {0};
        locator.locate(doc, (holder, field, ad) -> Arrays.fill(openField(holder, field, ad, root, index[0]++),
                (byte) 0));
        return index[0];
    }

    private byte[] openField(ObjectNode holder, String field, byte[] ad, RootKey root, int index) {
        JsonNode value = holder.get(field);
        if (value == null || !value.isString()) {
            throw new KeyCustodyException(name + ": sealed value #" + index + " (" + field + ") is missing");
        }
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(value.stringValue());
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(name + ": sealed value #" + index + " (" + field + ") is not base64");
        }
        try {
            return root.open(sealed, ad);
        } catch (KeyCustodyException e) {
            throw new KeyCustodyException(name + ": sealed value #" + index + " (" + field + ") does not open under "
                    + root + ": " + e.getMessage());
        }
    }

    private JsonNode parse(byte[] content) {
        try {
            JsonNode doc = JSON.readTree(content);
            if (doc == null || !doc.isObject()) {
                throw new KeyCustodyException(name + " is not a JSON object");
            }
            return doc;
        } catch (JacksonException e) {
            throw new KeyCustodyException(name + " is not valid JSON");
        }
    }

    @Override
    public String toString() {
        return "SealedJsonFile[" + name + "]";
    }
}
