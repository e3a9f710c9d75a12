package io.mlgate.vpc.sim;

import io.mlgate.vpc.NetnsPlan;
import io.mlgate.vpc.NetnsRunner;
import io.mlgate.vpc.Topology;
import io.mlgate.vpc.TopologyReader;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The harness of the namespace tests (docs/vpc.md): a JUnit extension that realises a topology before the class's
 * tests and always removes it afterwards (also when a test or the set-up fails, and from a shutdown hook if the JVM
 * is stopped), and runs things in it: any command or a Java main class of the test classpath in a host's namespace
 * with its output to a file, kill -9, waiting for a TCP port, and tshark captures on a host's veth in the router
 * namespace. Tests are skipped, with the reason, unless the JVM runs as root and {@code ip} and {@code nft} exist.
 *
 * <p>Use: {@code @RegisterExtension static final VpcSimulation VPC = VpcSimulation.of(Path.of("vpc-sim/topologies/demo.json"));}
 */
public final class VpcSimulation implements BeforeAllCallback, AfterAllCallback, ExecutionCondition {

    /** The pseudo-host of the internet namespace. */
    public static final String INTERNET = "inet";

    private final Path topologyFile;
    private final List<Started> started = new CopyOnWriteArrayList<>();
    private Topology topology;
    private Path stateDir;
    private Thread shutdownHook;

    private VpcSimulation(Path topologyFile) {
        this.topologyFile = topologyFile;
    }

    public static VpcSimulation of(Path topologyFile) {
        return new VpcSimulation(topologyFile);
    }

