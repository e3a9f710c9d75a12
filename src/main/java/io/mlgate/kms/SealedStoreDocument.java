package io.mlgate.kms;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON envelope shared by the files under keys/ that hold sealed entries (the keystore, the access-key store):
 * a {@code format} name and a {@code version}, checked before any entry is opened.
 */
public final class SealedStoreDocument {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SealedStoreDocument() {}

    /** Reads {@code file} and returns its root object after checking its format name and version. */
    public static JsonNode read(Path file, String format, int version, String description) throws IOException {
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new KeyCustodyException(file + " is not valid JSON (at " + e.getLocation() + ")");
        }
        if (doc == null || !doc.isObject() || !format.equals(doc.path("format").asString(""))) {
            throw new KeyCustodyException(file + " is not an mlgate " + description);
        }
        if (doc.path("version").asInt(0) != version) {
            throw new KeyCustodyException(file + " has unsupported " + description + " version " + doc.path("version"));
        }
        return doc;
    }
}
