package io.mlgate.iam.guardrail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads the Wasm guardrails of {@code <policies>/opa/}, in file name order:
 * <ul>
 *   <li>{@code *.tar.gz}: an OPA bundle as {@code opa build -t wasm} writes it ({@code /policy.wasm}, optional
 *       {@code /data.json}, {@code /.manifest} whose {@code wasm} list gives the entrypoint; {@code .rego} sources
 *       inside are ignored, anything else is a problem);</li>
 *   <li>{@code *.wasm}: a bare module, with its data from {@code <stem>.data.json} beside it (else {@code {}}).</li>
 * </ul>
 * The entrypoint is {@code mlgate.opa.entrypoint} when set (it must exist in every module), else the bundle
 * manifest's, else the module's only one. Sub-folders, dot-files, {@code *.md} and {@code *.rego} are ignored; any
 * other file is a problem. A missing or empty folder means no guardrails. Every problem names its file, all are
 * collected, and on any problem the guardrails already built are closed and nothing is returned.
 */
final class GuardrailLoader {

    static final long MAX_MODULE_BYTES = BundleReader.MAX_ENTRY_BYTES;
    static final long MAX_BUNDLE_BYTES = 64L << 20;
    static final long MAX_DATA_BYTES = BundleReader.MAX_ENTRY_BYTES;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BUNDLE = ".tar.gz";
    private static final String MODULE = ".wasm";
    private static final String DATA = ".data.json";
    private static final String DEFAULT_MODULE = "policy.wasm";

    private GuardrailLoader() {
    }

