package io.mlgate.cli;

import io.mlgate.gateway.GatewayApplication;
import org.springframework.boot.SpringApplication;
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

    @Override
    public Integer call() {
        Path base = home != null ? home : Path.of(Main.defaultHome());
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + port);
        args.add("--server.address=" + host);
        args.add("--mlgate.host=" + host);
        args.add("--mlgate.home=" + base.toAbsolutePath().normalize());
        args.add("--mlgate.audit-sync=" + auditSync);
        SpringApplication app = new SpringApplication(GatewayApplication.class);
        app.run(args.toArray(new String[0]));
        return 0;
    }
}
