package io.mlgate.sagemaker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A test double of the runtime boundary: records every call and completes deployments only when told to. */
final class ControlledRuntime implements EndpointRuntime {

    record Call(String kind, DeploymentPlan plan) {}

    record Weights(String endpointArn, Map<String, Double> weights, Map<String, Integer> counts) {}

    final List<Call> calls = new ArrayList<>();
    final List<Weights> weights = new ArrayList<>();
    final List<String> undeployed = new ArrayList<>();
    private final Map<String, Consumer<DeploymentOutcome>> waiting = new LinkedHashMap<>();

    @Override
    public synchronized void deploy(DeploymentPlan plan, Consumer<DeploymentOutcome> done) {
        calls.add(new Call("deploy", plan));
        waiting.put(plan.endpointArn(), done);
    }

    @Override
    public synchronized void update(DeploymentPlan plan, Consumer<DeploymentOutcome> done) {
        calls.add(new Call("update", plan));
        waiting.put(plan.endpointArn(), done);
    }

    @Override
    public synchronized void setWeights(String endpointArn, Map<String, Double> w, Map<String, Integer> counts) {
        weights.add(new Weights(endpointArn, Map.copyOf(w), Map.copyOf(counts)));
    }

    @Override
    public synchronized void undeploy(String endpointArn) {
        undeployed.add(endpointArn);
    }

    /** The completion the runtime holds for an endpoint (so a test can call it late or twice). */
    synchronized Consumer<DeploymentOutcome> completionOf(String endpointArn) {
        Consumer<DeploymentOutcome> done = waiting.get(endpointArn);
        if (done == null) {
            throw new AssertionError("no deployment waiting for " + endpointArn);
        }
        return done;
    }

    void complete(String endpointArn) {
        completionOf(endpointArn).accept(DeploymentOutcome.serving());
    }

    void fail(String endpointArn, String reason) {
        completionOf(endpointArn).accept(DeploymentOutcome.failed(reason));
    }

    synchronized Call last() {
        return calls.get(calls.size() - 1);
    }
}
