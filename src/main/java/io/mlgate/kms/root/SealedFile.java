package io.mlgate.kms.root;

import io.mlgate.kms.RootKey;

/**
 * A file under keys/ that holds values sealed under the root key, as {@link RootRotation} sees it: it can re-seal
 * every value from one root key to another and check that every value opens.
 */
public interface SealedFile {

    /** The file name in keys/, e.g. {@code keystore.json}. */
    String name();

    /**
     * Returns {@code content} with every sealed value opened under {@code from} and sealed again under {@code to}
     * with the same associated data; everything else unchanged. Fails with
     * {@link io.mlgate.kms.KeyCustodyException} if a value does not open.
     */
    byte[] reseal(byte[] content, RootKey from, RootKey to);

    /** Opens every sealed value of {@code content} under {@code root}; returns how many there are. */
    int verify(byte[] content, RootKey root);
}
