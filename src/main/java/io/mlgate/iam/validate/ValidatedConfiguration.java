package io.mlgate.iam.validate;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.ConfigurationProblem;
import io.mlgate.iam.policy.PolicyKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The IAM configuration of a policies/ folder, loaded and checked the way IAM Access Analyzer's ValidatePolicy
 * checks a policy: the loader's strict parse, then the {@link PolicyValidator} over every policy document of every
 * entity file. Any ERROR finding (e.g. an unknown action of a known service, an ARN the validator rejects) makes the
 * whole configuration invalid, so it is never loaded; warnings and suggestions are returned for the operator.
 * Startup, hot reload and the IAM API all load through here, so they accept and refuse the same things.
 *
 * @param configuration the loaded configuration
 * @param findings      the findings below ERROR (security warnings, warnings, suggestions), in file order
 */
public record ValidatedConfiguration(IamConfiguration configuration, List<Finding> findings) {

    private static final List<String> ENTITY_DIRS = List.of(IamConfigurationLoader.MANAGED_POLICIES_DIR,
            IamConfigurationLoader.GROUPS_DIR, IamConfigurationLoader.USERS_DIR, IamConfigurationLoader.ROLES_DIR);

    public ValidatedConfiguration {
        findings = List.copyOf(findings);
    }

    /**
     * Loads and validates {@code policiesDir}.
     *
     * @throws ConfigurationException listing every loader problem and every ERROR finding
     */
    public static ValidatedConfiguration load(Path policiesDir) throws ConfigurationException {
        IamConfiguration configuration = IamConfigurationLoader.load(policiesDir);
        PolicyValidator validator = new PolicyValidator(ActionCatalogue.builtIn());
        List<ConfigurationProblem> errors = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (String dirName : ENTITY_DIRS) {
            for (Path file : jsonFiles(policiesDir.resolve(dirName))) {
                String source = policiesDir.relativize(file).toString().replace('\\', '/');
                String text;
                try {
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    // the loader has just read it: the file changed under us; the next reload sees the new state
                    errors.add(new ConfigurationProblem(io.mlgate.iam.json.SourcePosition.wholeSource(source),
                            "cannot read the file (" + e.getClass().getSimpleName() + ")"));
                    continue;
                }
                for (Finding finding : validator.checkSource(text, source, PolicyKind.IDENTITY)) {
                    if (finding.severity() == Severity.ERROR) {
                        errors.add(new ConfigurationProblem(finding.position(),
                                finding.code() + " " + (finding.path().isEmpty() ? "(document)" : finding.path())
                                        + ": " + finding.message()));
                    } else {
                        findings.add(finding);
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigurationException(errors);
        }
        return new ValidatedConfiguration(configuration, findings);
    }

    /** True when a problem of a failed {@link #load} is a validator ERROR finding (not a loader problem). */
    public static boolean isValidatorProblem(ConfigurationProblem problem) {
        String message = problem.message();
        int space = message.indexOf(' ');
        if (space <= 0) {
            return false;
        }
        String code = message.substring(0, space);
        for (FindingCode known : FindingCode.values()) {
            if (known.name().equals(code)) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> jsonFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
