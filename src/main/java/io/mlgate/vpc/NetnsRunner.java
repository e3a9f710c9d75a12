package io.mlgate.vpc;

import io.mlgate.iam.json.Diagnostics;
import io.mlgate.iam.json.SourceReader;
import io.mlgate.iam.json.SourceValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a {@link NetnsPlan} (root only): {@code up} records the namespaces it is about to make in a state file
 * ({@code /run/mlgate-vpc/NAME.json}) before making any, so a half-made simulation can always be removed, and
 * removes an earlier one first (idempotent); {@code down} deletes every namespace in the state file and any
 * leftover {@code mlgvpc-*} namespace (deleting a namespace removes its veths, bridges and nftables with it).
 * With dry-run on, commands are printed instead of run.
 */
public final class NetnsRunner {

    /** Where state files go by default. */
    public static final Path STATE_DIR = Path.of("/run/mlgate-vpc");

    private final Path stateDir;
    private final PrintStream out;
    private final boolean dryRun;

    /**
     * @param stateDir where state files are written
     * @param out      progress and, in dry-run, the commands
     * @param dryRun   print the commands instead of running them
     */
    public NetnsRunner(Path stateDir, PrintStream out, boolean dryRun) {
        this.stateDir = stateDir;
        this.out = out;
        this.dryRun = dryRun;
    }

    /** Thrown when a command fails; the message names the command and quotes its error output. */
    public static final class CommandFailedException extends IOException {
        private static final long serialVersionUID = 1L;

        CommandFailedException(String message) {
            super(message);
        }
    }

    public Path stateFile(Topology topology) {
        return stateDir.resolve(topology.name() + ".json");
    }

    /** Makes the topology's namespaces, links, routes and rules, after removing any earlier (or half-made) one. */
    public void up(Topology topology) throws IOException, InterruptedException {
        NetnsPlan plan = new NetnsPlan(topology);
        Path state = stateFile(topology);
        if (!dryRun && (Files.exists(state) || !leftovers().isEmpty())) {
            out.println("vpc " + topology.name() + ": removing an earlier simulation first");
            down(topology);
        }
        if (!dryRun) {
            writeState(state, topology.name(), plan.namespaces(), false);
        }
        for (NetnsPlan.Step step : plan.up()) {
            run(step);
        }
        if (!dryRun) {
            writeState(state, topology.name(), plan.namespaces(), true);
            out.println("vpc " + topology.name() + ": up (" + plan.namespaces().size() + " namespaces; state in "
                    + state + ")");
        }
    }

    /** Removes the namespaces of the state file and any leftover {@code mlgvpc-*} namespace. */
    public void down(Topology topology) throws IOException, InterruptedException {
        Path state = stateFile(topology);
        Set<String> names = new LinkedHashSet<>();
        if (Files.exists(state)) {
            names.addAll(readState(state));
        }
        names.addAll(dryRun ? new NetnsPlan(topology).namespaces() : leftovers());
        Set<String> present = dryRun ? names : new LinkedHashSet<>(existing());
        for (String ns : names) {
            if (present.contains(ns)) {
                run(NetnsPlan.Step.of("ip", "netns", "del", ns));
            }
        }
        if (!dryRun) {
            Files.deleteIfExists(state);
            out.println("vpc " + topology.name() + ": down");
        }
    }

    /** One line per namespace of the topology: present or missing, and the addresses in it. */
    public List<String> status(Topology topology) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        Path state = stateFile(topology);
        lines.add("state " + state + ": " + (Files.exists(state) ? (stateComplete(state) ? "up" : "half-made") : "none"));
        Set<String> present = new LinkedHashSet<>(existing());
        for (String ns : new NetnsPlan(topology).namespaces()) {
            if (!present.contains(ns)) {
                lines.add(ns + ": missing");
                continue;
            }
            String addresses = capture(List.of("ip", "-n", ns, "-o", "-4", "addr", "show")).lines()
                    .map(l -> l.trim().split("\\s+"))
                    .filter(f -> f.length > 3 && !f[1].equals("lo"))
                    .map(f -> f[1] + " " + f[3]).reduce((a, b) -> a + ", " + b).orElse("no addresses");
            lines.add(ns + ": " + addresses);
        }
        return lines;
    }

    /** The namespaces of this simulation that exist now ({@code mlgvpc-*}). */
    public static List<String> leftovers() throws IOException, InterruptedException {
        return existing().stream().filter(n -> n.startsWith(NetnsPlan.PREFIX)).toList();
    }

    private static List<String> existing() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        for (String line : capture(List.of("ip", "netns", "list")).split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private void run(NetnsPlan.Step step) throws IOException, InterruptedException {
        if (dryRun) {
            out.println(step.display());
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(step.command()).redirectErrorStream(true);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (step.input() != null) {
                in.write(step.input().getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = read(p.getInputStream());
        int exit = p.waitFor();
        if (exit != 0) {
            throw new CommandFailedException("'" + step.display().lines().findFirst().orElse("") + "' failed (exit "
                    + exit + "): " + output.trim());
        }
    }

    private static String capture(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = read(p.getInputStream());
        int exit = p.waitFor();
        if (exit != 0) {
            throw new CommandFailedException("'" + String.join(" ", command) + "' failed (exit " + exit + "): "
                    + output.trim());
        }
        return output;
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        in.transferTo(buffer);
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static void writeState(Path state, String name, List<String> namespaces, boolean complete)
            throws IOException {
        Files.createDirectories(state.getParent());
        StringBuilder json = new StringBuilder("{\n  \"topology\": \"").append(name).append("\",\n  \"complete\": ")
                .append(complete).append(",\n  \"namespaces\": [");
        for (int i = 0; i < namespaces.size(); i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(namespaces.get(i)).append('"');
        }
        json.append("]\n}\n");
        Path tmp = state.resolveSibling(state.getFileName() + ".tmp");
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static SourceValue.Obj stateObject(Path state) throws IOException {
        Diagnostics d = new Diagnostics();
        SourceValue root = SourceReader.read(Files.readString(state, StandardCharsets.UTF_8), state.toString(), d);
        if (!(root instanceof SourceValue.Obj o) || d.hasErrors()) {
            throw new IOException("the state file " + state + " is not the JSON object `vpc up` writes");
        }
        return o;
    }

    private static List<String> readState(Path state) throws IOException {
        List<String> names = new ArrayList<>();
        if (stateObject(state).member("namespaces").map(SourceValue.Member::value).orElse(null)
                instanceof SourceValue.Arr a) {
            for (SourceValue v : a.elements()) {
                // only names of this simulation: a tampered state file cannot make down remove other namespaces
                if (v instanceof SourceValue.Str s && s.value().startsWith(NetnsPlan.PREFIX)) {
                    names.add(s.value());
                }
            }
        }
        return names;
    }

    private static boolean stateComplete(Path state) throws IOException {
        return stateObject(state).member("complete").map(SourceValue.Member::value).orElse(null)
                instanceof SourceValue.Bool b && b.value();
    }
}
