package io.mlgate.iam.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.json.ConfigurationException;
import io.mlgate.iam.json.ConfigurationProblem;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyKind;

class IamConfigurationLoaderTest {

    private static final String CAROL = "arn:aws:iam::111111111111:user/staff/carol";

    @TempDir
    Path temp;

    static Path resource(String name) {
        try {
            return Path.of(IamConfigurationLoaderTest.class.getResource("/iam/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** Copies the valid fixture into a temp dir and lays the named broken fixtures over it. */
    Path fixture(String... overlays) throws IOException {
        Path dir = temp.resolve("policies");
        copyTree(resource("valid"), dir);
        for (String o : overlays) {
            copyTree(resource("broken/" + o), dir);
        }
        return dir;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static List<ConfigurationProblem> problems(Path dir) {
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> IamConfigurationLoader.load(dir));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.problems();
    }

    static void assertProblem(ConfigurationProblem p, String source, int line, int column, String messagePart) {
        assertThat(p.position().source()).isEqualTo(source);
        assertThat(p.position().line()).as("line of " + p).isEqualTo(line);
        assertThat(p.position().column()).as("column of " + p).isEqualTo(column);
        assertThat(p.message()).contains(messagePart);
    }

    @Test
    void validFixtureLoadsEveryKind() throws Exception {
        IamConfiguration c = IamConfigurationLoader.load(fixture());
        assertThat(c.accounts()).extracting(Account::id).containsExactly("111111111111", "222222222222");
        assertThat(c.account("111111111111").orElseThrow().alias()).isEqualTo("fixture-main");
        IamUser carol = c.user(CAROL).orElseThrow();
        assertThat(carol.path()).isEqualTo("/staff/");
        assertThat(carol.tags()).containsEntry("Team", "ml").containsEntry("cost-center", "42");
        assertThat(carol.groupNames()).containsExactly("ml-engineers");
        assertThat(c.userByName("111111111111", "CAROL")).contains(carol);
        assertThat(c.group("arn:aws:iam::111111111111:group/ml/ml-engineers")).isPresent();
        assertThat(c.managedPolicy("arn:aws:iam::111111111111:policy/ml/ReadModels")).isPresent();
        IamRole role = c.role("arn:aws:iam::111111111111:role/model-runner").orElseThrow();
        assertThat(role.maxSessionDurationSeconds()).isEqualTo(7200);
        assertThat(role.trustPolicy().kind()).isEqualTo(PolicyKind.TRUST);
        assertThat(c.identityPoliciesOf(role)).extracting(IdentityPolicy::name).containsExactly("ReadModels");
        assertThat(c.user("arn:aws:iam::222222222222:user/dave")).isPresent();
    }

    @Test
    void effectivePoliciesAreUserInlineAttachedThenGroups() throws Exception {
        IamConfiguration c = IamConfigurationLoader.load(fixture());
        List<IdentityPolicy> ps = c.identityPoliciesOf(c.user(CAROL).orElseThrow());
        assertThat(ps).extracting(IdentityPolicy::name).containsExactly("DeleteScratch", "NoDeletes", "InvokeOwnEndpoints", "ReadModels");
        assertThat(ps).extracting(IdentityPolicy::attachedTo).containsExactly(CAROL, CAROL,
                "arn:aws:iam::111111111111:group/ml/ml-engineers", "arn:aws:iam::111111111111:group/ml/ml-engineers");
        assertThat(ps.get(1).managedArn()).contains("arn:aws:iam::111111111111:policy/NoDeletes");
    }

    @Test
    void loadedPrincipalsEvaluate() throws Exception {
        IamConfiguration c = IamConfigurationLoader.load(fixture());
        PolicyEvaluator evaluator = new PolicyEvaluator();
        PrincipalContext carol = c.principalForUser(CAROL).orElseThrow();
        assertThat(carol.userName()).contains("carol");
        assertThat(carol.userId()).contains(c.user(CAROL).orElseThrow().userId());
        String own = "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/carol-test";
        String other = "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/dave-test";
        assertThat(evaluator.evaluate(AuthorizationRequest.of(carol, "sagemaker:InvokeEndpoint", own)).outcome()).isEqualTo(Decision.Outcome.ALLOW);
        assertThat(evaluator.evaluate(AuthorizationRequest.of(carol, "sagemaker:InvokeEndpoint", other)).outcome()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        Decision delete = evaluator.evaluate(AuthorizationRequest.of(carol, "sagemaker:DeleteEndpoint", own));
        assertThat(delete.outcome()).isEqualTo(Decision.Outcome.EXPLICIT_DENY);
        assertThat(delete.statements().get(0).policyArn()).contains("arn:aws:iam::111111111111:policy/NoDeletes");
        assertThat(c.principalForUser("arn:aws:iam::111111111111:user/nobody")).isEmpty();
    }

    @Test
    void userPermissionsBoundaryLimitsTheUser_PB() throws Exception {
        Path dir = fixture();
        Files.writeString(dir.resolve("users/erin.json"), """
                {
                  "Account": "111111111111",
                  "UserName": "erin",
                  "PermissionsBoundary": "arn:aws:iam::111111111111:policy/ml/ReadModels",
                  "InlinePolicies": {
                    "Everything": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}}
                  }
                }
                """);
        IamConfiguration c = IamConfigurationLoader.load(dir);
        PrincipalContext erin = c.principalForUser("arn:aws:iam::111111111111:user/erin").orElseThrow();
        assertThat(erin.permissionsBoundary()).map(IdentityPolicy::name).contains("ReadModels");
        PolicyEvaluator evaluator = new PolicyEvaluator();
        String ep = "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/x";
        assertThat(evaluator.evaluate(AuthorizationRequest.of(erin, "sagemaker:DescribeEndpoint", ep)).outcome())
                .isEqualTo(Decision.Outcome.ALLOW);
        Decision invoke = evaluator.evaluate(AuthorizationRequest.of(erin, "sagemaker:InvokeEndpoint", ep));
        assertThat(invoke.outcome()).isEqualTo(Decision.Outcome.IMPLICIT_DENY);
        assertThat(invoke.policyType()).isEqualTo(io.mlgate.iam.eval.PolicyType.PERMISSIONS_BOUNDARY);
    }

    @Test
    void uniqueIdsAreAwsShapedDistinctAndStableAcrossLoads() throws Exception {
        IamConfiguration a = IamConfigurationLoader.load(fixture());
        IamConfiguration b = IamConfigurationLoader.load(resource("valid"));
        IamUser carol = a.user(CAROL).orElseThrow();
        assertThat(carol.userId()).matches("AIDA[A-Z2-7]{17}").isEqualTo(b.user(CAROL).orElseThrow().userId());
        assertThat(a.groups().iterator().next().groupId()).matches("AGPA[A-Z2-7]{17}");
        assertThat(a.roles().iterator().next().roleId()).matches("AROA[A-Z2-7]{17}");
        assertThat(a.managedPolicies()).allSatisfy(p -> assertThat(p.policyId()).matches("ANPA[A-Z2-7]{17}"));
        assertThat(a.user("arn:aws:iam::222222222222:user/dave").orElseThrow().userId()).isNotEqualTo(carol.userId());
        assertThat(UniqueIds.derive(UniqueIds.USER_PREFIX, "arn:aws:iam::111111111111:user/carol")).isNotEqualTo(carol.userId());
    }

    @Test
    void markdownDotFilesAndReservedEntriesAreIgnored() throws Exception {
        Path dir = fixture();
        Files.writeString(dir.resolve("README.md"), "# doc");
        Files.writeString(dir.resolve("users/.gitkeep"), "");
        Files.createDirectories(dir.resolve("oidc-providers"));
        Files.writeString(dir.resolve("oidc-providers/x.json"), "not even json");
        assertThat(IamConfigurationLoader.load(dir).users()).hasSize(2);
    }

    @Test
    void unknownGroup() throws Exception {
        assertThat(problems(fixture("unknown-group"))).singleElement()
                .satisfies(p -> assertProblem(p, "users/carol.json", 4, 30, "unknown group 'data-scientists' in account 111111111111"));
    }

    @Test
    void unknownManagedPolicyArn() throws Exception {
        assertThat(problems(fixture("unknown-policy"))).singleElement()
                .satisfies(p -> assertProblem(p, "groups/ml-engineers.json", 6, 5, "unknown managed policy arn:aws:iam::111111111111:policy/ReadModels"));
    }

    @Test
    void unknownAccount() throws Exception {
        assertThat(problems(fixture("unknown-account"))).singleElement()
                .satisfies(p -> assertProblem(p, "users/dave.json", 2, 14, "unknown account 333333333333"));
    }

    @Test
    void invalidPolicyInsideAManagedPolicyFile() throws Exception {
        assertThat(problems(fixture("bad-managed-policy"))).singleElement()
                .satisfies(p -> assertProblem(p, "managed-policies/NoDeletes.json", 9, 7, "both Action and NotAction"));
    }

    @Test
    void malformedJson() throws Exception {
        assertThat(problems(fixture("malformed-json"))).singleElement()
                .satisfies(p -> assertProblem(p, "users/dave.json", 4, 1, "malformed JSON"));
    }

    @Test
    void unknownElementAndMissingName() throws Exception {
        List<ConfigurationProblem> ps = problems(fixture("unknown-element"));
        assertThat(ps).hasSize(2);
        assertProblem(ps.get(0), "users/dave.json", 3, 3, "did you mean 'UserName'");
        assertProblem(ps.get(1), "users/dave.json", 1, 1, "missing required element 'UserName'");
    }

    @Test
    void namesAreUniqueIgnoringCase() throws Exception {
        assertThat(problems(fixture("duplicate-name"))).singleElement()
                .satisfies(p -> assertProblem(p, "users/carol2.json", 3, 15, "user name 'Carol' is already used in account 111111111111 at users/carol.json:3:15"));
    }

    @Test
    void badTags() throws Exception {
        List<ConfigurationProblem> ps = problems(fixture("bad-tags"));
        assertThat(ps).hasSize(2);
        assertProblem(ps.get(0), "users/dave.json", 4, 26, "duplicates 'Team'");
        assertProblem(ps.get(1), "users/dave.json", 4, 39, "reserved prefix aws:");
    }

    @Test
    void badRole() throws Exception {
        List<ConfigurationProblem> ps = problems(fixture("bad-role"));
        assertThat(ps).hasSize(2);
        assertThat(ps).anySatisfy(p -> assertProblem(p, "roles/model-runner.json", 7, 18, "trust policy statement needs a Principal"));
        assertThat(ps).anySatisfy(p -> assertProblem(p, "roles/model-runner.json", 4, 25, "MaxSessionDuration must be between 3600 and 43200"));
    }

    @Test
    void unknownTopLevelEntry() throws Exception {
        assertThat(problems(fixture("unknown-entry"))).singleElement()
                .satisfies(p -> {
                    assertThat(p.position().source()).isEqualTo("user");
                    assertThat(p.message()).contains("unknown entry in the policies directory");
                });
    }

    @Test
    void missingAccountsFileFailsEverythingThatNeedsAnAccount() throws Exception {
        Path dir = fixture();
        Files.delete(dir.resolve("accounts.json"));
        List<ConfigurationProblem> ps = problems(dir);
        assertThat(ps.get(0).toString()).isEqualTo("accounts.json: missing accounts.json (at least one account must be defined)");
        assertThat(ps).filteredOn(p -> p.message().startsWith("unknown account")).hasSize(6);
    }

    @Test
    void problemsInSeveralFilesAreAllReportedAndNothingIsHalfLoaded() throws Exception {
        IamConfiguration current = IamConfigurationLoader.load(fixture());
        Path broken = fixture("unknown-group", "bad-tags", "bad-managed-policy");
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class, () -> IamConfigurationLoader.load(broken));
        assertThat(e.problems()).extracting(p -> p.position().source())
                .contains("users/carol.json", "users/dave.json", "managed-policies/NoDeletes.json");
        assertThat(e.getMessage()).contains("users/carol.json:4:30: unknown group 'data-scientists'");
        // the caller's snapshot is untouched: a failed load hands back nothing
        assertThat(current.users()).hasSize(2);
    }

    @Test
    void missingDirectory() {
        assertThat(problems(temp.resolve("nope"))).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("does not exist"));
    }
}
