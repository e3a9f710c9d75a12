package io.mlgate.auth.sigv4;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One case directory of the aws-c-auth v4 signing suite (copied under src/test/resources/sigv4/v4). */
record VectorCase(String name, Path dir, String accessKeyId, String secret, String token, String region,
                  String service, Instant timestamp, boolean normalize, boolean signBody, boolean omitSessionToken) {

    static Path root() {
        URL url = VectorCase.class.getResource("/sigv4/v4");
        if (url == null) {
            throw new IllegalStateException("test vectors missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<VectorCase> all() {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).sorted().map(VectorCase::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static VectorCase load(Path dir) {
        JsonNode ctx = JsonMapper.shared().readTree(read(dir.resolve("context.json")));
        JsonNode creds = ctx.path("credentials");
        String token = creds.has("token") ? creds.get("token").asString() : null;
        return new VectorCase(dir.getFileName().toString(), dir, creds.get("access_key_id").asString(),
                creds.get("secret_access_key").asString(), token, ctx.get("region").asString(),
                ctx.get("service").asString(), Instant.parse(ctx.get("timestamp").asString()),
                ctx.path("normalize").asBoolean(true), ctx.path("sign_body").asBoolean(false),
                ctx.path("omit_session_token").asBoolean(false));
    }

    String file(String fileName) {
        return read(dir.resolve(fileName));
    }

    SigV4Verifier verifier() {
        return new SigV4Verifier(policy(), lookup());
    }

    SigV4Policy policy() {
        return SigV4Policy.builder().normalizePath(normalize).clock(Clock.fixed(timestamp, ZoneOffset.UTC)).build();
    }

    SecretLookup lookup() {
        return (akid, token) -> akid.equals(accessKeyId)
                ? Optional.of(SigningSecret.of(secret.toCharArray(), "owner:" + akid)) : Optional.empty();
    }

    @Override
    public String toString() {
        return name;
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
