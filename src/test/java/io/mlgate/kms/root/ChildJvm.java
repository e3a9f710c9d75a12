package io.mlgate.kms.root;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a main class of the test classpath in a separate JVM (for kill tests and a per-process SOFTHSM2_CONF). */
final class ChildJvm {

    private ChildJvm() {
    }

    static ProcessBuilder builder(Class<?> main, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return builder;
    }

    /** Runs to completion; returns exit code and combined output. */
    static Result run(Class<?> main, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process p = builder(main, env, args).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), output);
    }

    record Result(int exit, String output) {
    }
}
