package io.mlgate.iam.sim;

import static io.mlgate.iam.sim.WireForm.children;
import static io.mlgate.iam.sim.WireForm.child;
import static io.mlgate.iam.sim.WireForm.members;
import static io.mlgate.iam.sim.WireForm.results;
import static io.mlgate.iam.sim.WireForm.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.protocol.query.QueryException;

/** SimulateCustomPolicy over the wire: form bodies as AWS CLI v2 sends them, XML parsed back. */
class SimulateCustomPolicyWireTest {

    /** The policy of AWS's documented simulate-custom-policy example (positions 1:38 to 1:167 there). */
    static final String AWS_EXAMPLE = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":"
            + "\"dynamodb:*\",\"Resource\":\"*\",\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":"
            + "\"2018-08-16T12:00:00Z\"}}}}";
    static final String ALLOW_INVOKE = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:InvokeEndpoint","Resource":"*"}]}""";
    static final String DENY_SAGEMAKER = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:*","Resource":"*"}]}""";
    static final String ALICE = "arn:aws:iam::111122223333:user/alice";
    static final String IRIS = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/iris";
    static final String OTHER_IRIS = "arn:aws:sagemaker:us-east-1:444455556666:endpoint/iris";

    private final SimulationQueryService service = new SimulationQueryService(IamConfiguration::empty);

    static QueryException failure(SimulationQueryService service, WireForm form) {
        QueryException e = catchThrowableOfType(QueryException.class, () -> form.call(service));
        assertThat(e).as("expected the call to fail").isNotNull();
        return e;
    }

    private static Element only(Document doc) {
        List<Element> r = results(doc);
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    // ---- decisions, matched statements and positions ----

    @Test
    void awsDocumentedExampleIsAllowedWithItsPositions() throws Exception {
        Element r = only(WireForm.custom().list("PolicyInputList", AWS_EXAMPLE).list("ActionNames", "dynamodb:CreateBackup")
                .context("aws:CurrentTime", "date", "2019-04-25T11:00:00Z").call(service));
        assertThat(text(r, "EvalActionName")).isEqualTo("dynamodb:CreateBackup");
        assertThat(text(r, "EvalResourceName")).isEqualTo("*");
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        List<Element> matched = children(child(r, "MatchedStatements"), "member");
        assertThat(matched).hasSize(1);
        Element s = matched.get(0);
        assertThat(text(s, "SourcePolicyId")).isEqualTo("PolicyInputList.1");
        assertThat(text(s, "SourcePolicyType")).isEqualTo("none");
        assertThat(text(s, "StartPosition", "Line")).isEqualTo("1");
        assertThat(text(s, "StartPosition", "Column")).isEqualTo("38");
        assertThat(text(s, "EndPosition", "Line")).isEqualTo("1");
        assertThat(text(s, "EndPosition", "Column")).isEqualTo("167");
        assertThat(members(r, "MissingContextValues")).isEmpty();
        assertThat(child(r, "ResourceSpecificResults")).isNull();
        assertThat(child(r, "EvalDecisionDetails")).isNull();
    }

    @Test
    void awsDocumentedExampleBeforeTheDateIsImplicitlyDenied() throws Exception {
        Element r = only(WireForm.custom().list("PolicyInputList", AWS_EXAMPLE).list("ActionNames", "dynamodb:CreateBackup")
                .context("aws:CurrentTime", "date", "2014-04-25T11:00:00Z").call(service));
        assertThat(text(r, "EvalDecision")).isEqualTo("implicitDeny");
        assertThat(children(child(r, "MatchedStatements"), "member")).isEmpty();
    }

    @Test
    void denyInAnyInputPolicyIsTheOnlyMatchedStatement() throws Exception {
        Element r = only(WireForm.custom().list("PolicyInputList", ALLOW_INVOKE, DENY_SAGEMAKER)
                .list("ActionNames", "sagemaker:InvokeEndpoint").call(service));
        assertThat(text(r, "EvalDecision")).isEqualTo("explicitDeny");
        List<Element> matched = children(child(r, "MatchedStatements"), "member");
        assertThat(matched).extracting(m -> text(m, "SourcePolicyId")).containsExactly("PolicyInputList.2");
    }

    @Test
    void positionsFollowLinesOfAPrettyPrintedPolicy() throws Exception {
        String policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
                + "      \"Action\": \"s3:*\",\n      \"Resource\": \"*\"\n    },\n    {\n      \"Effect\": \"Deny\",\n"
                + "      \"Action\": \"s3:DeleteObject\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";
        Element deny = only(WireForm.custom().list("PolicyInputList", policy).list("ActionNames", "s3:DeleteObject")
                .call(service));
        Element s = children(child(deny, "MatchedStatements"), "member").get(0);
        assertThat(text(s, "StartPosition", "Line")).isEqualTo("9");
        assertThat(text(s, "StartPosition", "Column")).isEqualTo("6");
        assertThat(text(s, "EndPosition", "Line")).isEqualTo("13");
        assertThat(text(s, "EndPosition", "Column")).isEqualTo("6");
        Element allow = only(WireForm.custom().list("PolicyInputList", policy).list("ActionNames", "s3:GetObject")
                .call(service));
        assertThat(text(children(child(allow, "MatchedStatements"), "member").get(0), "StartPosition", "Line"))
                .isEqualTo("4");
    }

    // ---- required members and policy validity ----

    @Test
    void policyInputListIsRequired() {
        QueryException e = failure(service, WireForm.custom().list("ActionNames", "s3:GetObject"));
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.getMessage()).contains("policyInputList");
    }

