package io.mlgate.kms.root;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import io.mlgate.kms.AtomicFileWriter;
import io.mlgate.kms.RootKey;

/**
 * Child process of {@link CrashSafetyTest}: rewrites keys/store.json forever, each generation sealing a 256 KiB
 * payload derived from its generation number, and prints "wrote N" once each write has returned.
 */
public final class SealedStoreWriterMain {

    static final String FILE = "store.json";
    static final byte[] AD = "mlgate/test/kill-store".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        Path keys = Path.of(args[0]);
        RootKey root = RootKey.loadOrCreate(keys);
        long generation = Files.exists(keys.resolve(FILE)) ? read(keys, root) : 0;
        while (true) {
            generation++;
            byte[] sealed = root.seal(payload(generation), AD);
            String json = "{\"generation\":" + generation + ",\"sealed\":\""
                    + Base64.getEncoder().encodeToString(sealed) + "\"}";
            AtomicFileWriter.replace(keys.resolve(FILE), json.getBytes(StandardCharsets.US_ASCII));
            System.out.println("wrote " + generation);
            System.out.flush();
        }
    }

    static byte[] payload(long generation) {
        byte[] p = new byte[256 * 1024];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (generation * 31 + i);
        }
        return p;
    }

    /** Opens the store and checks its payload; returns its generation. */
    static long read(Path keys, RootKey root) throws Exception {
        String json = Files.readString(keys.resolve(FILE));
        var node = tools.jackson.databind.json.JsonMapper.builder().build().readTree(json);
        long generation = node.path("generation").asLong(-1);
        byte[] plain = root.open(Base64.getDecoder().decode(node.path("sealed").asString()), AD);
        if (!java.util.Arrays.equals(plain, payload(generation))) {
            throw new IllegalStateException("generation " + generation + " has the wrong payload");
        }
        return generation;
    }
}
