package io.mlgate.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.mlgate.kms.artifact.ArtifactBinding;
import io.mlgate.kms.artifact.InMemoryDataKeys;
import io.mlgate.kms.artifact.ModelArtifacts;
import io.mlgate.kms.artifact.ModelSource;

/**
 * Model artifact decryption throughput (issue 4's figure): a 256 MiB model in 16 KiB segments, decrypted from memory
 * into a preallocated buffer on one thread, header checks included, with and without the plaintext SHA-256 check.
 * {@code jceGcmOnly} is the floor (the same segments through bare JCE AES-GCM calls) and {@code sha256Only} the
 * digest's own cost. GB/s = 0.268435456 / seconds per op. Run:
 * {@code bench/jmh.sh ArtifactDecryptBenchmark -f 1 -wi 2 -i 3} (add {@code -prof gc} for bytes allocated per op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class ArtifactDecryptBenchmark {

    static final int MODEL_BYTES = 256 << 20;
    static final Map<String, String> CONTEXT = Map.of("mlgate:model", "big", "aws:account", "111122223333");

    private ModelArtifacts artifacts;
    private byte[] artifact;
    private byte[] dest;
    private ArtifactBinding binding;

    private byte[] rawSegments;
    private SecretKeySpec rawKey;
    private Cipher rawCipher;

    @Setup
    public void setUp() throws Exception {
        InMemoryDataKeys kms = new InMemoryDataKeys();
        kms.createKey("models");
        artifacts = new ModelArtifacts(kms);
        byte[] model = new byte[MODEL_BYTES];
        new Random(42).nextBytes(model);
        ByteArrayOutputStream out = new ByteArrayOutputStream(MODEL_BYTES + (1 << 20));
        artifacts.write(ModelSource.of(model), out, "alias/models", CONTEXT, Map.of("name", "big"));
        artifact = out.toByteArray();
        dest = new byte[MODEL_BYTES];
        binding = ArtifactBinding.context(CONTEXT);

        int segment = ModelArtifacts.DEFAULT_SEGMENT_SIZE;
        rawKey = new SecretKeySpec(new byte[32], "AES");
        rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
        rawSegments = new byte[MODEL_BYTES + MODEL_BYTES / segment * 16];
        for (int i = 0, in = 0, o = 0; in < MODEL_BYTES; i++, in += segment) {
            rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce(i)));
            o += rawCipher.doFinal(model, in, segment, rawSegments, o);
        }
    }

    private static byte[] nonce(int i) {
        byte[] nonce = new byte[12];
        nonce[8] = (byte) (i >>> 24);
        nonce[9] = (byte) (i >>> 16);
        nonce[10] = (byte) (i >>> 8);
        nonce[11] = (byte) i;
        return nonce;
    }

    @Benchmark
    public int decryptArtifact() throws Exception {
        return artifacts.open(new ByteArrayInputStream(artifact)).decryptInto(binding, dest, 0);
    }

    @Benchmark
    public int decryptArtifactWithoutDigestCheck() throws Exception {
        return artifacts.open(new ByteArrayInputStream(artifact)).decryptInto(binding.withoutDigestCheck(), dest, 0);
    }

    @Benchmark
    public byte[] sha256Only() throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(dest);
    }

    @Benchmark
    public int jceGcmOnly() throws Exception {
        int segment = ModelArtifacts.DEFAULT_SEGMENT_SIZE;
        int out = 0;
        for (int i = 0, in = 0; in < rawSegments.length; i++, in += segment + 16) {
            rawCipher.init(Cipher.DECRYPT_MODE, rawKey, new GCMParameterSpec(128, nonce(i)));
            out += rawCipher.doFinal(rawSegments, in, segment + 16, dest, out);
        }
        return out;
    }
}
