package io.mlgate.cli;

import io.mlgate.bench.InvokeLoadGenerator;
import io.mlgate.bench.ModelTimer;
import io.mlgate.gateway.DemoCredentialsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mlgate bench invoke}: drives a running gateway with SigV4-signed InvokeEndpoint calls over HTTPS keep-alive
 * at several connection counts and prints throughput, latency percentiles and the gateway's overhead (latency minus
 * the model's own time, measured in-process on the same input).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks against a running gateway.",
        subcommands = {BenchCommand.Invoke.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true,
            description = "Closed-loop InvokeEndpoint load over HTTPS keep-alive (HTTP/1.1, TLS 1.3).")
    static final class Invoke implements Callable<Integer> {

        @Option(names = "--url", defaultValue = "https://127.0.0.1:8443", description = "gateway URL (default: ${DEFAULT-VALUE})")
        URI url;

        @Option(names = "--connections", split = ",", defaultValue = "1,16,64",
                description = "connection counts to run, each one after the other (default: ${DEFAULT-VALUE})")
        List<Integer> connections;

        @Option(names = "--duration", defaultValue = "30", description = "measured seconds per run (default: ${DEFAULT-VALUE})")
        int durationSeconds;

        @Option(names = "--warmup", defaultValue = "15", description = "unmeasured warm-up seconds per run (default: ${DEFAULT-VALUE})")
        int warmupSeconds;

        @Option(names = "--profile", defaultValue = "demo-analyst", description = "profile in the credentials file")
        String profile;

        @Option(names = "--credentials", description = "shared-credentials file (default: keys/demo-credentials)")
        Path credentials;

        @Option(names = "--ca", description = "CA certificate to trust (default: keys/dev-ca.pem)")
        Path ca;

        @Option(names = "--endpoint", defaultValue = "iris")
        String endpoint;

        @Option(names = "--body", defaultValue = "5.1,3.5,1.4,0.2", description = "CSV request body")
        String body;

        @Option(names = "--region", defaultValue = "us-east-1")
        String region;

        @Override
        public Integer call() throws Exception {
            Path home = Path.of(Main.defaultHome());
            Path credentialsFile = credentials != null ? credentials : home.resolve("keys/demo-credentials");
            Path caFile = ca != null ? ca : home.resolve("keys/dev-ca.pem");
            Map<String, String[]> profiles = DemoCredentialsFile.read(credentialsFile);
            String[] keys = profiles.get(profile);
            if (keys == null || keys[0] == null || keys[1] == null) {
                System.err.println("no profile " + profile + " in " + credentialsFile);
                return 2;
            }
            byte[] payload = body.getBytes(StandardCharsets.UTF_8);
            InvokeLoadGenerator generator = new InvokeLoadGenerator(url, endpoint, payload, "text/csv",
                    keys[0], keys[1].toCharArray(), region, caFile.toFile());

            ModelTimer.Result model = ModelTimer.measureDemoIris(payload, Duration.ofSeconds(5));
            System.out.printf("model alone (in-process, 1 thread, same input): p50 %d us, p99 %d us%n%n",
                    model.p50Micros(), model.p99Micros());
            System.out.println("| connections | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms | gateway overhead at p50 (ms) |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int c : connections) {
                InvokeLoadGenerator.Result r = generator.run(c, Duration.ofSeconds(warmupSeconds),
                        Duration.ofSeconds(durationSeconds));
                System.out.printf("| %d | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |%n", c, r.requests(),
                        r.errors(), r.throughput(), r.p50Micros() / 1000.0, r.p90Micros() / 1000.0,
                        r.p99Micros() / 1000.0, r.maxMicros() / 1000.0,
                        (r.p50Micros() - model.p50Micros()) / 1000.0);
            }
            return 0;
        }
    }
}
