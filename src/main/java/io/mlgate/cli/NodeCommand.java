package io.mlgate.cli;

import io.mlgate.cluster.node.ControlException;
import io.mlgate.cluster.node.HostPort;
import io.mlgate.cluster.node.NodeSettings;
import io.mlgate.cluster.node.RuntimeNode;
import io.mlgate.cluster.pki.InvalidJoinTokenException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mlgate node}: runs a runtime node (docs/deployment.md, "Runtime nodes"; docs/cluster-protocol.md) until
 * SIGTERM or SIGINT, then stops cleanly (new calls refused, calls in flight given up to 10 s).
 */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run a runtime node that hosts variant workers for the gateway.")
final class NodeCommand implements Callable<Integer> {

    @Option(names = "--name", required = true, description = "node name (its identity spiffe://mlgate/node/NAME)")
    String name;

    @Option(names = "--zone", required = true, description = "availability zone")
    String zone;

    @Option(names = "--listen", required = true, description = "TLS data port HOST:PORT")
    String listen;

    @Option(names = "--gateway", required = true, description = "the gateway's control port HOST:PORT")
    String gateway;

    @Option(names = "--plaintext-listen", description = "h2c data port HOST:PORT (unencrypted; off by default)")
    String plaintextListen;

    @Option(names = "--advertise", description = "data address the gateway dials (default: --listen)")
    String advertise;

    @Option(names = "--subnet", description = "subnet name (VPC simulation)")
    String subnet;

    @Option(names = "--isolated", description = "the node's network has no route out (network isolation)")
    boolean isolated;

    @Option(names = "--join-token", description = "join token for the first start (prefer --join-token-file)")
    String joinToken;

    @Option(names = "--join-token-file", description = "file holding the join token")
    Path joinTokenFile;

    @Option(names = "--home", description = "node folder holding credentials/ (default: data/nodes/NAME)")
    Path home;

    @Override
    public Integer call() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        NodeSettings settings;
        try {
            if (joinToken != null && joinTokenFile != null) {
                throw new IllegalArgumentException("give --join-token or --join-token-file, not both");
            }
            String token = joinToken;
            if (joinTokenFile != null) {
                token = Files.readString(joinTokenFile, StandardCharsets.UTF_8).trim();
            }
            Path dir = home != null ? home : Path.of(Main.defaultHome(), "data", "nodes", name);
            settings = new NodeSettings(name, zone, subnet, HostPort.parse(listen),
                    plaintextListen == null ? null : HostPort.parse(plaintextListen),
                    advertise == null ? null : HostPort.parse(advertise), HostPort.parse(gateway), isolated,
                    token == null || token.isEmpty() ? null : token, dir.toAbsolutePath().normalize());
        } catch (IllegalArgumentException e) {
            System.err.println("mlgate node: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("mlgate node: cannot read the join token file: " + e.getClass().getSimpleName());
            return 2;
        }
        RuntimeNode node;
        try {
            node = RuntimeNode.start(settings, Clock.systemUTC());
        } catch (InvalidJoinTokenException e) {
            System.err.println("mlgate node: invalid join token: " + e.getMessage());
            return 1;
        } catch (ControlException e) {
            System.err.println("mlgate node: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            System.err.println("mlgate node: cannot start: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "mlgate-node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
