package io.mlgate.cluster.wire;

/**
 * One container of a placed variant: its model name, pipeline hostname (or null) and the artifact file's bytes in
 * base64, still envelope-encrypted.
 */
public record PlacedContainer(String name, String hostname, String artifact) {

    @Override
    public String toString() {
        return "PlacedContainer[" + name + ", " + (artifact == null ? 0 : artifact.length()) + " base64 chars]";
    }
}
