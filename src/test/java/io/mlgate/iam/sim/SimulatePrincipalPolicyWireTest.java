package io.mlgate.iam.sim;

import static io.mlgate.iam.sim.SimulateCustomPolicyWireTest.failure;
import static io.mlgate.iam.sim.WireForm.child;
import static io.mlgate.iam.sim.WireForm.children;
import static io.mlgate.iam.sim.WireForm.members;
import static io.mlgate.iam.sim.WireForm.results;
import static io.mlgate.iam.sim.WireForm.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.config.IamConfigurationLoader;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.protocol.query.QueryException;

/**
 * SimulatePrincipalPolicy over the wire against the configuration under src/test/resources/iam/simwire/policies:
 * alice (inline policies, group analysts, boundary SageMakerOnly), bob (tag team=ml, no policies), role runner, and
 * carol in another account.
 */
class SimulatePrincipalPolicyWireTest {

    static final String ALICE = "arn:aws:iam::111122223333:user/alice";
    static final String BOB = "arn:aws:iam::111122223333:user/bob";
    static final String CAROL = "arn:aws:iam::444455556666:user/carol";
    static final String ANALYSTS = "arn:aws:iam::111122223333:group/analysts";
    static final String RUNNER = "arn:aws:iam::111122223333:role/service/runner";
    static final String IRIS = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/iris";

    private static IamConfiguration config;
    private SimulationQueryService service;

    @BeforeAll
    static void load() throws Exception {
        config = IamConfigurationLoader.load(Path.of(SimulatePrincipalPolicyWireTest.class
                .getResource("/iam/simwire/policies").toURI()));
    }

    SimulatePrincipalPolicyWireTest() {
        service = new SimulationQueryService(() -> config);
    }

    private Element only(WireForm form) throws Exception {
        List<Element> r = results(form.call(service));
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    private static List<String> sources(Element r) {
        return children(child(r, "MatchedStatements"), "member").stream()
                .map(m -> text(m, "SourcePolicyId") + "/" + text(m, "SourcePolicyType")).toList();
    }

    @Test
    void userIncludesItsGroupsPoliciesAndBoundary() throws Exception {
        Element r = only(WireForm.principal(ALICE).list("ActionNames", "sagemaker:InvokeEndpoint").list("ResourceArns", IRIS)
                .context("aws:SecureTransport", "boolean", "true"));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        assertThat(sources(r)).containsExactly("GroupInvoke/group");
        Element s = children(child(r, "MatchedStatements"), "member").get(0);
        assertThat(child(s, "StartPosition")).as("configured policies have no request text to point into").isNull();
        assertThat(text(r, "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary")).isEqualTo("true");
    }

    @Test
    void conditionKeyNotSuppliedIsMissingAndDenies() throws Exception {
        Element r = only(WireForm.principal(ALICE).list("ActionNames", "sagemaker:InvokeEndpoint").list("ResourceArns", IRIS));
        assertThat(text(r, "EvalDecision")).isEqualTo("implicitDeny");
        assertThat(members(r, "MissingContextValues")).containsExactly("aws:SecureTransport");
    }

    @Test
    void managedPolicyOfAGroupIsUserManaged() throws Exception {
        Element r = only(WireForm.principal(ALICE).list("ActionNames", "sagemaker:DescribeEndpoint"));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        assertThat(sources(r)).containsExactly("ReadModels/user-managed");
    }

    @Test
    void boundaryOfTheUserLimitsItsInlinePolicies() throws Exception {
        Element r = only(WireForm.principal(ALICE).list("ActionNames", "s3:GetObject"));
        assertThat(text(r, "EvalDecision")).isEqualTo("implicitDeny");
        assertThat(text(r, "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary")).isEqualTo("false");
    }

    @Test
    void inlineDenyOfTheUserIsExplicit() throws Exception {
        Element r = only(WireForm.principal(ALICE).list("ActionNames", "sagemaker:DeleteEndpoint"));
        assertThat(text(r, "EvalDecision")).isEqualTo("explicitDeny");
        assertThat(sources(r)).containsExactly("AliceDenyDelete/user");
    }

    @Test
    void boundaryInputReplacesTheAttachedBoundary() throws Exception {
        String s3 = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}";
        Element r = only(WireForm.principal(ALICE).list("PermissionsBoundaryPolicyInputList", s3).list("ActionNames", "s3:GetObject"));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        assertThat(text(r, "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary")).isEqualTo("true");
    }

