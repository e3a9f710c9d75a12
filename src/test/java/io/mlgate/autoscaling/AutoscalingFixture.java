package io.mlgate.autoscaling;

import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.iam.policy.IdentityPolicy;
import io.mlgate.iam.policy.PolicyParser;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.sts.MutableClock;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The service and the scaler over a state directory, fake SageMaker endpoints and a clock tests move. */
final class AutoscalingFixture {

    static final String ACCOUNT = FakeVariants.ACCOUNT;
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    /** Allowed everything. */
    static final PrincipalContext ADMIN = user("admin", ACCOUNT,
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");

    final Path dataDir;
    final MutableClock clock = new MutableClock(T0);
    final FakeVariants variants = new FakeVariants();
    final Autoscaler.Settings settings;
    AutoscalingState state;
    Autoscaler scaler;
    AutoscalingService service;

    AutoscalingFixture(Path dataDir) throws IOException {
        this(dataDir, new Autoscaler.Settings(Duration.ofSeconds(10), Duration.ofSeconds(60), 100));
    }

    AutoscalingFixture(Path dataDir, Autoscaler.Settings settings) throws IOException {
        this.dataDir = dataDir;
        this.settings = settings;
        reopen();
    }

    /** A restart: the state is read again from disk; the endpoints (SageMaker's own state) stay. */
    void reopen() throws IOException {
        state = AutoscalingState.open(dataDir);
        scaler = new Autoscaler(state, variants, variants, clock, settings);
        service = new AutoscalingService(scaler, variants, new PolicyEvaluator(), account -> List.of(), clock,
                "us-east-1");
    }

    static PrincipalContext user(String name, String account, String policy) {
        String arn = "arn:aws:iam::" + account + ":user/" + name;
        PrincipalContext.Builder b = PrincipalContext.builder(arn, account, PrincipalType.USER)
                .userName(name).userId("AIDA" + name.toUpperCase());
        if (policy != null) {
            try {
                b.identityPolicy(IdentityPolicy.inline(name + "-policy", arn, PolicyParser.parse(policy, name)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return b.build();
    }

    static JsonNode json(String text) {
        try {
            return JsonBodies.read(text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonServiceException e) {
            throw new AssertionError(e);
        }
    }

    /** As the gateway does: target (validation), then invoke. */
    JsonNode call(String op, String body, PrincipalContext caller) throws JsonServiceException {
        JsonNode parsed = json(body);
        service.target(op, parsed, caller.accountId(), caller);
        return service.invoke(op, parsed, caller, RequestContext.builder().put("aws:SecureTransport", "true").build());
    }

    JsonNode call(String op, String body) throws JsonServiceException {
        return call(op, body, ADMIN);
    }

    JsonServiceException error(String op, String body, PrincipalContext caller) {
        try {
            call(op, body, caller);
        } catch (JsonServiceException e) {
            return e;
        }
        throw new AssertionError(op + " succeeded: " + body);
    }

    JsonServiceException error(String op, String body) {
        return error(op, body, ADMIN);
    }

    static String variantId(String endpoint, String variant) {
        return "endpoint/" + endpoint + "/variant/" + variant;
    }

    JsonNode register(String endpoint, String variant, int min, int max) throws JsonServiceException {
        return call("RegisterScalableTarget", """
                {"ServiceNamespace": "sagemaker", "ResourceId": "%s",
                 "ScalableDimension": "sagemaker:variant:DesiredInstanceCount", "MinCapacity": %d, "MaxCapacity": %d}
                """.formatted(variantId(endpoint, variant), min, max));
    }

    /** A target-tracking policy on InvocationsPerInstance; {@code extra} is appended to its configuration. */
    JsonNode policy(String endpoint, String variant, String name, double target, String extra)
            throws JsonServiceException {
        return call("PutScalingPolicy", """
                {"PolicyName": "%s", "ServiceNamespace": "sagemaker", "ResourceId": "%s",
                 "ScalableDimension": "sagemaker:variant:DesiredInstanceCount", "PolicyType": "TargetTrackingScaling",
                 "TargetTrackingScalingPolicyConfiguration": {"TargetValue": %s,
                   "PredefinedMetricSpecification": {"PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}%s}}
                """.formatted(name, variantId(endpoint, variant), target, extra.isEmpty() ? "" : ", " + extra));
    }

    JsonNode activities(String endpoint, String variant) throws JsonServiceException {
        return call("DescribeScalingActivities", """
                {"ServiceNamespace": "sagemaker", "ResourceId": "%s"}""".formatted(variantId(endpoint, variant)));
    }

    /** Moves the clock by {@code seconds} and runs one pass of the scaler. */
    void tickAfter(int seconds) {
        clock.advance(Duration.ofSeconds(seconds));
        scaler.tick();
    }
}
