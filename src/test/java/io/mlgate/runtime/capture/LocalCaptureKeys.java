package io.mlgate.runtime.capture;

import io.mlgate.kms.artifact.KeyServiceException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test key service behaving like KMS for capture files: customer keys by ARN and alias, enabled or not; roles
 * allowed to generate data keys; wrapped keys that bind the key ARN and the encryption context as AES-GCM associated
 * data (so a changed context is InvalidCiphertextException); readers that may be denied; KMS error codes.
 */
public final class LocalCaptureKeys implements CaptureKeys, CaptureFileKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, byte[]> keys = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final Set<String> disabled = new HashSet<>();
    private final Set<String> roles = new HashSet<>();
    private volatile boolean denyReads;
    final AtomicInteger generated = new AtomicInteger();
    final AtomicInteger unwrapped = new AtomicInteger();

    /** A key service with one key, {@code alias/capture}, that {@code roles} may generate data keys with. */
    public static LocalCaptureKeys withKey(String... roles) {
        LocalCaptureKeys k = new LocalCaptureKeys();
        k.createKey("capture");
        k.roles.addAll(Set.of(roles));
        return k;
    }

    /** Creates a key with alias {@code alias/NAME}; returns its ARN. */
    public synchronized String createKey(String aliasName) {
        String arn = "arn:aws:kms:us-east-1:123456789012:key/" + java.util.UUID.randomUUID();
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        keys.put(arn, material);
        aliases.put("alias/" + aliasName, arn);
        return arn;
    }

    public synchronized String arnOf(String keyId) {
        return aliases.getOrDefault(keyId, keyId);
    }

    public synchronized void disable(String keyId) {
        disabled.add(arnOf(keyId));
    }

    public synchronized void allow(String role) {
        roles.add(role);
    }

    public synchronized void forbid(String role) {
        roles.remove(role);
    }

    /** Readers are refused (AccessDeniedException) while set. */
    public void denyReads(boolean deny) {
        denyReads = deny;
    }

    private synchronized String usable(String role, String keyId) {
        String arn = arnOf(keyId);
        if (!keys.containsKey(arn)) {
            throw new KeyServiceException("NotFoundException", "Key '" + keyId + "' does not exist");
        }
        if (disabled.contains(arn)) {
            throw new KeyServiceException("DisabledException", arn + " is disabled.");
        }
        if (!roles.contains(role)) {
            throw new KeyServiceException("AccessDeniedException", "User: " + role
                    + " is not authorized to perform: kms:GenerateDataKey on resource: " + arn);
        }
        return arn;
    }

    @Override
    public FileKey generate(String executionRoleArn, String keyId, Map<String, String> context) {
        String arn = usable(executionRoleArn, keyId);
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        generated.incrementAndGet();
        return new FileKey(arn, dataKey, wrap(arn, dataKey, context));
    }

    @Override
    public void check(String executionRoleArn, String keyId, Map<String, String> context) {
        usable(executionRoleArn, keyId);
    }

    @Override
    public byte[] dataKey(CaptureFileHeader header) {
        if (denyReads) {
            throw new KeyServiceException("AccessDeniedException", "User: reader is not authorized to perform: "
                    + "kms:Decrypt on resource: " + header.keyArn());
        }
        unwrapped.incrementAndGet();
        byte[] material;
        synchronized (this) {
            material = keys.get(header.keyArn());
        }
        if (material == null) {
            throw new KeyServiceException("InvalidCiphertextException", "");
        }
        ByteBuffer in = ByteBuffer.wrap(header.wrappedKey());
        byte[] nonce = new byte[12];
        in.get(nonce);
        byte[] ct = new byte[in.remaining()];
        in.get(ct);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(material, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(header.keyArn(), header.context()));
            return c.doFinal(ct);
        } catch (AEADBadTagException e) {
            throw new KeyServiceException("InvalidCiphertextException", "");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized byte[] wrap(String arn, byte[] dataKey, Map<String, String> context) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.get(arn), "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(arn, context));
            byte[] ct = c.doFinal(dataKey);
            return ByteBuffer.allocate(12 + ct.length).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] aad(String arn, Map<String, String> context) {
        return (arn + "\n" + new TreeMap<>(context)).getBytes(StandardCharsets.UTF_8);
    }
}
