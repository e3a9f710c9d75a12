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
import io.mlgate.iam.validate.ValidatedConfiguration;
import io.mlgate.iam.config.IamRole;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.guardrail.GuardrailConfigurationException;
import io.mlgate.iam.guardrail.GuardrailInput;
import io.mlgate.iam.guardrail.GuardrailResult;
import io.mlgate.iam.guardrail.GuardrailSet;
import io.mlgate.iam.guardrail.GuardrailSettings;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.ConfigurationProblem;
import io.mlgate.iam.policy.IdentityPolicy;

/**
 * Runs policy test cases against an {@link IamConfiguration} with the gateway's {@link PolicyEvaluator}. Use
 * {@link #runAll} to run whole suites (each against its own policies/ folder), or an instance for one configuration.
 */
public final class PolicyTestRunner {

    /** The session name of role principals: {@code arn:aws:sts::ACCOUNT:assumed-role/NAME/policy-test}. */
    public static final String SESSION_NAME = "policy-test";

    private final IamConfiguration configuration;
    private final GuardrailSet guardrails;
    private final PolicyEvaluator evaluator = new PolicyEvaluator();

    public PolicyTestRunner(IamConfiguration configuration) {
        this(configuration, GuardrailSet.disabled());
    }

    /** A runner that also asks the OPA guardrails when IAM allows, as the gateway does. */
    public PolicyTestRunner(IamConfiguration configuration, GuardrailSet guardrails) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.guardrails = Objects.requireNonNull(guardrails, "guardrails");
    }

    /** {@link #runAll(List, Optional, Optional)} with the default guardrail settings. */
    public static PolicyTestReport runAll(List<PolicyTestSuite> suites, Optional<Path> policiesOverride)
            throws PolicyTestSuiteException {
        return runAll(suites, policiesOverride, Optional.of(GuardrailSettings.defaults()));
    }

    /**
     * Runs every case of every suite. Each suite runs against {@code policiesOverride} if given, else the folder its
     * {@code policies:} names, else the parent of the folder holding the suite file (so {@code policies/tests/x.yaml}
     * tests {@code policies/}). Nothing is evaluated unless every configuration loads and every case resolves.
     * With guardrail settings, the OPA guardrails of each folder's {@code opa/} (and the external OPA server the
     * settings name) are asked after IAM allows, as in the gateway.
     *
     * @param guardrails how to run the OPA guardrails; empty: IAM only
     * @throws PolicyTestSuiteException if a configuration or its guardrails are invalid, or a case names an unknown
     *                                  principal or a condition key callers cannot set
     */
    public static PolicyTestReport runAll(List<PolicyTestSuite> suites, Optional<Path> policiesOverride,
                                          Optional<GuardrailSettings> guardrails) throws PolicyTestSuiteException {
        List<String> problems = new ArrayList<>();
        Map<Path, Optional<PolicyTestRunner>> runners = new HashMap<>();
        List<Prepared> prepared = new ArrayList<>();
        try {
            for (PolicyTestSuite suite : suites) {
                prepare(suite, policiesOverride, guardrails, runners, prepared, problems);
            }
            if (!problems.isEmpty()) {
                throw new PolicyTestSuiteException(problems);
            }
            List<CaseResult> results = new ArrayList<>(prepared.size());
            for (Prepared p : prepared) {
                results.add(p.runner().result(p.file(), p.testCase(), p.request()));
            }
            return new PolicyTestReport(results);
        } finally {
            runners.values().forEach(r -> r.ifPresent(runner -> runner.guardrails.close()));
        }
    }

    private static void prepare(PolicyTestSuite suite, Optional<Path> policiesOverride,
                                Optional<GuardrailSettings> guardrails, Map<Path, Optional<PolicyTestRunner>> runners,
                                List<Prepared> prepared, List<String> problems) {
        Path dir = policiesOverride.or(suite::policies).orElseGet(() -> defaultPolicies(suite.file()));
        Optional<PolicyTestRunner> runner = runners.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
            IamConfiguration configuration;
            try {
                configuration = ValidatedConfiguration.load(d).configuration();
            } catch (ConfigurationException e) {
                for (ConfigurationProblem p : e.problems()) {
                    problems.add(suite.file() + ": policies " + d + ": " + p);
                }
                return Optional.empty();
            }
            if (guardrails.isEmpty()) {
                return Optional.of(new PolicyTestRunner(configuration));
            }
            try {
                return Optional.of(new PolicyTestRunner(configuration, GuardrailSet.load(d, guardrails.get())));
            } catch (GuardrailConfigurationException e) {
                for (String p : e.problems()) {
                    problems.add(suite.file() + ": guardrails " + d.resolve(GuardrailSet.DIRECTORY) + ": " + p);
                }
                return Optional.empty();
            }
        });
        if (runner.isEmpty()) {
            return;
        }
        for (PolicyTestCase c : suite.cases()) {
            try {
                prepared.add(new Prepared(suite.file(), c, runner.get().request(c), runner.get()));
            } catch (IllegalArgumentException e) {
                problems.add(suite.file() + ": case '" + c.name() + "': " + e.getMessage());
            }
        }
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
     * @throws IllegalArgumentException if the principal is not a user or role of the configuration or the context sets a
     *                                  principal-derived condition key
     */
    public CaseResult run(Path suiteFile, PolicyTestCase testCase) {
        return result(suiteFile, testCase, request(testCase));
    }

    /** IAM first; when it allows, the guardrails (whose denial overrides the allow), as in the gateway. */
    private CaseResult result(Path file, PolicyTestCase c, AuthorizationRequest request) {
        Decision decision = evaluator.evaluate(request);
        GuardrailResult guarded = GuardrailResult.NONE;
        if (decision.isAllowed() && !guardrails.isEmpty()) {
            guarded = guardrails.evaluate(input(request, decision, c.call())).join();
        }
        return new CaseResult(file, c, decision.outcome(), decision.explanation(), guarded);
    }

    /** The guardrail input the gateway would build for this request; the network comes from the context keys. */
    static GuardrailInput input(AuthorizationRequest request, Decision decision, CallFacts call) {
        return GuardrailInput.builder(request).iamDecision(decision)
                .endpoint(null, call.targetVariant(), call.targetModel())
                .payload(call.payloadBytes(), call.contentType())
                .networkFromContext()
                .build();
    }

    private AuthorizationRequest request(PolicyTestCase c) {
        PrincipalContext principal = principal(c.principal());
        RequestContext.Builder context = RequestContext.builder();
        c.context().forEach(context::put);
        return AuthorizationRequest.of(principal, c.action(), c.resource(), context.build());
    }

    /**
     * A user by ARN, a role session by role ARN, or a user or role by name when exactly one user or role of the
     * configuration has that name (ignoring case, as IAM does).
     */
    private PrincipalContext principal(String principal) {
        if (principal.startsWith("arn:")) {
            Optional<PrincipalContext> user = configuration.principalForUser(principal);
            if (user.isPresent()) {
                return user.get();
            }
            return configuration.role(principal).map(this::roleSession).orElseThrow(() ->
                    new IllegalArgumentException("principal '" + principal + "' is not a user or role of the configuration"));
        }
        List<String> userArns = new ArrayList<>();
        List<IamRole> roles = new ArrayList<>();
        for (Account a : configuration.accounts()) {
            configuration.userByName(a.id(), principal).ifPresent(u -> userArns.add(u.arn()));
            configuration.roleByName(a.id(), principal).ifPresent(roles::add);
        }
        if (userArns.size() + roles.size() == 0) {
            throw new IllegalArgumentException("principal '" + principal + "' is not a user or role of the configuration");
        }
        if (userArns.size() + roles.size() > 1) {
            throw new IllegalArgumentException("principal '" + principal + "' names several users or roles; use the ARN");
        }
        return userArns.isEmpty() ? roleSession(roles.get(0)) : configuration.principalForUser(userArns.get(0)).orElseThrow();
    }

    /**
     * A session of the role as AssumeRole would give it (without a session policy or session tags): principal
     * {@code arn:aws:sts::ACCOUNT:assumed-role/NAME/policy-test}, the role's tags and identity policies and boundary.
     */
    private PrincipalContext roleSession(IamRole role) {
        String sessionArn = "arn:aws:sts::" + role.accountId() + ":assumed-role/" + role.name() + "/" + SESSION_NAME;
        PrincipalContext.Builder b = PrincipalContext.builder(sessionArn, role.accountId(), PrincipalType.ASSUMED_ROLE)
                .roleArn(role.arn())
                .userId(role.roleId() + ":" + SESSION_NAME)
                .tags(role.tags())
                .identityPolicies(configuration.identityPoliciesOf(role));
        role.permissionsBoundaryArn().flatMap(configuration::managedPolicy).ifPresent(p ->
                b.permissionsBoundary(IdentityPolicy.managed(p.name(), p.arn(), role.arn(), p.document())));
        return b.build();
    }

    private record Prepared(Path file, PolicyTestCase testCase, AuthorizationRequest request,
                            PolicyTestRunner runner) {
    }
}
