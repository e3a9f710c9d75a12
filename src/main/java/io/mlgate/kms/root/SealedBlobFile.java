package io.mlgate.kms.root;

import java.util.Arrays;
import java.util.Objects;

import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;

/**
 * A {@link SealedFile} whose whole content is one value sealed under the root key (for example
 * {@code cluster/ca.key}, {@code cluster/join.key}). Its name may hold one folder level inside keys/.
 */
public final class SealedBlobFile implements SealedFile {

    private final String name;
    private final byte[] associatedData;

    private SealedBlobFile(String name, byte[] associatedData) {
        this.name = name;
        this.associatedData = associatedData;
    }

    /** A sealed file {@code name} (a file name in keys/ or {@code folder/file}) bound to {@code associatedData}. */
    public static SealedBlobFile of(String name, byte[] associatedData) {
        Objects.requireNonNull(associatedData, "associatedData");
        if (!RootRotation.validName(name)) {
            throw new IllegalArgumentException("a sealed file is a file name in keys/ or one folder below: " + name);
        }
        return new SealedBlobFile(name, associatedData.clone());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public byte[] reseal(byte[] content, RootKey from, RootKey to) {
        byte[] plain = open(content, from);
        try {
            return to.seal(plain, associatedData);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    @Override
    public int verify(byte[] content, RootKey root) {
        Arrays.fill(open(content, root), (byte) 0);
        return 1;
    }

    private byte[] open(byte[] content, RootKey root) {
        try {
            return root.open(content, associatedData);
        } catch (KeyCustodyException e) {
            throw new KeyCustodyException(name + ": the sealed value does not open under the current root key");
        }
    }
}
