package io.mlgate.iam.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import io.mlgate.iam.config.IamConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every case of the simulator corpus (src/test/resources/iam/sim) that SimulateCustomPolicy can express, sent over
 * the wire: the wire decision must equal the CLI simulator's (Allow=allowed, ExplicitDeny=explicitDeny,
 * ImplicitDeny=implicitDeny). Cases need an IAM user caller (or a role caller without a resource policy), identity,
 * boundary, resource and service control policies only, and no resource policy type; principal facts, resource tags
 * and context become context entries.
 */
class WireEquivalenceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> LABELS = Map.of("Allow", "allowed", "ExplicitDeny", "explicitDeny",
            "ImplicitDeny", "implicitDeny");

    private final SimulationQueryService service = new SimulationQueryService(IamConfiguration::empty);
    private final PolicySimulator simulator = new PolicySimulator();

    @Test
    void wireDecisionsEqualTheSimulatorsOnEveryExpressibleCase() throws Exception {
        Path dir = Path.of(WireEquivalenceTest.class.getResource("/iam/sim").toURI());
        int total = 0;
        int compared = 0;
        List<String> skipped = new ArrayList<>();
        List<String> disagreements = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = JSON.readTree(Files.readString(f));
                for (JsonNode c : root.get("cases")) {
                    total++;
                    String name = root.get("family").asString() + ": " + c.get("name").asString();
                    WireForm form = toWire(c.get("input"));
                    if (form == null) {
                        skipped.add(name);
                        continue;
                    }
                    if (c.path("expect").has("inputError")) {
                        // the simulator refuses the input: the wire must refuse it too, never answer with a deny
                        compared++;
                        try {
                            form.call(service);
                            disagreements.add(name + ": simulator refuses the input, the wire answered");
                        } catch (io.mlgate.protocol.query.QueryException e) {
                            if (!e.code().equals("InvalidInput") && !e.code().equals("ValidationError")) {
                                disagreements.add(name + ": wire refused with " + e.code());
                            }
                        }
                        continue;
                    }
                    String cli = simulator.simulate(JSON.writeValueAsString(c.get("input")), name).get(0).decision();
                    Element r = WireForm.results(form.call(service)).get(0);
                    String wire = WireForm.text(r, "EvalDecision");
                    compared++;
                    if (!LABELS.get(cli).equals(wire)) {
                        disagreements.add(name + ": simulator " + cli + ", wire " + wire);
                    }
                }
            }
        }
        System.out.println("[WireEquivalenceTest] " + compared + " of " + total
                + " simulator corpus cases compared over SimulateCustomPolicy; not expressible: " + skipped);
        assertThat(disagreements).isEmpty();
        assertThat(compared).as("comparable corpus cases").isGreaterThanOrEqualTo(390);
    }

    @Test
    void conversionRefusesWhatTheWireCannotExpress() throws Exception {
        JsonNode session = JSON.readTree("{\"policies\":{\"identity\":[],\"session\":{}},\"request\":{\"principal\":"
                + "{\"type\":\"AssumedRole\",\"account\":\"111122223333\",\"roleArn\":\"arn:aws:iam::111122223333:role/r\","
                + "\"sessionName\":\"s\"},\"action\":\"s3:GetObject\",\"resource\":\"*\"}}");
        assertThat(toWire(session)).isNull();
        JsonNode user = JSON.readTree("{\"policies\":{\"identity\":[]},\"request\":{\"principal\":{\"type\":\"User\","
                + "\"arn\":\"arn:aws:iam::111122223333:user/u\",\"account\":\"111122223333\"},\"action\":\"s3:GetObject\","
                + "\"resource\":\"*\"}}");
        assertThat(toWire(user)).isNotNull();
    }

    /** The SimulateCustomPolicy call for a simulator input, or {@code null} when the wire cannot express it. */
    static WireForm toWire(JsonNode input) {
        JsonNode policies = input.get("policies");
        JsonNode request = input.get("request");
        for (String name : policies.propertyNames()) {
            if (!List.of("identity", "boundary", "resource", "scp").contains(name)) {
                return null; // session policies and RCPs have no SimulateCustomPolicy member
            }
        }
        if (request.has("resourcePolicyType")) {
            return null; // the API has no notion of key or trust policies
        }
        JsonNode principal = request.get("principal");
        String type = principal.get("type").asString();
        String callerArn;
        if (type.equals("User")) {
            callerArn = principal.get("arn").asString();
        } else if (type.equals("AssumedRole") && !policies.has("resource")) {
            callerArn = principal.has("roleArn") ? principal.get("roleArn").asString()
                    : roleOfSession(principal.get("arn").asString());
        } else {
            return null; // root, federated users and web identities cannot be callers; roles not with resource policies
        }
        String resource = request.get("resource").asString();
        String resourceOwner = null;
        if (request.has("resourceAccount")) {
            String account = request.get("resourceAccount").asString();
            String inArn = SimulationRequestReader.isArn(resource) ? resource.split(":", 6)[4] : "";
            if (inArn.matches("[0-9]{12}")) {
                if (!inArn.equals(account)) {
                    return null; // ResourceOwner only places resources whose ARN names no account
                }
            } else {
                resourceOwner = "arn:aws:iam::" + account + ":root";
            }
        }

        WireForm form = WireForm.custom();
        List<String> identity = new ArrayList<>();
        policies.get("identity").forEach(p -> identity.add(JSON.writeValueAsString(p)));
        form.list("PolicyInputList", identity.toArray(new String[0]));
        if (policies.has("boundary")) {
            form.list("PermissionsBoundaryPolicyInputList", JSON.writeValueAsString(policies.get("boundary")));
        }
        if (policies.has("scp")) {
            int n = 0;
            for (JsonNode scp : policies.get("scp")) {
                form.add("OrderedOrganizationPolicyInputList.member.1.ServiceControlPolicyInputList.member." + (++n),
                        JSON.writeValueAsString(scp)); // the simulator treats its SCPs as one level
            }
        }
        form.list("ActionNames", request.get("action").asString());
        form.list("ResourceArns", resource);
        if (policies.has("resource")) {
            form.add("ResourcePolicy", JSON.writeValueAsString(policies.get("resource")));
        }
        if (resourceOwner != null) {
            form.add("ResourceOwner", resourceOwner);
        }
        form.add("CallerArn", callerArn);

        // context entries: what the simulator derives from principal fields and resource tags, then the context
        Map<String, Object[]> context = new LinkedHashMap<>();
        putIf(context, principal, "username", "aws:username");
        putIf(context, principal, "userid", "aws:userid");
        putIf(context, principal, "orgId", "aws:PrincipalOrgID");
        for (String tagField : List.of("tags", "sessionTags")) {
            if (principal.has(tagField)) {
                putTags(context, principal.get(tagField), "aws:PrincipalTag/");
            }
        }
        if (request.has("resourceTags")) {
            putTags(context, request.get("resourceTags"), "aws:ResourceTag/");
            if (resource.startsWith("arn:aws:sagemaker:")) {
                // on the wire the caller supplies every key itself, SageMaker's tag key too
                putTags(context, request.get("resourceTags"), "sagemaker:ResourceTag/");
            }
        }
        if (request.has("context")) {
            for (Map.Entry<String, JsonNode> e : request.get("context").properties()) {
                JsonNode v = e.getValue();
                if (v.isArray()) {
                    List<String> values = new ArrayList<>();
                    v.forEach(x -> values.add(x.asString()));
                    put(context, e.getKey(), new Object[] {"stringList", values.toArray(new String[0])});
                } else {
                    put(context, e.getKey(), new Object[] {"string", v.asString()});
                }
            }
        }
        for (Object[] entry : context.values()) {
            String key = (String) entry[0];
            String ctype = (String) entry[1];
            String[] values = entry[2] instanceof String[] many ? many : new String[] {(String) entry[2]};
            form.context(key, ctype, values);
        }
        return form;
    }

    private static void putIf(Map<String, Object[]> context, JsonNode principal, String field, String key) {
        if (principal.has(field)) {
            put(context, key, new Object[] {"string", principal.get(field).asString()});
        }
    }

    /** Later sources win for the same key (any case), as session tags and context do in the simulator. */
    /**
     * Tags of one map, each as a context key; two tags of the same map whose keys differ only in case are both sent
     * (the simulator refuses such a map, so the wire must see the duplicate too).
     */
    private static void putTags(Map<String, Object[]> context, JsonNode tags, String prefix) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Map.Entry<String, JsonNode> t : tags.properties()) {
            String key = prefix + t.getKey();
            if (seen.add(key.toLowerCase(Locale.ROOT))) {
                put(context, key, new Object[] {"string", t.getValue().asString()});
            } else {
                context.put(key + "#duplicate", new Object[] {key, "string", t.getValue().asString()});
            }
        }
    }

    private static void put(Map<String, Object[]> context, String key, Object[] typeAndValue) {
        String lower = key.toLowerCase(Locale.ROOT);
        context.remove(lower);
        context.put(lower, new Object[] {key, typeAndValue[0], typeAndValue[1]});
    }

    private static String roleOfSession(String sessionArn) {
        String[] parts = sessionArn.split(":", 6);
        String role = parts[5].split("/")[1];
        return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + role;
    }
}
