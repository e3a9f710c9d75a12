package io.mlgate.gateway;

import io.mlgate.kms.AtomicFileWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AWS shared-credentials file the demo writes to keys/ (mode 0600): one profile per demo user, readable by the
 * AWS CLI and SDKs through {@code AWS_SHARED_CREDENTIALS_FILE}.
 */
public final class DemoCredentialsFile {

    public static final String FILE_NAME = "demo-credentials";

    private DemoCredentialsFile() {}

    /** Writes profiles (name → [access key id, secret]) atomically, owner-only. */
    public static void write(Path file, Map<String, String[]> profiles) throws IOException {
        StringBuilder text = new StringBuilder(512)
                .append("# mlgate demo credentials: generated at first start; keep this file private.\n");
        for (Map.Entry<String, String[]> profile : profiles.entrySet()) {
            text.append('[').append(profile.getKey()).append("]\n")
                    .append("aws_access_key_id = ").append(profile.getValue()[0]).append('\n')
                    .append("aws_secret_access_key = ").append(profile.getValue()[1]).append('\n')
                    .append('\n');
        }
        AtomicFileWriter.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads profiles (name → [access key id, secret]) from a shared-credentials file. */
    public static Map<String, String[]> read(Path file) throws IOException {
        Map<String, String[]> profiles = new LinkedHashMap<>();
        String current = null;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = line.substring(1, line.length() - 1).strip();
                profiles.put(current, new String[2]);
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (key.equals("aws_access_key_id")) {
                profiles.get(current)[0] = value;
            } else if (key.equals("aws_secret_access_key")) {
                profiles.get(current)[1] = value;
            }
        }
        return profiles;
    }
}
