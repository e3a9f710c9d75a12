package io.mlgate.audit.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Reads and rewrites bundle zips for tamper tests, and re-signs manifests as an attacker or insider would. */
final class Zips {

    private Zips() {
    }

    static LinkedHashMap<String, byte[]> read(Path zip) throws IOException {
        LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = z.getNextEntry()) != null) {
                out.put(e.getName(), z.readAllBytes());
            }
        }
        return out;
    }

    static void write(Path zip, Map<String, byte[]> entries) throws IOException {
        write(zip, new ArrayList<>(entries.entrySet()));
    }

    static void write(Path zip, List<Map.Entry<String, byte[]>> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    /** Rewrites manifest.json to list the current entries' hashes and signs it with {@code key}. */
    static void resign(Map<String, byte[]> entries, BundleSigningKey key) throws IOException {
        BundleManifest old = BundleManifest.parse(entries.get(BundleLayout.MANIFEST));
        List<BundleManifest.Entry> list = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            if (!e.getKey().equals(BundleLayout.MANIFEST) && !e.getKey().equals(BundleLayout.MANIFEST_SIG)) {
                list.add(new BundleManifest.Entry(e.getKey(), TrailJson.sha256Hex(e.getValue()), e.getValue().length));
            }
        }
        BundleManifest m = new BundleManifest(old.formatVersion(), old.createdTime(), old.query(), old.eventCount(),
                key.fingerprint(), list);
        byte[] bytes = m.toJson();
        entries.put(BundleLayout.MANIFEST, bytes);
        entries.put(BundleLayout.MANIFEST_SIG, RsaSignatures.sigFile(key.sign(bytes)));
    }
}
