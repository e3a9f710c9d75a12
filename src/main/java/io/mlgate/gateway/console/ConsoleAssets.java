package io.mlgate.gateway.console;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The console's files, read once at start from a classpath folder ({@code static/console/}, where the Vite build
 * writes) into memory, each with its gzip form (kept when smaller), content type and cache policy. Only these exact
 * names are ever served: a request path is looked up as a map key, never resolved against a folder, so no path
 * traversal is possible.
 */
public final class ConsoleAssets {

    /** {@code Cache-Control} of the hashed files under {@code assets/}. */
    public static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** {@code Cache-Control} of every other file (index.html, config.json). */
    public static final String NO_STORE = "no-store";

    /**
     * One file: its bytes, its gzip bytes (null when gzip does not make it smaller), content type and cache policy.
     */
    public record Asset(byte[] identity, byte[] gzip, String contentType, String cacheControl) {
    }

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json",
            "ico", "image/x-icon",
            "woff2", "font/woff2",
            "map", "application/json",
            "txt", "text/plain; charset=utf-8");

    private final Map<String, Asset> files;

    private ConsoleAssets(Map<String, Asset> files) {
        this.files = Collections.unmodifiableMap(files);
    }

    /**
     * Reads every file under the classpath folder {@code folder} (e.g. {@code static/console}), from directories and
     * jars alike; names are relative to the folder with {@code /} separators.
     */
    public static ConsoleAssets load(ClassLoader loader, String folder) throws IOException {
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(loader);
        java.util.List<String> roots = new java.util.ArrayList<>();
        for (Resource root : resolver.getResources("classpath*:" + prefix)) {
            roots.add(root.getURL().toString());
        }
        Map<String, Asset> files = new HashMap<>();
        for (Resource r : resolver.getResources("classpath*:" + prefix + "**")) {
            String url = r.getURL().toString();
            if (url.endsWith("/") || !r.isReadable()) {
                continue;
            }
            String name = null;
            for (String root : roots) {
                if (url.startsWith(root)) {
                    name = url.substring(root.length());
                    break;
                }
            }
            if (name == null) {
                int at = url.lastIndexOf(prefix); // a jar without directory entries
                if (at < 0) {
                    continue;
                }
                name = url.substring(at + prefix.length());
            }
            if (name.isEmpty() || files.containsKey(name)) {
                continue; // the first on the classpath wins
            }
            byte[] bytes;
            try (InputStream in = r.getInputStream()) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                continue; // a directory entry some class loaders list as a resource
            }
            files.put(name, asset(name, bytes));
        }
        return new ConsoleAssets(files);
    }

    /** A set of assets plus (or replacing) one generated file. */
    public ConsoleAssets with(String name, byte[] bytes) {
        Map<String, Asset> copy = new HashMap<>(files);
        copy.put(name, asset(name, bytes));
        return new ConsoleAssets(copy);
    }

    /** The file of an exact name (as it appears after {@code /console/}), or null. */
    public Asset get(String name) {
        return files.get(name);
    }

    /** How many files are served. */
    public int size() {
        return files.size();
    }

    static Asset asset(String name, byte[] bytes) {
        byte[] gzip = gzip(bytes);
        return new Asset(bytes, gzip.length < bytes.length ? gzip : null, contentType(name),
                name.startsWith("assets/") ? IMMUTABLE : NO_STORE);
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 32);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("gzip in memory failed", e);
        }
        return out.toByteArray();
    }
}
