package io.mlgate.iam.guardrail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Test material: the demo policy that opa-java-wasm ships (entrypoint {@code opa/wasm/test/allowed}, true when
 * {@code data.role[input.user] == "admin"}), its data, and a small ustar writer to build bundles as
 * {@code opa build -t wasm} lays them out.
 */
final class GuardrailFixtures {

    static final String ENTRYPOINT = "opa/wasm/test/allowed";
    static final String ALICE_ADMIN = "{\"role\":{\"alice\":\"admin\"}}";
    static final String BOB_ADMIN = "{\"role\":{\"bob\":\"admin\"}}";
    static final GuardrailInput ALICE = GuardrailInput.ofJson("{\"user\":\"alice\"}");
    static final GuardrailInput BOB = GuardrailInput.ofJson("{\"user\":\"bob\"}");
    static final String MANIFEST = "{\"revision\":\"\",\"roots\":[\"\"],\"wasm\":[{\"entrypoint\":\"" + ENTRYPOINT
            + "\",\"module\":\"/policy.wasm\"}]}";

    private static byte[] demo;

    private GuardrailFixtures() {
    }

    static synchronized byte[] demoWasm() {
        if (demo == null) {
            try (InputStream in = GuardrailFixtures.class.getResourceAsStream("/demo-policy.wasm")) {
                if (in == null) {
                    throw new IllegalStateException("demo-policy.wasm is not on the classpath");
                }
                demo = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return demo.clone();
    }

    static GuardrailSettings settings(int poolSize, Duration poolWait) {
        return new GuardrailSettings(null, poolSize, poolWait, 64, null, Duration.ofMillis(500), 0,
                Duration.ofSeconds(60));
    }

    static GuardrailSettings settings() {
        return settings(2, Duration.ofSeconds(10));
    }

    /** policies/opa/ under {@code root}, created. */
    static Path opaDir(Path root) throws IOException {
        return Files.createDirectories(root.resolve(GuardrailSet.DIRECTORY));
    }

    /** A bare module {@code <stem>.wasm} with {@code <stem>.data.json} (no data file when data is null). */
    static void writeBare(Path root, String stem, String data) throws IOException {
        Path dir = opaDir(root);
        Files.write(dir.resolve(stem + ".wasm"), demoWasm());
        if (data != null) {
            Files.writeString(dir.resolve(stem + ".data.json"), data);
        }
    }

    /** The demo policy as an OPA bundle: /policy.wasm, /data.json, /.manifest and a source file. */
    static byte[] demoBundle(String data, String manifest) throws IOException {
        Tar tar = new Tar();
        tar.file("/.manifest", manifest.getBytes(StandardCharsets.UTF_8));
        tar.file("/policy.wasm", demoWasm());
        if (data != null) {
            tar.file("/data.json", data.getBytes(StandardCharsets.UTF_8));
        }
        tar.file("/example.rego", "package opa.wasm.test\n".getBytes(StandardCharsets.UTF_8));
        return tar.gzip();
    }

    static byte[] bundle(Map<String, byte[]> files) throws IOException {
        Tar tar = new Tar();
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            tar.file(e.getKey(), e.getValue());
        }
        return tar.gzip();
    }

    /** A minimal ustar writer (what Go's archive/tar, used by opa build, writes for short names). */
    static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar file(String name, byte[] content) {
            return entry(name, '0', content, content.length);
        }

        /** An entry with any type flag and a declared size that may differ from the content written. */
        Tar entry(String name, char type, byte[] content, long declaredSize) {
            byte[] header = header(name, type, declaredSize);
            out.writeBytes(header);
            out.writeBytes(content);
            int pad = (512 - content.length % 512) % 512;
            out.writeBytes(new byte[pad]);
            return this;
        }

        Tar raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        static byte[] header(String name, char type, long size) {
            byte[] h = new byte[512];
            put(h, 0, name, 100);
            put(h, 100, "0000644", 8);
            put(h, 108, "0000000", 8);
            put(h, 116, "0000000", 8);
            put(h, 124, String.format("%011o", size), 12);
            put(h, 136, String.format("%011o", 0), 12);
            h[156] = (byte) type;
            put(h, 257, "ustar", 6);
            h[263] = '0';
            h[264] = '0';
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o", sum), 7);
            h[155] = ' ';
            return h;
        }

        private static void put(byte[] h, int offset, String s, int max) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, h, offset, Math.min(b.length, max));
        }

        /** The archive with its end marker, gzip-compressed. */
        byte[] gzip() throws IOException {
            return gzip(true);
        }

        byte[] gzip(boolean endMarker) throws IOException {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(compressed)) {
                gz.write(out.toByteArray());
                if (endMarker) {
                    gz.write(new byte[1024]);
                }
            }
            return compressed.toByteArray();
        }
    }
}
