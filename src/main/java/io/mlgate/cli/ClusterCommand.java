package io.mlgate.cli;

import io.mlgate.cluster.pki.ClusterCa;
import io.mlgate.cluster.pki.JoinTokens;
import io.mlgate.cluster.pki.RevocationList;
import io.mlgate.cluster.pki.SpiffeId;
import io.mlgate.kms.KeyCustodyException;
import io.mlgate.kms.RootKey;
import io.mlgate.kms.root.RootKeySettings;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mlgate cluster}: the cluster CA, join tokens and revocation (docs/cluster-protocol.md). The CA and the join
 * token key live in {@code <home>/keys/cluster/} sealed under the root key (unlocked from the same MLGATE_ROOT_*
 * settings as the gateway); the revocation list is {@code <home>/data/cluster/revoked.json}, which a running gateway
 * re-reads when it changes.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Cluster CA, join tokens for runtime nodes, and certificate revocation.",
        subcommands = {ClusterCommand.Ca.class, ClusterCommand.JoinToken.class, ClusterCommand.Revoke.class,
                ClusterCommand.ListRevoked.class})
final class ClusterCommand implements Runnable {

    /** Exit code: keys/ or the revocation list could not be read or written. */
    static final int FAILED = 1;
    /** Exit code: bad usage. */
    static final int USAGE = 2;

    /** Most a join token may live. */
    static final Duration MAX_TTL = Duration.ofDays(30);

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,6})([smhd])");

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Shared: the home folder and the root key settings. */
    abstract static class WithHome {

        @Option(names = "--home", paramLabel = "DIR", description = "mlgate home folder (default: $MLGATE_HOME or .)")
        Path home;

        /** Environment lookup; tests replace it. */
        Function<String, String> env = System::getenv;

        /** Clock; tests replace it. */
        Clock clock = Clock.systemUTC();

        Path homeDir() {
            return home != null ? home : Path.of(Main.defaultHome());
        }

        Path keysDir() {
            return homeDir().resolve("keys");
        }

        Path revocationFile() {
            return homeDir().resolve(RevocationList.DEFAULT_PATH);
        }

        RootKey root() throws IOException {
            return RootKey.unlock(RootKeySettings.fromEnvironment(env), keysDir());
        }
    }

    /** {@code mlgate cluster ca [--home DIR]}. */
    @Command(name = "ca", mixinStandardHelpOptions = true,
            description = "Create the cluster CA if needed; print its fingerprint (what join tokens pin) and the path "
                    + "of its certificate.")
    static final class Ca extends WithHome implements Callable<Integer> {

        @Override
        public Integer call() {
            PrintStream out = System.out;
            try {
                ClusterCa ca = ClusterCa.openOrCreate(keysDir(), root(), clock);
                out.println("fingerprint: " + ca.fingerprint());
                out.println("certificate: " + keysDir().resolve(ClusterCa.DIR).resolve(ClusterCa.CERT_FILE));
                out.println("valid until: " + ca.certificate().getNotAfter().toInstant());
                return 0;
            } catch (IOException | KeyCustodyException e) {
                System.err.println("cluster ca: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** {@code mlgate cluster join-token --node N [--ttl 24h] [--home DIR]}: prints the token only. */
    @Command(name = "join-token", mixinStandardHelpOptions = true,
            description = "Print a join token for one node (bound to its name, pinning the cluster CA, expiring).")
    static final class JoinToken extends WithHome implements Callable<Integer> {

        @Option(names = "--node", required = true, paramLabel = "NAME", description = "the node's name")
        String node;

        @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h",
                description = "how long the token is valid: 90s, 30m, 24h, 7d or ISO-8601 (default: ${DEFAULT-VALUE}, "
                        + "at most 30d)")
        String ttl;

        @Override
        public Integer call() {
            if (!SpiffeId.validName(node)) {
                System.err.println("cluster join-token: --node is 1-63 letters, digits or inner hyphens");
                return USAGE;
            }
            Duration lifetime;
            try {
                lifetime = duration(ttl);
            } catch (IllegalArgumentException e) {
                System.err.println("cluster join-token: " + e.getMessage());
                return USAGE;
            }
            try {
                RootKey root = root();
                ClusterCa ca = ClusterCa.openOrCreate(keysDir(), root, clock);
                JoinTokens tokens = JoinTokens.openOrCreate(keysDir(), root, clock);
                System.out.println(tokens.issue(node, lifetime, ca.fingerprint()));
                return 0;
            } catch (IOException | KeyCustodyException e) {
                System.err.println("cluster join-token: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** {@code mlgate cluster revoke --node N | --serial HEX [--reason R] [--home DIR]}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a node's identity (every certificate it has or gets) or one certificate by serial.")
    static final class Revoke extends WithHome implements Callable<Integer> {

        static final class Target {
            @Option(names = "--node", paramLabel = "NAME", description = "the node whose identity is revoked")
            String node;

            @Option(names = "--serial", paramLabel = "HEX", description = "the serial number of one certificate")
            String serial;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "a note kept with the entry")
        String reason;

        @Override
        public Integer call() {
            try {
                RevocationList list = RevocationList.open(revocationFile(), clock);
                if (target.node != null) {
                    if (!SpiffeId.validName(target.node)) {
                        System.err.println("cluster revoke: --node is 1-63 letters, digits or inner hyphens");
                        return USAGE;
                    }
                    SpiffeId id = SpiffeId.node(target.node);
                    list.revokeIdentity(id, reason);
                    System.out.println("revoked " + id.uri());
                } else {
                    BigInteger serial;
                    try {
                        String hex = target.serial.toLowerCase(Locale.ROOT).replace(":", "");
                        if (!hex.matches("[0-9a-f]{1,64}")) {
                            throw new NumberFormatException();
                        }
                        serial = new BigInteger(hex, 16);
                        if (serial.signum() == 0) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException e) {
                        System.err.println("cluster revoke: --serial is a positive hexadecimal number");
                        return USAGE;
                    }
                    list.revokeSerial(serial, reason);
                    System.out.println("revoked serial " + serial.toString(16));
                }
                return 0;
            } catch (IOException e) {
                System.err.println("cluster revoke: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** {@code mlgate cluster list-revoked [--home DIR]}: one line per entry. */
    @Command(name = "list-revoked", mixinStandardHelpOptions = true,
            description = "List revoked identities and serial numbers.")
    static final class ListRevoked extends WithHome implements Callable<Integer> {

        @Override
        public Integer call() {
            try {
                RevocationList list = RevocationList.open(revocationFile(), clock);
                for (RevocationList.Entry e : list.entries()) {
                    System.out.println((e.identity() != null ? "identity " : "serial ") + e.subject() + "\t"
                            + e.revokedAt() + (e.reason().isEmpty() ? "" : "\t" + e.reason()));
                }
                return 0;
            } catch (IOException e) {
                System.err.println("cluster list-revoked: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d} or ISO-8601 ({@code PT24H}); positive, at most 30 days. */
    static Duration duration(String text) {
        Duration d;
        Matcher m = SHORT_DURATION.matcher(text == null ? "" : text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(text);
            } catch (DateTimeParseException | NullPointerException e) {
                throw new IllegalArgumentException("--ttl is like 90s, 30m, 24h, 7d or PT24H");
            }
        }
        if (d.isZero() || d.isNegative() || d.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl is positive and at most 30d");
        }
        return d;
    }
}
