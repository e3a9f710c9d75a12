package io.mlgate.sts.oidc;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OIDC providers declared in {@code policies/oidc-providers/*.json} (format in docs/sts.md), indexed by issuer.
 * Loading is strict: unknown fields, a non-HTTPS issuer or JWKS URL, private keys in a JWKS, or a provider declared
 * twice are errors naming the file.
 */
public final class OidcProviders {

    /** Folder under policies/. */
    public static final String DIRECTORY = "oidc-providers";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> FIELDS = Set.of("Url", "Accounts", "ClientIDList", "ThumbprintList", "Jwks",
            "JwksFile", "JwksUrl", "MaxTokenAgeSeconds", "ClockSkewSeconds");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern THUMBPRINT = Pattern.compile("[0-9a-fA-F]{40}");
    private static final long MAX_JWKS_FILE_BYTES = 256 * 1024;

    private final Map<String, OidcProvider> byIssuer;

    private OidcProviders(Map<String, OidcProvider> byIssuer) {
        this.byIssuer = Map.copyOf(byIssuer);
    }

    public static OidcProviders none() {
        return new OidcProviders(Map.of());
    }

    public static OidcProviders of(List<OidcProvider> providers) {
        Map<String, OidcProvider> m = new LinkedHashMap<>();
        providers.forEach(p -> m.put(p.issuer(), p));
        return new OidcProviders(m);
    }

    /** Loads {@code policiesDir/oidc-providers/*.json}; no folder means no providers. */
    public static OidcProviders load(Path policiesDir) throws IOException, OidcConfigurationException {
        Path dir = policiesDir.resolve(DIRECTORY);
        if (!Files.isDirectory(dir)) {
            return none();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")
                    && !p.getFileName().toString().endsWith(".jwks.json")).sorted().toList();
        }
        Map<String, OidcProvider> m = new LinkedHashMap<>();
        for (Path f : files) {
            OidcProvider p = parse(f, dir);
            if (m.putIfAbsent(p.issuer(), p) != null) {
                throw new OidcConfigurationException(f + ": provider " + p.issuer() + " is declared twice");
            }
        }
        return new OidcProviders(m);
    }

    /** Parses one provider file; {@code JwksFile} is resolved against {@code dir} and must stay inside it. */
    static OidcProvider parse(Path file, Path dir) throws IOException, OidcConfigurationException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new OidcConfigurationException(file + ": not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new OidcConfigurationException(file + ": expected a JSON object");
        }
        for (String name : root.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw new OidcConfigurationException(file + ": unknown field '" + name + "'");
            }
        }
        String url = text(root, "Url", file);
        if (!url.startsWith("https://") || url.length() > 255 || url.contains("?") || url.contains("#")) {
            throw new OidcConfigurationException(file + ": Url must be an https:// URL without query or fragment");
        }
        Set<String> accounts = new LinkedHashSet<>(strings(root, "Accounts", file));
        if (accounts.isEmpty() || !accounts.stream().allMatch(a -> ACCOUNT.matcher(a).matches())) {
            throw new OidcConfigurationException(file + ": Accounts must list 12-digit account ids");
        }
        List<String> clients = strings(root, "ClientIDList", file);
        if (clients.isEmpty()) {
            throw new OidcConfigurationException(file + ": ClientIDList must name at least one client id (audience)");
        }
        List<String> thumbprints = strings(root, "ThumbprintList", file);
        for (String t : thumbprints) {
            if (!THUMBPRINT.matcher(t).matches()) {
                throw new OidcConfigurationException(file + ": thumbprints are 40 hex digits (SHA-1)");
            }
        }
        int sources = (root.has("Jwks") ? 1 : 0) + (root.has("JwksFile") ? 1 : 0) + (root.has("JwksUrl") ? 1 : 0);
        if (sources != 1) {
            throw new OidcConfigurationException(file + ": give exactly one of Jwks, JwksFile, JwksUrl");
        }
        JWKSet keys = null;
        URI uri = null;
        if (root.has("Jwks")) {
            keys = publicJwks(root.get("Jwks").toString(), file);
        } else if (root.has("JwksFile")) {
            Path jwks = dir.resolve(text(root, "JwksFile", file)).normalize();
            if (!jwks.startsWith(dir.normalize()) || !Files.isRegularFile(jwks) || Files.size(jwks) > MAX_JWKS_FILE_BYTES) {
                throw new OidcConfigurationException(file + ": JwksFile must be a file of at most 256 KiB inside " + dir);
            }
            keys = publicJwks(Files.readString(jwks), file);
        } else {
            String u = text(root, "JwksUrl", file);
            if (!u.startsWith("https://")) {
                throw new OidcConfigurationException(file + ": JwksUrl must be https://");
            }
            uri = URI.create(u);
        }
        Duration maxAge = Duration.ofSeconds(root.path("MaxTokenAgeSeconds").asLong(86_400));
        Duration skew = Duration.ofSeconds(root.path("ClockSkewSeconds").asLong(60));
        if (maxAge.isNegative() || maxAge.isZero() || skew.isNegative() || skew.getSeconds() > 300) {
            throw new OidcConfigurationException(file + ": MaxTokenAgeSeconds must be > 0 and ClockSkewSeconds 0..300");
        }
        return new OidcProvider(url, accounts, clients, keys, uri, thumbprints, maxAge, skew);
    }

    static JWKSet publicJwks(String json, Object source) throws OidcConfigurationException {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new OidcConfigurationException(source + ": not a valid JWK set");
        }
        for (JWK k : set.getKeys()) {
            if (k.isPrivate()) {
                throw new OidcConfigurationException(source + ": the JWK set holds a private key; give public keys only");
            }
        }
        return set;
    }

    private static String text(JsonNode root, String name, Path file) throws OidcConfigurationException {
        JsonNode n = root.get(name);
        if (n == null || !n.isString() || n.asString().isEmpty()) {
            throw new OidcConfigurationException(file + ": " + name + " must be a non-empty string");
        }
        return n.asString();
    }

    private static List<String> strings(JsonNode root, String name, Path file) throws OidcConfigurationException {
        JsonNode n = root.get(name);
        if (n == null) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new OidcConfigurationException(file + ": " + name + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : n) {
            if (!v.isString()) {
                throw new OidcConfigurationException(file + ": " + name + " must be an array of strings");
            }
            out.add(v.asString());
        }
        return out;
    }

    /** The provider whose issuer is exactly {@code iss}. */
    public Optional<OidcProvider> byIssuer(String iss) {
        return Optional.ofNullable(iss == null ? null : byIssuer.get(iss));
    }

    public List<OidcProvider> providers() {
        return List.copyOf(byIssuer.values());
    }
}