    @Test
    void actionNamesAreRequired() {
        QueryException e = failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE));
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.getMessage()).contains("actionNames");
    }

    @Test
    void unparseablePolicyIsAnErrorNotADeny() {
        QueryException e = failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE, "{\"Version\":")
                .list("ActionNames", "sagemaker:InvokeEndpoint"));
        assertThat(e.code()).isEqualTo("InvalidInput");
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).startsWith("PolicyInputList.2 is not a valid identity-based policy: line 1");
    }

    @Test
    void invalidPolicyElementIsInvalidInput() {
        String typo = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Efect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}";
        QueryException e = failure(service, WireForm.custom().list("PolicyInputList", typo).list("ActionNames", "s3:GetObject"));
        assertThat(e.code()).isEqualTo("InvalidInput");
        assertThat(e.getMessage()).contains("Efect");
    }

    @Test
    void identityPolicyWithPrincipalIsRejected() {
        String withPrincipal = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"s3:*\",\"Resource\":\"*\"}}";
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", withPrincipal)
                .list("ActionNames", "s3:GetObject")).code()).isEqualTo("InvalidInput");
    }

    @Test
    void policyTextOutsideLatin1BreaksTheModelPattern() {
        String policy = ALLOW_INVOKE.replace("Allow\"", "Allow\",\"Sid\":\"\u0416\"");
        QueryException e = failure(service, WireForm.custom().list("PolicyInputList", policy)
                .list("ActionNames", "sagemaker:InvokeEndpoint"));
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.getMessage()).contains("policyInputList.1.member").doesNotContain("Statement");
    }

    // ---- actions and resources ----

    @ParameterizedTest
    @CsvSource({"sagemaker:Invoke*", "InvokeEndpoint", "sagemaker:"})
    void actionNamesMustBeExactServiceActions(String action) {
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE).list("ActionNames", action))
                .code()).isEqualTo("InvalidInput");
    }

    @Test
    void resourceArnsMustBeArns() {
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint").list("ResourceArns", "endpoint/iris")).code())
                .isEqualTo("InvalidInput");
    }

    @Test
    void resourceArnsGiveOneResultPerResourceAndTheMostRestrictiveOnTop() throws Exception {
        String onlyIris = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker:*\","
                + "\"Resource\":\"" + IRIS + "\"}}";
        Element r = only(WireForm.custom().list("PolicyInputList", onlyIris).list("ActionNames", "sagemaker:InvokeEndpoint")
                .list("ResourceArns", IRIS, IRIS.replace("iris", "wine")).call(service));
        assertThat(text(r, "EvalDecision")).isEqualTo("implicitDeny");
        assertThat(text(r, "EvalResourceName")).isEqualTo("*");
        List<Element> perResource = children(child(r, "ResourceSpecificResults"), "member");
        assertThat(perResource).extracting(e -> text(e, "EvalResourceName") + "=" + text(e, "EvalResourceDecision"))
                .containsExactly(IRIS + "=allowed", IRIS.replace("iris", "wine") + "=implicitDeny");
        assertThat(children(child(perResource.get(0), "MatchedStatements"), "member")).hasSize(1);
        assertThat(child(r, "EvalDecisionDetails")).as("same account with resource ARNs: present but empty").isNotNull();
        assertThat(children(child(r, "EvalDecisionDetails"), "entry")).isEmpty();
    }

    // ---- context entries ----

    @ParameterizedTest(name = "{0} {1} valid={2}")
    @CsvSource(delimiter = '|', value = {
            "boolean|true|true", "boolean|yes|false",
            "numeric|42.5|true", "numeric|forty|false",
            "ip|203.0.113.9|true", "ip|203.0.113.0/24|false", "ip|999.1.1.1|false",
            "date|2024-05-01T12:00:00Z|true", "date|tomorrow|false",
            "binary|aGVsbG8=|true", "binary|***|false",
            "string|anything at all|true"})
    void contextValuesMustFitTheirType(String type, String value, boolean valid) throws Exception {
        WireForm form = WireForm.custom().list("PolicyInputList", ALLOW_INVOKE).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("svc:key", type, value);
        if (valid) {
            assertThat(text(only(form.call(service)), "EvalDecision")).isEqualTo("allowed");
        } else {
            QueryException e = failure(service, form);
            assertThat(e.code()).isEqualTo("InvalidInput");
            assertThat(e.getMessage()).contains("svc:key").doesNotContain(value);
        }
    }

    @Test
    void singleValuedTypeTakesExactlyOneValue() throws Exception {
        WireForm two = WireForm.custom().list("PolicyInputList", ALLOW_INVOKE).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("aws:TagKeys", "string", "a", "b");
        assertThat(failure(service, two).code()).isEqualTo("InvalidInput");
        String anyTag = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker:*\","
                + "\"Resource\":\"*\",\"Condition\":{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":\"b\"}}}}";
        Element r = only(WireForm.custom().list("PolicyInputList", anyTag).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("aws:TagKeys", "stringList", "a", "b").call(service));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
    }

    @Test
    void unknownContextKeyTypeBreaksTheModelEnum() {
        QueryException e = failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint").context("aws:SourceIp", "address", "10.0.0.1"));
        assertThat(e.code()).isEqualTo("ValidationError");
        assertThat(e.getMessage()).contains("contextEntries.1.member.contextKeyType");
    }

    @Test
    void contextKeysMustBeUniqueAndPrefixed() {
        WireForm dup = WireForm.custom().list("PolicyInputList", ALLOW_INVOKE).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("aws:SourceIp", "ip", "10.0.0.1").context("AWS:SOURCEIP", "ip", "10.0.0.2");
        assertThat(failure(service, dup).getMessage()).contains("more than once");
        WireForm bare = WireForm.custom().list("PolicyInputList", ALLOW_INVOKE).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("SourceIp", "ip", "10.0.0.1");
        assertThat(failure(service, bare).code()).isEqualTo("InvalidInput");
    }

    @Test
    void contextValuesDriveConditions() throws Exception {
        String ipOnly = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sagemaker:*\","
                + "\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}}}";
        assertThat(text(only(WireForm.custom().list("PolicyInputList", ipOnly).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("aws:SourceIp", "ip", "203.0.113.9").call(service)), "EvalDecision")).isEqualTo("allowed");
        assertThat(text(only(WireForm.custom().list("PolicyInputList", ipOnly).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("aws:SourceIp", "ip", "198.51.100.9").call(service)), "EvalDecision")).isEqualTo("implicitDeny");
    }

    @Test
    void missingContextValuesNameOnlyKeysOfRelevantStatements() throws Exception {
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\","
                + "\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}},"
                + "{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\","
                + "\"Condition\":{\"StringLike\":{\"s3:prefix\":\"home/*\"}}}]}";
        Element missing = only(WireForm.custom().list("PolicyInputList", policy)
                .list("ActionNames", "sagemaker:InvokeEndpoint").call(service));
        assertThat(members(missing, "MissingContextValues")).containsExactly("aws:SourceIp");
        Element given = only(WireForm.custom().list("PolicyInputList", policy).list("ActionNames", "sagemaker:InvokeEndpoint")
                .context("aws:SourceIp", "ip", "203.0.113.9").call(service));
        assertThat(members(given, "MissingContextValues")).isEmpty();
        Element perResource = only(WireForm.custom().list("PolicyInputList", policy)
                .list("ActionNames", "sagemaker:InvokeEndpoint").list("ResourceArns", IRIS).call(service));
        assertThat(members(children(child(perResource, "ResourceSpecificResults"), "member").get(0),
                "MissingContextValues")).containsExactly("aws:SourceIp");
    }

    // ---- permissions boundary ----

    @Test
    void boundaryLimitsAndReportsItsDecision() throws Exception {
        Element allowed = only(WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("PermissionsBoundaryPolicyInputList", ALLOW_INVOKE.replace("sagemaker:InvokeEndpoint", "sagemaker:*"))
                .list("ActionNames", "sagemaker:InvokeEndpoint").call(service));
        assertThat(text(allowed, "EvalDecision")).isEqualTo("allowed");
        assertThat(text(allowed, "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary")).isEqualTo("true");
        Element limited = only(WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("PermissionsBoundaryPolicyInputList", ALLOW_INVOKE.replace("sagemaker:InvokeEndpoint", "s3:*"))
                .list("ActionNames", "sagemaker:InvokeEndpoint").call(service));
        assertThat(text(limited, "EvalDecision")).isEqualTo("implicitDeny");
        assertThat(text(limited, "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary")).isEqualTo("false");
        assertThat(child(only(WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint").call(service)), "PermissionsBoundaryDecisionDetail"))
                .isNull();
    }

    @Test
    void onlyOneBoundaryMayBeGiven() {
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("PermissionsBoundaryPolicyInputList", ALLOW_INVOKE, ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint")).code()).isEqualTo("InvalidInput");
    }

    // ---- resource policy and caller ----

    private static String resourcePolicy(String principal, String effect) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"" + effect + "\",\"Principal\":{\"AWS\":\""
                + principal + "\"},\"Action\":\"sagemaker:InvokeEndpoint\",\"Resource\":\"*\"}}";
    }

    @Test
    void resourcePolicyNeedsACallerArn() {
        QueryException e = failure(service, WireForm.custom().list("PolicyInputList", DENY_SAGEMAKER.replace("Deny", "Allow"))
                .list("ActionNames", "sagemaker:InvokeEndpoint").add("ResourcePolicy", resourcePolicy(ALICE, "Allow")));
        assertThat(e.code()).isEqualTo("InvalidInput");
        assertThat(e.getMessage()).contains("CallerArn");
    }

    @Test
    void resourcePolicyNamingTheCallerGrantsOnItsOwn() throws Exception {
        String noIdentity = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}";
        Element r = only(WireForm.custom().list("PolicyInputList", noIdentity).list("ActionNames", "sagemaker:InvokeEndpoint")
                .list("ResourceArns", IRIS).add("ResourcePolicy", resourcePolicy(ALICE, "Allow")).add("CallerArn", ALICE)
                .call(service));
        assertThat(text(r, "EvalDecision")).isEqualTo("allowed");
        Element s = children(child(r, "MatchedStatements"), "member").get(0);
        assertThat(text(s, "SourcePolicyId")).isEqualTo("ResourcePolicy");
        assertThat(text(s, "SourcePolicyType")).isEqualTo("resource");
        Element other = only(WireForm.custom().list("PolicyInputList", noIdentity).list("ActionNames", "sagemaker:InvokeEndpoint")
                .list("ResourceArns", IRIS).add("ResourcePolicy", resourcePolicy(ALICE.replace("alice", "bob"), "Allow"))
                .add("CallerArn", ALICE).call(service));
        assertThat(text(other, "EvalDecision")).isEqualTo("implicitDeny");
    }

    @ParameterizedTest
    @CsvSource({"arn:aws:iam::111122223333:role/runner", "arn:aws:sts::111122223333:assumed-role/runner/s1",
            "arn:aws:sts::111122223333:federated-user/bob"})
    void resourcePolicySimulationNeedsAnIamUserCaller(String caller) {
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint").add("ResourcePolicy", resourcePolicy(caller, "Allow"))
                .add("CallerArn", caller)).code()).isEqualTo("InvalidInput");
    }

    @Test
    void resourcePolicyNeedsAPrincipal() {
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint").add("ResourcePolicy", ALLOW_INVOKE).add("CallerArn", ALICE))
                .getMessage()).startsWith("ResourcePolicy is not a valid resource-based policy");
    }

    @Test
    void resourcePolicyMustApplyToEveryResource() {
        String onlyIris = resourcePolicy(ALICE, "Allow").replace("\"Resource\":\"*\"", "\"Resource\":\"" + IRIS + "\"");
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint").list("ResourceArns", IRIS.replace("iris", "wine"))
                .add("ResourcePolicy", onlyIris).add("CallerArn", ALICE)).getMessage()).contains("does not apply");
    }

    @Test
    void crossAccountReportsEachPolicyType() throws Exception {
        Element both = only(WireForm.custom().list("PolicyInputList", ALLOW_INVOKE).list("ActionNames", "sagemaker:InvokeEndpoint")
                .list("ResourceArns", OTHER_IRIS).add("ResourcePolicy", resourcePolicy(ALICE, "Allow"))
                .add("CallerArn", ALICE).call(service));
        assertThat(text(both, "EvalDecision")).isEqualTo("allowed");
        assertThat(details(both)).containsExactly("IAM Policy=allowed", "Resource Policy=allowed");
        assertThat(children(child(both, "MatchedStatements"), "member")).extracting(m -> text(m, "SourcePolicyId"))
                .containsExactly("PolicyInputList.1", "ResourcePolicy");
        Element resourceSilent = only(WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint").list("ResourceArns", OTHER_IRIS)
                .add("ResourcePolicy", resourcePolicy(ALICE.replace("alice", "bob"), "Allow")).add("CallerArn", ALICE)
                .call(service));
        assertThat(text(resourceSilent, "EvalDecision")).isEqualTo("implicitDeny");
        assertThat(details(resourceSilent)).containsExactly("IAM Policy=allowed", "Resource Policy=implicitDeny");
        Element perResource = children(child(resourceSilent, "ResourceSpecificResults"), "member").get(0);
        assertThat(details(perResource)).containsExactly("IAM Policy=allowed", "Resource Policy=implicitDeny");
    }

    @Test
    void resourceOwnerPlacesResourcesWithoutAccount() throws Exception {
        String bucket = "arn:aws:s3:::models/iris.onnx";
        String identity = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}}";
        Element own = only(WireForm.custom().list("PolicyInputList", identity).list("ActionNames", "s3:GetObject")
                .list("ResourceArns", bucket).add("CallerArn", ALICE).call(service));
        assertThat(text(own, "EvalDecision")).isEqualTo("allowed");
        Element foreign = only(WireForm.custom().list("PolicyInputList", identity).list("ActionNames", "s3:GetObject")
                .list("ResourceArns", bucket).add("CallerArn", ALICE).add("ResourceOwner", "arn:aws:iam::444455556666:root")
                .call(service));
        assertThat(text(foreign, "EvalDecision")).isEqualTo("implicitDeny");
        assertThat(details(foreign)).contains("Resource Policy=implicitDeny");
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", identity).list("ActionNames", "s3:GetObject")
                .add("ResourceOwner", "arn:aws:iam::4444:root")).code()).isEqualTo("InvalidInput");
    }

    static List<String> details(Element result) {
        return children(child(result, "EvalDecisionDetails"), "entry").stream()
                .map(e -> text(e, "key") + "=" + text(e, "value")).toList();
    }

    // ---- organizations ----

    @Test
    void everyOrganizationLevelMustAllow() throws Exception {
        String all = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}";
        String s3Only = all.replace("\"Action\":\"*\"", "\"Action\":\"s3:*\"");
        WireForm sagemaker = WireForm.custom().list("PolicyInputList", all).list("ActionNames", "sagemaker:InvokeEndpoint", "s3:GetObject")
                .add("OrderedOrganizationPolicyInputList.member.1.ServiceControlPolicyInputList.member.1", all)
                .add("OrderedOrganizationPolicyInputList.member.2.ServiceControlPolicyInputList.member.1", s3Only);
        List<Element> r = results(sagemaker.call(service));
        assertThat(text(r.get(0), "EvalDecision")).isEqualTo("implicitDeny");
        assertThat(text(r.get(0), "OrganizationsDecisionDetail", "AllowedByOrganizations")).isEqualTo("false");
        assertThat(text(r.get(1), "EvalDecision")).isEqualTo("allowed");
        assertThat(text(r.get(1), "OrganizationsDecisionDetail", "AllowedByOrganizations")).isEqualTo("true");
    }

    @Test
    void scpDenyIsExplicitButNotListed() throws Exception {
        Element r = only(WireForm.custom().list("PolicyInputList", ALLOW_INVOKE).list("ActionNames", "sagemaker:InvokeEndpoint")
                .add("OrderedOrganizationPolicyInputList.member.1.ServiceControlPolicyInputList.member.1", DENY_SAGEMAKER)
                .call(service));
        assertThat(text(r, "EvalDecision")).isEqualTo("explicitDeny");
        assertThat(children(child(r, "MatchedStatements"), "member")).isEmpty();
    }

    @Test
    void atMostSevenOrganizationLevels() {
        WireForm form = WireForm.custom().list("PolicyInputList", ALLOW_INVOKE).list("ActionNames", "sagemaker:InvokeEndpoint");
        for (int i = 1; i <= 8; i++) {
            form.add("OrderedOrganizationPolicyInputList.member." + i + ".ServiceControlPolicyInputList.member.1", ALLOW_INVOKE);
        }
        assertThat(failure(service, form).code()).isEqualTo("ValidationError");
    }

    // ---- paging ----

    @Test
    void maxItemsAndMarkerPageOverActions() throws Exception {
        WireForm first = WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint", "s3:GetObject", "kms:Decrypt").add("MaxItems", "2");
        Document page1 = first.call(service);
        assertThat(results(page1)).extracting(e -> text(e, "EvalActionName"))
                .containsExactly("sagemaker:InvokeEndpoint", "s3:GetObject");
        assertThat(WireForm.topText(page1, "IsTruncated")).isEqualTo("true");
        String marker = WireForm.topText(page1, "Marker");
        assertThat(marker).isNotBlank();
        Document page2 = WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint", "s3:GetObject", "kms:Decrypt").add("MaxItems", "2")
                .add("Marker", marker).call(service);
        assertThat(results(page2)).extracting(e -> text(e, "EvalActionName")).containsExactly("kms:Decrypt");
        assertThat(WireForm.topText(page2, "IsTruncated")).isEqualTo("false");
        assertThat(WireForm.topText(page2, "Marker")).isNull();
    }

    @Test
    void markerOnlyContinuesTheSameCall() {
        QueryException changed = failure(service, WireForm.custom().list("PolicyInputList", DENY_SAGEMAKER)
                .list("ActionNames", "sagemaker:InvokeEndpoint", "s3:GetObject", "kms:Decrypt")
                .add("Marker", SimulationRequestReader.marker(2, "0000000000000000")));
        assertThat(changed.code()).isEqualTo("InvalidInput");
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "s3:GetObject").add("Marker", "garbage")).code()).isEqualTo("InvalidInput");
    }

    @ParameterizedTest
    @CsvSource({"0", "1001", "ten"})
    void maxItemsFollowsTheModelRange(String max) {
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "s3:GetObject").add("MaxItems", max)).code()).isEqualTo("ValidationError");
    }

    // ---- resource handling option ----

    @Test
    void resourceHandlingOptionNeedsItsResources() throws Exception {
        String ec2 = "arn:aws:ec2:us-east-1:111122223333:";
        String allEc2 = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"ec2:RunInstances\",\"Resource\":\"*\"}}";
        WireForm complete = WireForm.custom().list("PolicyInputList", allEc2).list("ActionNames", "ec2:RunInstances")
                .list("ResourceArns", ec2 + "instance/*", "arn:aws:ec2:us-east-1::image/ami-1", ec2 + "security-group/sg-1",
                        ec2 + "network-interface/eni-1", ec2 + "volume/vol-1")
                .add("ResourceHandlingOption", "EC2-VPC-EBS");
        assertThat(text(only(complete.call(service)), "EvalDecision")).isEqualTo("allowed");
        WireForm noVolume = WireForm.custom().list("PolicyInputList", allEc2).list("ActionNames", "ec2:RunInstances")
                .list("ResourceArns", ec2 + "instance/*", "arn:aws:ec2:us-east-1::image/ami-1", ec2 + "security-group/sg-1",
                        ec2 + "network-interface/eni-1")
                .add("ResourceHandlingOption", "EC2-VPC-EBS");
        assertThat(failure(service, noVolume).getMessage()).contains("volume");
        assertThat(failure(service, WireForm.custom().list("PolicyInputList", allEc2).list("ActionNames", "ec2:RunInstances")
                .add("ResourceHandlingOption", "EC2-Classic")).code()).isEqualTo("InvalidInput");
    }

    // ---- failures of the evaluator and unknown operations ----

    @Test
    void evaluatorFailureIsPolicyEvaluationNotADeny() {
        SimulationQueryService broken = new SimulationQueryService(IamConfiguration::empty, request -> {
            throw new IllegalStateException("bug");
        });
        QueryException e = failure(broken, WireForm.custom().list("PolicyInputList", ALLOW_INVOKE)
                .list("ActionNames", "sagemaker:InvokeEndpoint"));
        assertThat(e.code()).isEqualTo("PolicyEvaluation");
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getMessage()).doesNotContain("bug");
    }

    @Test
    void unknownOperationIsInvalidAction() {
        QueryException e = catchThrowableOfType(QueryException.class, () -> service.invoke("GetContextKeysForCustomPolicy",
                WireForm.custom().parameters(), WireForm.CALLER, new io.mlgate.protocol.query.XmlWriter()));
        assertThat(e.code()).isEqualTo("InvalidAction");
    }
}