    @Test
    void exclusionsRemoveAttachedPolicies() throws Exception {
        Element noBoundary = only(WireForm.principal(ALICE).list("ActionNames", "s3:GetObject")
                .add("PolicyExclusionList.member.1.PolicyType", "permission-boundary"));
        assertThat(text(noBoundary, "EvalDecision")).isEqualTo("allowed");
        assertThat(child(noBoundary, "PermissionsBoundaryDecisionDetail")).isNull();

        Element noDeny = only(WireForm.principal(ALICE).list("ActionNames", "sagemaker:DeleteEndpoint")
                .add("PolicyExclusionList.member.1.InlinePolicyIdentifier.PolicyName", "AliceDenyDelete")
                .add("PolicyExclusionList.member.1.InlinePolicyIdentifier.AttachmentType", "user")
                .add("PolicyExclusionList.member.1.InlinePolicyIdentifier.AttachmentName", "a*"));
        assertThat(text(noDeny, "EvalDecision")).isEqualTo("allowed");
        assertThat(sources(noDeny)).containsExactly("AliceS3/user");

        Element wrongEntity = only(WireForm.principal(ALICE).list("ActionNames", "sagemaker:DeleteEndpoint")
                .add("PolicyExclusionList.member.1.InlinePolicyIdentifier.PolicyName", "AliceDenyDelete")
                .add("PolicyExclusionList.member.1.InlinePolicyIdentifier.AttachmentType", "group")
                .add("PolicyExclusionList.member.1.InlinePolicyIdentifier.AttachmentName", "a*"));
        assertThat(text(wrongEntity, "EvalDecision")).isEqualTo("explicitDeny");

        Element noManaged = only(WireForm.principal(ALICE).list("ActionNames", "sagemaker:DescribeEndpoint")
                .add("PolicyExclusionList.member.1.PolicyArn", "arn:aws:iam::111122223333:policy/Read*"));
        assertThat(text(noManaged, "EvalDecision")).isEqualTo("implicitDeny");
    }

    @Test
    void malformedExclusionsAreInvalidInput() {
        assertThat(failure(service, WireForm.principal(ALICE).list("ActionNames", "s3:GetObject")
                .add("PolicyExclusionList.member.1.PolicyType", "inline")
                .add("PolicyExclusionList.member.1.PolicyArn", "arn:aws:iam::111122223333:policy/ReadModels")).code())
                .isEqualTo("InvalidInput");
        assertThat(failure(service, WireForm.principal(ALICE).list("ActionNames", "s3:GetObject")
                .add("PolicyExclusionList.member.1.PolicyArn", "arn:aws:iam::1111*:policy/ReadModels")).code())
                .isEqualTo("InvalidInput");
        assertThat(failure(service, WireForm.principal(ALICE).list("ActionNames", "s3:GetObject")
                .add("PolicyExclusionList.member.1.PolicyType", "session")).code()).isEqualTo("ValidationError");
    }

    @Test
    void groupSimulatesOnlyItsOwnPolicies() throws Exception {
        assertThat(text(only(WireForm.principal(ANALYSTS).list("ActionNames", "sagemaker:DescribeEndpoint")), "EvalDecision"))
                .isEqualTo("allowed");
        assertThat(text(only(WireForm.principal(ANALYSTS).list("ActionNames", "sagemaker:DeleteEndpoint")), "EvalDecision"))
                .isEqualTo("implicitDeny");
    }

    @Test
    void roleIsSimulatedWithItsTags() throws Exception {
        Element r = only(WireForm.principal(RUNNER).list("ActionNames", "sagemaker:InvokeEndpoint"));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        assertThat(sources(r)).containsExactly("RunnerInvoke/role");
        Element overridden = only(WireForm.principal(RUNNER).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("aws:PrincipalTag/team", "string", "ml"));
        assertThat(text(overridden, "EvalDecision")).isEqualTo("implicitDeny");
    }