    /** The folder's guardrails in file name order (empty when the folder is missing or empty). */
    static List<WasmGuardrail> load(Path policiesDir, GuardrailSettings settings)
            throws GuardrailConfigurationException {
        Path dir = policiesDir.resolve(GuardrailSet.DIRECTORY);
        if (!Files.exists(dir)) {
            return List.of();
        }
        String folder = GuardrailSet.DIRECTORY + "/";
        if (!Files.isDirectory(dir)) {
            throw new GuardrailConfigurationException(List.of(folder + " is not a folder"));
        }
        TreeMap<String, Path> files = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                files.put(p.getFileName().toString(), p);
            }
        } catch (IOException e) {
            throw new GuardrailConfigurationException(List.of(folder + " cannot be listed (" + e.getClass()
                    .getSimpleName() + ")"));
        }
        List<WasmGuardrail> built = new ArrayList<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            String file = e.getKey();
            Path path = e.getValue();
            String shown = folder + file;
            if (file.startsWith(".") || Files.isDirectory(path) || file.endsWith(".md") || file.endsWith(".rego")) {
                continue;
            }
            if (!Files.isRegularFile(path)) {
                problems.add(shown + ": not a regular file");
                continue;
            }
            try {
                if (file.endsWith(DATA)) {
                    String stem = file.substring(0, file.length() - DATA.length());
                    if (!files.containsKey(stem + MODULE)) {
                        problems.add(shown + ": a data document without its module " + stem + MODULE);
                    }
                } else if (file.endsWith(BUNDLE) && file.length() > BUNDLE.length()) {
                    built.add(bundle(file, path, settings));
                } else if (file.endsWith(MODULE) && file.length() > MODULE.length()) {
                    built.add(bare(file, path, files, settings));
                } else {
                    problems.add(shown + ": not a guardrail (expected *.tar.gz or *.wasm, with *.data.json; "
                            + "*.md and *.rego are ignored)");
                }
            } catch (GuardrailConfigurationException ex) {
                for (String problem : ex.problems()) {
                    problems.add(shown + ": " + problem);
                }
            } catch (IOException ex) {
                problems.add(shown + ": cannot be read (" + ex.getClass().getSimpleName() + ")");
            }
        }
        if (!problems.isEmpty()) {
            built.forEach(WasmGuardrail::close);
            throw new GuardrailConfigurationException(problems);
        }
        return List.copyOf(built);
    }

    private static WasmGuardrail bare(String file, Path path, Map<String, Path> files, GuardrailSettings settings)
            throws IOException, GuardrailConfigurationException {
        byte[] module = readBounded(path, MAX_MODULE_BYTES, "module");
        String stem = file.substring(0, file.length() - MODULE.length());
        Path dataFile = files.get(stem + DATA);
        String data = null;
        if (dataFile != null && Files.isRegularFile(dataFile)) {
            data = new String(readBounded(dataFile, MAX_DATA_BYTES, "data document " + stem + DATA),
                    StandardCharsets.UTF_8);
        }
        return create(file, module, data, settings.entrypoint(), settings);
    }

    private static WasmGuardrail bundle(String file, Path path, GuardrailSettings settings)
            throws IOException, GuardrailConfigurationException {
        long size = Files.size(path);
        if (size > MAX_BUNDLE_BYTES) {
            throw single("the bundle is larger than " + MAX_BUNDLE_BYTES + " bytes");
        }
        Map<String, byte[]> entries;
        try (InputStream in = Files.newInputStream(path)) {
            entries = BundleReader.read(in);
        } catch (BundleReader.BundleException e) {
            throw single("not a usable bundle: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        String modulePath = DEFAULT_MODULE;
        List<String> manifestEntrypoints = List.of();
        byte[] manifest = entries.get(".manifest");
        if (manifest != null) {
            JsonNode root;
            try {
                root = JSON.readTree(manifest);
            } catch (JacksonException e) {
                throw single("the bundle's .manifest is not JSON");
            }
            if (root == null || !root.isObject()) {
                throw single("the bundle's .manifest is not a JSON object");
            }
            JsonNode wasm = root.get("wasm");
            if (wasm != null && !wasm.isNull()) {
                if (!wasm.isArray()) {
                    throw single("the bundle's .manifest \"wasm\" is not a list");
                }
                Set<String> modules = new LinkedHashSet<>();
                List<String> entrypoints = new ArrayList<>();
                for (JsonNode w : wasm) {
                    JsonNode entrypoint = w.get("entrypoint");
                    JsonNode module = w.get("module");
                    if (entrypoint == null || !entrypoint.isString() || module == null || !module.isString()) {
                        throw single("the bundle's .manifest \"wasm\" entries need \"entrypoint\" and \"module\"");
                    }
                    String m = module.stringValue();
                    modules.add(m.startsWith("/") ? m.substring(1) : m);
                    entrypoints.add(entrypoint.stringValue());
                }
                if (modules.size() > 1) {
                    throw single("the bundle holds several Wasm modules " + modules + "; one is supported");
                }
                if (!modules.isEmpty()) {
                    modulePath = modules.iterator().next();
                }
                manifestEntrypoints = entrypoints;
            }
        }
        for (String name : entries.keySet()) {
            if (name.equals(".manifest") || name.equals(modulePath) || name.equals("data.json")
                    || name.endsWith(".rego")) {
                continue;
            }
            if (name.endsWith("data.json") || name.endsWith("data.yaml") || name.endsWith("data.yml")) {
                problems.add("the bundle's data file " + name + " is not at the bundle root (not supported)");
            } else if (name.endsWith(".signatures.json")) {
                problems.add("the bundle is signed; signatures are not verified here (not supported)");
            } else {
                problems.add("the bundle holds an unexpected file " + name);
            }
        }
        byte[] module = entries.get(modulePath);
        if (module == null) {
            problems.add("the bundle has no Wasm module /" + modulePath + " (build it with opa build -t wasm)");
        }
        String entrypoint = settings.entrypoint();
        if (entrypoint == null && manifestEntrypoints.size() > 1) {
            problems.add("the bundle has several entrypoints " + manifestEntrypoints
                    + "; choose one with mlgate.opa.entrypoint");
        } else if (entrypoint == null && manifestEntrypoints.size() == 1) {
            entrypoint = manifestEntrypoints.get(0);
        }
        if (!problems.isEmpty()) {
            throw new GuardrailConfigurationException(problems);
        }
        byte[] data = entries.get("data.json");
        return create(file, module, data == null ? null : new String(data, StandardCharsets.UTF_8), entrypoint,
                settings);
    }

    /** Builds the guardrail; its problems come back without the {@code opa:<file>: } prefix (the caller adds it). */
    private static WasmGuardrail create(String file, byte[] module, String data, String entrypoint,
                                        GuardrailSettings settings) throws GuardrailConfigurationException {
        String name = "opa:" + file;
        try {
            return WasmGuardrail.create(name, module, data, entrypoint, settings);
        } catch (GuardrailConfigurationException e) {
            List<String> problems = new ArrayList<>();
            for (String p : e.problems()) {
                problems.add(p.startsWith(name + ": ") ? p.substring(name.length() + 2) : p);
            }
            throw new GuardrailConfigurationException(problems);
        }
    }

    private static byte[] readBounded(Path path, long max, String what) throws IOException,
            GuardrailConfigurationException {
        if (Files.size(path) > max) {
            throw single("the " + what + " is larger than " + max + " bytes");
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes((int) max + 1);
            if (bytes.length > max) {
                throw single("the " + what + " is larger than " + max + " bytes");
            }
            return bytes;
        }
    }

    private static GuardrailConfigurationException single(String problem) {
        return new GuardrailConfigurationException(List.of(problem));
    }
}
