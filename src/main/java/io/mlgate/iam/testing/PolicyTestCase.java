package io.mlgate.iam.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One named case of a policy test suite: a request (principal, action, resource, condition context) and the decision
 * it is expected to get.
 *
 * @param name      unique within its suite file
 * @param principal a user or role of the IAM configuration, by ARN or by name
 * @param context   condition keys to their values (a single value is a one-element list)
 * @param call      what only the OPA guardrails see of the call (target variant, payload size, ...)
 */
public record PolicyTestCase(String name, String principal, String action, String resource,
        Map<String, List<String>> context, Expectation expect, CallFacts call) {

    /** A case without call facts. */
    public PolicyTestCase(String name, String principal, String action, String resource,
                          Map<String, List<String>> context, Expectation expect) {
        this(name, principal, action, resource, context, expect, CallFacts.NONE);
    }

    public PolicyTestCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(expect, "expect");
        call = call == null ? CallFacts.NONE : call;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        context.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "context key"), List.copyOf(v)));
        context = java.util.Collections.unmodifiableMap(copy);
    }
}
