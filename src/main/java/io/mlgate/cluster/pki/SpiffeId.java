package io.mlgate.cluster.pki;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster identity as carried in a certificate's SAN URI: {@code spiffe://mlgate/node/NAME} or
 * {@code spiffe://mlgate/gateway/NAME}. NAME is 1-63 letters, digits or inner hyphens.
 */
public record SpiffeId(Kind kind, String name) {

    /** Who holds the identity. */
    public enum Kind {
        NODE("node"), GATEWAY("gateway");

        private final String segment;

        Kind(String segment) {
            this.segment = segment;
        }

        public String segment() {
            return segment;
        }
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    private static final Pattern URI = Pattern.compile("spiffe://mlgate/(node|gateway)/([^/]+)");

    public SpiffeId {
        Objects.requireNonNull(kind, "kind");
        if (!validName(name)) {
            throw new IllegalArgumentException("a cluster name is 1-63 letters, digits or inner hyphens");
        }
    }

    public static SpiffeId node(String name) {
        return new SpiffeId(Kind.NODE, name);
    }

    public static SpiffeId gateway(String name) {
        return new SpiffeId(Kind.GATEWAY, name);
    }

    /** True if {@code name} can name a node or gateway. */
    public static boolean validName(String name) {
        return name != null && name.length() <= 63 && NAME.matcher(name).matches();
    }

    /** The identity in a SAN URI, if it is one of ours. */
    public static Optional<SpiffeId> parse(String uri) {
        if (uri == null) {
            return Optional.empty();
        }
        Matcher m = URI.matcher(uri);
        if (!m.matches() || !validName(m.group(2))) {
            return Optional.empty();
        }
        return Optional.of(new SpiffeId(m.group(1).equals("node") ? Kind.NODE : Kind.GATEWAY, m.group(2)));
    }

    /** {@code spiffe://mlgate/KIND/NAME}. */
    public String uri() {
        return "spiffe://mlgate/" + kind.segment() + "/" + name;
    }

    @Override
    public String toString() {
        return uri();
    }
}
