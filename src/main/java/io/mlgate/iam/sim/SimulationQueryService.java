package io.mlgate.iam.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import io.mlgate.iam.config.IamConfiguration;
import io.mlgate.iam.eval.AuthorizationRequest;
import io.mlgate.iam.eval.Decision;
import io.mlgate.iam.eval.PolicyEvaluator;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.protocol.query.QueryApi;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryService;
import io.mlgate.protocol.query.QueryTarget;
import io.mlgate.protocol.query.XmlWriter;

/**
 * The IAM policy simulator over the AWS query protocol: {@code SimulateCustomPolicy} (policies given as text) and
 * {@code SimulatePrincipalPolicy} (the policies of a user, group or role of the live IAM configuration), answered
 * with the same {@link PolicyEvaluator} decisions as {@code mlgate policy simulate}, in the IAM API's shapes.
 */
public final class SimulationQueryService implements QueryService {

    private static final Set<String> OPERATIONS = Set.of(SimulationRequestReader.CUSTOM,
            SimulationRequestReader.PRINCIPAL);

    private final Supplier<IamConfiguration> configuration;
    private final WireSimulation simulation;

    /**
     * @param configuration the live IAM configuration, asked once per SimulatePrincipalPolicy call (a hot reload
     *                      takes effect at the next call)
     */
    public SimulationQueryService(Supplier<IamConfiguration> configuration) {
        this(configuration, new PolicyEvaluator()::evaluate);
    }

    /** For tests of the failure path: evaluates with {@code evaluator} instead of the policy evaluator. */
    SimulationQueryService(Supplier<IamConfiguration> configuration, Function<AuthorizationRequest, Decision> evaluator) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.simulation = new WireSimulation(Objects.requireNonNull(evaluator, "evaluator"));
    }

    @Override
    public QueryApi api() {
        return QueryApi.IAM;
    }

    @Override
    public Set<String> operations() {
        return OPERATIONS;
    }

    /** Policies of up to 128 KiB each arrive percent-encoded, so simulations may be larger than other IAM calls. */
    @Override
    public int maxBodyBytes() {
        return 2 * 1024 * 1024;
    }

    /**
     * {@code iam:SimulateCustomPolicy} on {@code *}, or {@code iam:SimulatePrincipalPolicy} on the PolicySourceArn;
     * both read-only. The audit parameters give the policies' count and size and the context keys' names and types,
     * never policy texts or context values.
     */
    @Override
    public QueryTarget target(String operation, QueryParameters parameters, String accountId, PrincipalContext caller)
            throws QueryException {
        checkOperation(operation);
        Map<String, Object> audit = new LinkedHashMap<>();
        if (operation.equals(SimulationRequestReader.PRINCIPAL)) {
            String source = parameters.required("PolicySourceArn", "policySourceArn");
            if (source.length() < 20 || source.length() > 2048) {
                throw QueryException.constraint("policySourceArn", source, source.length() < 20
                        ? "Member must have length greater than or equal to 20"
                        : "Member must have length less than or equal to 2048");
            }
            SimulationRequestReader.EntityArn entity = SimulationRequestReader.sourceEntity(source);
            audit.put("policySourceArn", source);
            addAudit(parameters, audit);
            String type = switch (entity.kind()) {
                case "user" -> "AWS::IAM::User";
                case "group" -> "AWS::IAM::Group";
                default -> "AWS::IAM::Role";
            };
            return new QueryTarget("iam:" + operation, source, type, true, audit);
        }
        addAudit(parameters, audit);
        return new QueryTarget("iam:" + operation, "*", null, true, audit);
    }

    @Override
    public void invoke(String operation, QueryParameters parameters, PrincipalContext caller, XmlWriter result)
            throws QueryException {
        checkOperation(operation);
        SimulationRequest request;
        if (operation.equals(SimulationRequestReader.CUSTOM)) {
            request = SimulationRequestReader.readCustom(parameters);
        } else {
            IamConfiguration config = configuration.get();
            request = SimulationRequestReader.readPrincipal(parameters, config == null ? IamConfiguration.empty() : config,
                    caller == null ? null : caller.accountId());
        }
        int from = request.offset();
        int to = Math.min(request.actions().size(), from + request.maxItems());
        List<WireSimulation.ActionResult> results = simulation.run(request, from, to);
        boolean truncated = to < request.actions().size();
        SimulationResponseWriter.write(result, results, request.specificResources(),
                truncated ? SimulationRequestReader.marker(to, request.fingerprint()) : null);
    }

    private void checkOperation(String operation) throws QueryException {
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw new QueryException("InvalidAction", 400, "The action " + PrintableText.of(String.valueOf(operation))
                    + " is not valid for this web service.");
        }
    }

    /** Request parameters for the audit record: names, ARNs and counts only. */
    private static void addAudit(QueryParameters p, Map<String, Object> audit) throws QueryException {
        audit.put("actionNames", p.list("ActionNames"));
        putIfAny(audit, "resourceArns", p.list("ResourceArns"));
        audit.put("policyInputList", policySizes(p.list("PolicyInputList")));
        List<String> boundary = p.list("PermissionsBoundaryPolicyInputList");
        if (!boundary.isEmpty()) {
            audit.put("permissionsBoundaryPolicyInputList", policySizes(boundary));
        }
        String rp = p.get("ResourcePolicy");
        if (rp != null) {
            audit.put("resourcePolicy", Map.of("length", rp.length()));
        }
        List<QueryParameters> levels = p.structures("OrderedOrganizationPolicyInputList");
        if (!levels.isEmpty()) {
            List<Object> l = new ArrayList<>();
            for (QueryParameters level : levels) {
                l.add(policySizes(level.list("ServiceControlPolicyInputList")));
            }
            audit.put("orderedOrganizationPolicyInputList", l);
        }
        for (String[] scalar : new String[][] {{"ResourceOwner", "resourceOwner"}, {"CallerArn", "callerArn"},
                {"ResourceHandlingOption", "resourceHandlingOption"}, {"MaxItems", "maxItems"}, {"Marker", "marker"}}) {
            String v = p.get(scalar[0]);
            if (v != null) {
                audit.put(scalar[1], v);
            }
        }
        List<QueryParameters> entries = p.structures("ContextEntries");
        if (!entries.isEmpty()) {
            List<Object> keys = new ArrayList<>();
            for (QueryParameters e : entries) {
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("contextKeyName", e.get("ContextKeyName"));
                k.put("contextKeyType", e.get("ContextKeyType"));
                k.put("valueCount", e.list("ContextKeyValues").size());
                keys.add(k);
            }
            audit.put("contextEntries", keys);
        }
        List<QueryParameters> exclusions = p.structures("PolicyExclusionList");
        if (!exclusions.isEmpty()) {
            List<Object> x = new ArrayList<>();
            for (QueryParameters e : exclusions) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (String name : e.names()) {
                    m.put(name, e.get(name));
                }
                x.add(m);
            }
            audit.put("policyExclusionList", x);
        }
    }

    private static Map<String, Object> policySizes(List<String> texts) {
        long total = 0;
        for (String t : texts) {
            total += t.length();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", texts.size());
        m.put("totalLength", total);
        return m;
    }

    private static void putIfAny(Map<String, Object> audit, String key, List<String> values) {
        if (!values.isEmpty()) {
            audit.put(key, values);
        }
    }
}
