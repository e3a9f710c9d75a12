package io.mlgate.gateway.console;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Settings of the web console ({@code mlgate.console.*}, docs/console.md).
 *
 * @param enabled whether the gateway serves the console under {@code /console} (default true); when false,
 *                {@code /console} is an unknown route like any other (404)
 * @param oidc    the OpenID Connect provider the console offers for sign-in ({@code mlgate.console.oidc.*}); absent
 *                when none of its properties is set
 * @param assets  the classpath folder the console's files are served from (default {@code static/console}, where the
 *                build puts them; tests point it at a fixture)
 */
@ConfigurationProperties("mlgate.console")
public record ConsoleProperties(Boolean enabled, Oidc oidc, String assets) {

    public ConsoleProperties {
        enabled = enabled == null || enabled;
        assets = assets == null || assets.isBlank() ? ConsoleConfiguration.FOLDER : assets.strip();
        if (assets.startsWith("/") || assets.contains("..")) {
            throw new IllegalArgumentException("mlgate.console.assets must be a relative classpath folder");
        }
        if (oidc != null && oidc.unset()) {
            oidc = null;
        }
        if (oidc != null) {
            oidc.check();
        }
    }

    /**
     * The OIDC sign-in the console offers (authorization code with PKCE in the browser, then
     * AssumeRoleWithWebIdentity for {@code roleArn}); all of issuer, client id, both endpoints and the role are
     * required once any is set, and the URLs must be https (http only for a loopback host).
     *
     * @param scopes the scopes asked for (default {@code openid})
     */
    public record Oidc(String issuer, String clientId, String authorizationEndpoint, String tokenEndpoint,
                       String roleArn, String scopes) {

        public Oidc {
            scopes = scopes == null || scopes.isBlank() ? "openid" : scopes.strip();
        }

        boolean unset() {
            return blank(issuer) && blank(clientId) && blank(authorizationEndpoint) && blank(tokenEndpoint)
                    && blank(roleArn);
        }

        void check() {
            require(issuer, "issuer");
            require(clientId, "client-id");
            require(roleArn, "role-arn");
            if (!roleArn.startsWith("arn:aws:iam::") || !roleArn.contains(":role/")) {
                throw new IllegalArgumentException("mlgate.console.oidc.role-arn must be an IAM role ARN");
            }
            url(issuer, "issuer");
            url(authorizationEndpoint, "authorization-endpoint");
            url(tokenEndpoint, "token-endpoint");
        }

        private static void url(String value, String name) {
            require(value, name);
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("mlgate.console.oidc." + name + " is not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost();
            boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
            if (!(scheme.equals("https") || scheme.equals("http") && loopback) || host.isEmpty()) {
                throw new IllegalArgumentException("mlgate.console.oidc." + name
                        + " must be an https URL (http only on a loopback host)");
            }
        }

        private static void require(String value, String name) {
            if (blank(value)) {
                throw new IllegalArgumentException("mlgate.console.oidc." + name
                        + " is required when any mlgate.console.oidc property is set");
            }
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }
}
