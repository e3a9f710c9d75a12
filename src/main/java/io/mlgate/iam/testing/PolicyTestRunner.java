package io.mlgate.iam.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.mlgate.iam.config.Account;
import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.config.IamUser;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.ConfigurationProblem;

/**
 * Runs policy test cases against an {@link IamConfiguration} with the gateway's {@link PolicyEvaluator}. Use
 * {@link #runAll} to run whole suites (each against its own policies/ folder), or an instance for one configuration.
 */
public final class PolicyTestRunner {

    private final IamConfiguration configuration;
    private final PolicyEvaluator evaluator = new PolicyEvaluator();

    public PolicyTestRunner(IamConfiguration configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    /**
     * Runs every case of every suite. Each suite runs against {@code policiesOverride} if given, else the folder its
     * {@code policies:} names, else the parent of the folder holding the suite file (so {@code policies/tests/x.yaml}
     * tests {@code policies/}). Nothing is evaluated unless every configuration loads and every case resolves.
     *
     * @throws PolicyTestSuiteException if a configuration is invalid or a case names an unknown principal or a
     *                                  condition key callers cannot set
     */
    public static PolicyTestReport runAll(List<PolicyTestSuite> suites, Optional<Path> policiesOverride)
            throws PolicyTestSuiteException {
        List<String> problems = new ArrayList<>();
        Map<Path, Optional<PolicyTestRunner>> runners = new HashMap<>();
        List<Prepared> prepared = new ArrayList<>();
        for (PolicyTestSuite suite : suites) {
            Path dir = policiesOverride.or(suite::policies).orElseGet(() -> defaultPolicies(suite.file()));
            Optional<PolicyTestRunner> runner = runners.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
                try {
                    return Optional.of(new PolicyTestRunner(IamConfigurationLoader.load(d)));
                } catch (ConfigurationException e) {
                    for (ConfigurationProblem p : e.problems()) {
                        problems.add(suite.file() + ": policies " + d + ": " + p);
                    }
                    return Optional.empty();
                }
            });
            if (runner.isEmpty()) {
                continue;
            }
            for (PolicyTestCase c : suite.cases()) {
                try {
                    prepared.add(new Prepared(suite.file(), c, runner.get().request(c)));
                } catch (IllegalArgumentException e) {
                    problems.add(suite.file() + ": case '" + c.name() + "': " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PolicyTestSuiteException(problems);
        }
        PolicyEvaluator evaluator = new PolicyEvaluator();
        List<CaseResult> results = new ArrayList<>(prepared.size());
        for (Prepared p : prepared) {
            results.add(result(p.file(), p.testCase(), evaluator.evaluate(p.request())));
        }
        return new PolicyTestReport(results);
    }

    /** The policies/ folder a suite file tests by default: the parent of the folder holding it. */
    public static Path defaultPolicies(Path suiteFile) {
        Path dir = suiteFile.toAbsolutePath().normalize().getParent();
        Path parent = dir.getParent();
        return parent == null ? dir : parent;
    }

    /**
     * Evaluates one case against this runner's configuration.
     *
     * @throws IllegalArgumentException if the principal is not a user of the configuration or the context sets a
     *                                  principal-derived condition key
     */
    public CaseResult run(Path suiteFile, PolicyTestCase testCase) {
        return result(suiteFile, testCase, evaluator.evaluate(request(testCase)));
    }

    private static CaseResult result(Path file, PolicyTestCase c, Decision decision) {
        return new CaseResult(file, c, decision.outcome(), decision.explanation());
    }

    private AuthorizationRequest request(PolicyTestCase c) {
        PrincipalContext principal = principal(c.principal());
        RequestContext.Builder context = RequestContext.builder();
        c.context().forEach(context::put);
        return AuthorizationRequest.of(principal, c.action(), c.resource(), context.build());
    }

    /** A user by ARN, or by name when exactly one account of the configuration has a user of that name. */
    private PrincipalContext principal(String principal) {
        if (principal.startsWith("arn:")) {
            return configuration.principalForUser(principal).orElseThrow(() ->
                    new IllegalArgumentException("principal '" + principal + "' is not a user of the configuration"));
        }
        List<IamUser> matches = new ArrayList<>();
        for (Account a : configuration.accounts()) {
            configuration.userByName(a.id(), principal).ifPresent(matches::add);
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("principal '" + principal + "' is not a user of the configuration");
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("principal '" + principal + "' names users in several accounts; use the user ARN");
        }
        return configuration.principalForUser(matches.get(0).arn()).orElseThrow();
    }

    private record Prepared(Path file, PolicyTestCase testCase, AuthorizationRequest request) {
    }
}