    /** Why the namespace tests cannot run here, or {@code null} if they can. */
    public static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root (CI runs the tests as root)";
        }
        for (String tool : List.of("ip", "nft")) {
            if (!onPath(tool)) {
                return "'" + tool + "' is not installed (.ci/run installs iproute2 and nftables)";
            }
        }
        return null;
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = unavailable();
        return why == null ? ConditionEvaluationResult.enabled("root with ip and nft")
                : ConditionEvaluationResult.disabled("VPC simulation skipped: " + why);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        topology = TopologyReader.read(topologyFile);
        stateDir = Files.createTempDirectory("mlgate-vpc-state");
        shutdownHook = new Thread(this::teardownQuietly, "mlgate-vpc-teardown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        runner().up(topology);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            teardown();
        } finally {
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
        }
    }

    private NetnsRunner runner() {
        return new NetnsRunner(stateDir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
    }

    /** Kills everything started here and removes the namespaces; safe to call more than once. */
    public void teardown() throws IOException, InterruptedException {
        for (Started s : started) {
            s.kill9();
        }
        started.clear();
        if (topology != null) {
            runner().down(topology);
        }
    }

    private void teardownQuietly() {
        try {
            teardown();
        } catch (Exception e) {
            System.err.println("VPC simulation teardown failed: " + e.getMessage());
        }
    }

    public Topology topology() {
        return topology;
    }

    /** The namespace of a host ({@link #INTERNET} for the internet host). */
    public String namespace(String host) {
        if (INTERNET.equals(host)) {
            return NetnsPlan.INTERNET;
        }
        if (topology.host(host).isEmpty()) {
            throw new IllegalArgumentException("the topology has no host '" + host + "'");
        }
        return NetnsPlan.namespace(host);
    }

    /** A process started in a namespace. */
    public final class Started {
        private final Process process;
        private final Path output;

        private Started(Process process, Path output) {
            this.process = process;
            this.output = output;
        }

        public long pid() {
            return process.pid();
        }

        /** SIGKILL (the process is {@code ip netns exec}'s exec'd command itself); waits until it is gone. */
        public void kill9() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            started.remove(this);
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Waits for the process to end; its exit code, or -1 if it is still running after the timeout. */
        public int waitFor(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        }

        /** What it has written so far (standard output and error). */
        public String output() throws IOException {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        }

        public Path outputFile() {
            return output;
        }

        /** Waits until the output contains {@code text} (output is written asynchronously); false after the timeout. */
        public boolean awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!output().contains(text)) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(50);
            }
            return true;
        }
    }

    /** Starts a command in a host's namespace, its output (stdout and stderr) going to {@code output}. */
    public Started start(String host, Path output, Map<String, String> environment, List<String> command)
            throws IOException {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(environment);
        Process p = pb.start();
        p.getOutputStream().close();
        Started s = new Started(p, output);
        started.add(s);
        return s;
    }

    /**
     * Starts {@code java -cp <this JVM's class path> mainClass args...} in a host's namespace. The class path goes
     * through a manifest-only jar: ONNX Runtime crashes the JVM on very long command lines (see ./mlgate).
     */
    public Started startJava(String host, Path output, String mainClass, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-cp", pathingJar().toString(), mainClass));
        command.addAll(args);
        return start(host, output, Map.of(), command);
    }

    private Path pathingJar;

    /** A jar whose manifest's Class-Path is this JVM's class path (made once per simulation). */
    private synchronized Path pathingJar() throws IOException {
        if (pathingJar == null) {
            StringBuilder classPath = new StringBuilder();
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    classPath.append(classPath.length() == 0 ? "" : " ").append(Path.of(entry).toAbsolutePath().toUri());
                }
            }
            java.util.jar.Manifest manifest = new java.util.jar.Manifest();
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().put(java.util.jar.Attributes.Name.CLASS_PATH, classPath.toString());
            Path jar = stateDir.resolve("classpath.jar");
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
                out.flush();
            }
            pathingJar = jar;
        }
        return pathingJar;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A finished command: exit code and output. */
    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /** Runs a command in a host's namespace to its end (killed after {@code timeout}: exit -1). */
    public Result run(String host, Duration timeout, Map<String, String> environment, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("mlgate-vpc-run", ".out");
        try {
            Started s = start(host, out, environment, command);
            int exit = s.waitFor(timeout);
            if (exit == -1) {
                s.kill9();
            }
            started.remove(s);
            return new Result(exit, s.output());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Whether a TCP connection from a host's namespace to {@code address:port} succeeds within {@code timeout}. */
    public boolean connects(String fromHost, String address, int port, Duration timeout)
            throws IOException, InterruptedException {
        long seconds = Math.max(1, timeout.toSeconds());
        return run(fromHost, timeout.plusSeconds(2), Map.of(), List.of("timeout", Long.toString(seconds), "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/" + port)).ok();
    }

    /** Waits until {@code address:port} accepts connections from the host's own namespace; false after the timeout. */
    public boolean waitForPort(String host, String address, int port, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (connects(host, address, port, Duration.ofSeconds(1))) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** A running tshark capture on a host's veth (router side). */
    public final class Capture {
        private final Started tshark;
        private final Path pcap;

        private Capture(Started tshark, Path pcap) {
            this.tshark = tshark;
            this.pcap = pcap;
        }

        /** Stops the capture (SIGINT, so tshark flushes the file) and waits for it. */
        public Path stop() throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-INT", Long.toString(tshark.pid())).start().waitFor();
            if (tshark.waitFor(Duration.ofSeconds(10)) == -1) {
                tshark.kill9();
            }
            started.remove(tshark);
            return pcap;
        }

        /** {@code tshark -r pcap -Y filter -T fields -e f...}: one line per packet, fields tab-separated. */
        public List<String> fields(String displayFilter, String... fields) throws IOException, InterruptedException {
            List<String> argv = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-Y", displayFilter, "-T", "fields"));
            for (String f : fields) {
                argv.add("-e");
                argv.add(f);
            }
            Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("tshark -r " + pcap + " failed");
            }
            return out.lines().filter(l -> !l.isBlank()).toList();
        }

        /** tshark's messages (to see why a capture saw nothing). */
        public String log() throws IOException {
            return tshark.output();
        }
    }

    /**
     * Starts tshark in the router namespace on the veth of {@code host} (router side), writing {@code pcap}; returns
     * once tshark reports it is capturing.
     */
    public Capture capture(String host, Path pcap) throws IOException, InterruptedException {
        if (!onPath("tshark")) {
            throw new IllegalStateException("tshark is not installed (.ci/run installs it)");
        }
        namespace(host);
        String iface = INTERNET.equals(host) ? NetnsPlan.INTERNET_LINK : NetnsPlan.routerPort(host);
        Path log = Files.createTempFile("mlgate-vpc-tshark", ".log");
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", NetnsPlan.ROUTER, "tshark", "-i", iface,
                "-w", pcap.toString(), "-q"));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        Started s = new Started(p, log);
        started.add(s);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && !s.output().contains("Capturing on")) {
            if (!p.isAlive()) {
                throw new IOException("tshark stopped: " + s.output());
            }
            Thread.sleep(100);
        }
        return new Capture(s, pcap);
    }
}