    @Test
    void additionalInputPoliciesSeeTheUsersTags() throws Exception {
        String byTag = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker:*\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/team\":\"ml\"}}}}";
        Element r = only(WireForm.principal(BOB).list("PolicyInputList", byTag).list("ActionNames", "sagemaker:InvokeEndpoint"));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        Element s = children(child(r, "MatchedStatements"), "member").get(0);
        assertThat(text(s, "SourcePolicyId")).isEqualTo("PolicyInputList.1");
        assertThat(text(s, "StartPosition", "Column")).isEqualTo("38");
        assertThat(text(only(WireForm.principal(BOB).list("ActionNames", "sagemaker:InvokeEndpoint")), "EvalDecision"))
                .isEqualTo("implicitDeny");
    }

    @Test
    void unknownEntitiesAreNoSuchEntity() {
        QueryException e = failure(service, WireForm.principal("arn:aws:iam::111122223333:user/mallory")
                .list("ActionNames", "s3:GetObject"));
        assertThat(e.code()).isEqualTo("NoSuchEntity");
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).isEqualTo("The user with name mallory cannot be found.");
        assertThat(failure(service, WireForm.principal("arn:aws:iam::111122223333:role/runner")
                .list("ActionNames", "s3:GetObject")).code()).as("the role's ARN has the path /service/").isEqualTo("NoSuchEntity");
    }

    @Test
    void policySourceMustBeAUserGroupOrRoleArn() {
        assertThat(failure(service, WireForm.principal("arn:aws:sts::111122223333:assumed-role/runner/s1")
                .list("ActionNames", "s3:GetObject")).code()).isEqualTo("InvalidInput");
        assertThat(failure(service, WireForm.principal("arn:aws:iam").list("ActionNames", "s3:GetObject")).code())
                .isEqualTo("ValidationError");
    }

    @Test
    void entitiesOfOtherAccountsAreNotVisible() throws Exception {
        assertThat(failure(service, WireForm.principal(CAROL).list("ActionNames", "s3:GetObject")).code())
                .isEqualTo("NoSuchEntity");
        PrincipalContext otherAdmin = PrincipalContext.builder("arn:aws:iam::444455556666:user/admin", "444455556666",
                PrincipalType.USER).build();
        Element r = results(WireForm.principal(CAROL).list("ActionNames", "s3:GetObject").call(service, otherAdmin)).get(0);
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
    }

    @Test
    void resourcePolicyNeedsAUserCallerForGroupSources() throws Exception {
        String rp = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ALICE
                + "\"},\"Action\":\"sagemaker:DeleteEndpoint\",\"Resource\":\"*\"}}";
        assertThat(failure(service, WireForm.principal(ANALYSTS).list("ActionNames", "sagemaker:DeleteEndpoint")
                .add("ResourcePolicy", rp)).getMessage()).contains("CallerArn");
        Element r = only(WireForm.principal(ANALYSTS).list("ActionNames", "sagemaker:DeleteEndpoint").list("ResourceArns", IRIS)
                .add("ResourcePolicy", rp).add("CallerArn", ALICE));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        assertThat(sources(r)).containsExactly("ResourcePolicy/resource");
    }

    @Test
    void userSourceIsTheCallerOfAResourcePolicyByDefault() throws Exception {
        String rp = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + BOB
                + "\"},\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}}";
        Element r = only(WireForm.principal(BOB).list("ActionNames", "sagemaker:InvokeEndpoint").add("ResourcePolicy", rp));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        Element asAlice = only(WireForm.principal(BOB).list("ActionNames", "sagemaker:InvokeEndpoint")
                .add("ResourcePolicy", rp).add("CallerArn", ALICE));
        assertThat(text(asAlice, "EvalDecision")).isEqualTo("implicitDeny");
    }

    @Test
    void eachCallReadsTheLiveConfiguration() throws Exception {
        AtomicReference<IamConfiguration> live = new AtomicReference<>(IamConfiguration.empty());
        SimulationQueryService reloading = new SimulationQueryService(live::get);
        assertThat(failure(reloading, WireForm.principal(BOB).list("ActionNames", "s3:GetObject")).code())
                .isEqualTo("NoSuchEntity");
        live.set(config);
        assertThat(text(results(WireForm.principal(BOB).list("ActionNames", "s3:GetObject").call(reloading)).get(0),
                "EvalDecision")).isEqualTo("implicitDeny");
    }
}
