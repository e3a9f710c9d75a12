package io.mlgate.cli;

import io.mlgate.gateway.GatewayApplication;
import org.springframework.boot.SpringApplication;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mlgate serve}: starts the gateway; with no configuration, the demo. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the gateway (HTTPS). With no configuration it serves the demo endpoint 'iris'.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTPS port (default: ${DEFAULT-VALUE})", defaultValue = "8443")
    int port;

    @Option(names = "--host", description = "address to listen on (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--home", description = "folder holding keys/, policies/, audit/, data/ (default: $MLGATE_HOME or .)")
    Path home;

    @Option(names = "--audit-sync", description = "strict (fsync before each response) or batched", defaultValue = "strict")
    String auditSync;

    @CommandLine.Unmatched
    List<String> springProperties = new ArrayList<>();

    @Override
    public Integer call() {
        for (String property : springProperties) {
            if (!property.startsWith("--") || !property.contains("=")) {
                System.err.println("unknown argument " + property + " (settings are given as --name=value)");
                return 2;
            }
        }
        Path base = home != null ? home : Path.of(Main.defaultHome());
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + port);
        args.add("--server.address=" + host);
        args.add("--mlgate.host=" + host);
        args.add("--mlgate.home=" + base.toAbsolutePath().normalize());
        args.add("--mlgate.audit-sync=" + auditSync);
        args.addAll(springProperties); // any other setting, e.g. --mlgate.keys-dir=/secure/keys (docs/operations.md)
        SpringApplication app = new SpringApplication(GatewayApplication.class);
        app.run(args.toArray(new String[0]));
        return 0;
    }
}
