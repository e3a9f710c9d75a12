package io.mlgate.audit.api;

import io.mlgate.audit.index.EventIndex;
import io.mlgate.audit.index.LogFiles;
import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.iam.eval.RequestContext;
import io.mlgate.protocol.json.JsonApi;
import io.mlgate.protocol.json.JsonBodies;
import io.mlgate.protocol.json.JsonServiceException;
import io.mlgate.protocol.json.JsonTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudTrailServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");
    private static final PrincipalContext CALLER = PrincipalContext.builder(
            "arn:aws:iam::123456789012:user/auditor", "123456789012", PrincipalType.USER).build();

    @TempDir
    Path dir;

    private final List<LogFiles.Spec> specs = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private EventIndex index;
    private CloudTrailService service;

    @BeforeEach
    void trail() throws IOException {
        Random random = new Random(7);
        List<String> file1 = new ArrayList<>();
        List<String> file2 = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            LogFiles.Spec s = LogFiles.generated(random, T0.plusSeconds(i));
            specs.add(s);
            lines.add(s.json());
            (i < 160 ? file1 : file2).add(lines.get(i));
        }
        LogFiles.writeGz(dir.resolve(LogFiles.segmentName(T0, 1) + ".gz"), LogFiles.lines(file1));
        LogFiles.append(dir.resolve(LogFiles.segmentName(T0, 2)), LogFiles.lines(file2));
        index = EventIndex.open(dir);
        service = new CloudTrailService(index, Clock.fixed(T0.plusSeconds(86_400), ZoneOffset.UTC), true);
    }

    @AfterEach
    void close() {
        index.close();
    }

    private JsonNode call(String operation, String body) throws JsonServiceException {
        JsonNode parsed = JsonBodies.read(body.getBytes(StandardCharsets.UTF_8));
        service.target(operation, parsed, "123456789012", CALLER);
        return service.invoke(operation, parsed, CALLER, RequestContext.empty());
    }

    private void assertError(String operation, String body, String code) {
        assertThatThrownBy(() -> call(operation, body)).as(body).isInstanceOf(JsonServiceException.class)
                .satisfies(e -> {
                    assertThat(((JsonServiceException) e).code()).isEqualTo(code);
                    assertThat(((JsonServiceException) e).status()).isEqualTo(400);
                });
    }

    /** Every event over all pages, following NextToken with the same parameters. */
    private List<JsonNode> allPages(String parameters) throws JsonServiceException {
        List<JsonNode> out = new ArrayList<>();
        String token = null;
        for (int i = 0; i < 1000; i++) {
            String body = "{" + parameters + (token == null ? "" : (parameters.isEmpty() ? "" : ",")
                    + "\"NextToken\":\"" + token + "\"") + "}";
            JsonNode page = call("LookupEvents", body);
            page.get("Events").forEach(out::add);
            if (page.get("NextToken") == null) {
                return out;
            }
            token = page.get("NextToken").stringValue();
        }
        throw new AssertionError("no last page");
    }

    private List<String> expectedNewestFirst(java.util.function.Predicate<LogFiles.Spec> p) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            if (p.test(specs.get(i))) {
                idx.add(i);
            }
        }
        idx.sort(Comparator.reverseOrder()); // one event per second, in order
        return idx.stream().map(lines::get).toList();
    }

    private static List<String> records(List<JsonNode> events) {
        return events.stream().map(e -> e.get("CloudTrailEvent").stringValue()).toList();
    }

    @Test
    void servesCloudTrail() {
        assertThat(service.api()).isEqualTo(JsonApi.CLOUDTRAIL);
        assertThat(service.operations()).containsExactlyInAnyOrder("LookupEvents", "ListPublicKeys");
        assertThat(service.authorizesInternally("LookupEvents")).isFalse();
    }

    @Test
    void targetIsTheReadOnlyActionOnEverything() throws JsonServiceException {
        JsonTarget t = service.target("LookupEvents", JsonBodies.read(("{\"LookupAttributes\":[{\"AttributeKey\":"
                + "\"EventName\",\"AttributeValue\":\"Decrypt\"}],\"MaxResults\":5}").getBytes()), "1", CALLER);
        assertThat(t.action()).isEqualTo("cloudtrail:LookupEvents");
        assertThat(t.resourceArn()).isEqualTo("*");
        assertThat(t.readOnly()).isTrue();
        assertThat(t.requestParameters()).containsKeys("lookupAttributes", "maxResults");
        JsonTarget k = service.target("ListPublicKeys", JsonBodies.object(), "1", CALLER);
        assertThat(k.action()).isEqualTo("cloudtrail:ListPublicKeys");
        assertThat(k.readOnly()).isTrue();
        assertThatThrownBy(() -> service.target("StartLogging", JsonBodies.object(), "1", CALLER))
                .isInstanceOf(JsonServiceException.class);
    }

    @Test
    void eventsHaveCloudTrailsShape() throws JsonServiceException {
        LogFiles.Spec s = specs.stream().filter(x -> x.identityType().equals("AssumedRole")
                && x.resourceArn() != null).findFirst().orElseThrow();
        JsonNode out = call("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"EventId\","
                + "\"AttributeValue\":\"" + s.eventId() + "\"}]}");
        assertThat(out.get("Events")).hasSize(1);
        assertThat(out.has("NextToken")).isFalse();
        JsonNode e = out.get("Events").get(0);
        assertThat(e.get("EventId").stringValue()).isEqualTo(s.eventId());
        assertThat(e.get("EventName").stringValue()).isEqualTo(s.eventName());
        assertThat(e.get("ReadOnly").isString()).isTrue();
        assertThat(e.get("ReadOnly").stringValue()).isEqualTo(String.valueOf(s.readOnly()));
        assertThat(e.get("AccessKeyId").stringValue()).isEqualTo(s.accessKeyId());
        assertThat(e.get("EventTime").isNumber()).isTrue();
        assertThat(e.get("EventTime").longValue()).isEqualTo(s.time().getEpochSecond());
        assertThat(e.get("EventSource").stringValue()).isEqualTo(s.eventSource());
        assertThat(e.get("Username").stringValue()).isEqualTo(s.username());
        assertThat(e.get("Resources")).hasSize(1);
        assertThat(e.get("Resources").get(0).get("ResourceType").stringValue()).isEqualTo(s.resourceType());
        assertThat(e.get("Resources").get(0).get("ResourceName").stringValue()).isEqualTo(s.resourceName());
        assertThat(e.get("CloudTrailEvent").stringValue()).isEqualTo(s.json());
    }

    @Test
    void pagesWithNextTokenCoverEveryMatchOnce() throws JsonServiceException {
        assertThat(records(allPages("\"MaxResults\":7"))).isEqualTo(expectedNewestFirst(x -> true));
        assertThat(records(allPages(""))).isEqualTo(expectedNewestFirst(x -> true));
        assertThat(call("LookupEvents", "{}").get("Events")).hasSize(50);
        assertThat(records(allPages("\"LookupAttributes\":[{\"AttributeKey\":\"ReadOnly\",\"AttributeValue\":"
                + "\"true\"}],\"MaxResults\":3"))).isEqualTo(expectedNewestFirst(LogFiles.Spec::readOnly));
    }

    @Test
    void timesAreInclusiveAndMayHaveFractions() throws JsonServiceException {
        long t = T0.getEpochSecond();
        String range = "\"StartTime\":" + (t + 10) + ",\"EndTime\":" + (t + 20);
        assertThat(records(allPages(range + ",\"MaxResults\":4")))
                .isEqualTo(expectedNewestFirst(x -> x.time().getEpochSecond() >= t + 10
                        && x.time().getEpochSecond() <= t + 20));
        String fractional = "\"StartTime\":" + (t + 9) + ".5,\"EndTime\":" + (t + 20) + ".999";
        assertThat(records(allPages(fractional))).hasSize(11);
        assertThat(call("LookupEvents", "{\"StartTime\":" + (t + 9) + ".2,\"EndTime\":" + (t + 9) + ".8}")
                .get("Events")).isEmpty();
    }

    @Test
    void dataEventsAreAFlag() throws JsonServiceException {
        CloudTrailService managementOnly = new CloudTrailService(index, Clock.systemUTC(), false);
        service = managementOnly;
        assertThat(records(allPages(""))).isEqualTo(expectedNewestFirst(x -> !x.dataEvent()));
        assertThat(call("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"EventName\","
                + "\"AttributeValue\":\"InvokeEndpoint\"}]}").get("Events")).isEmpty();
    }

    @Test
    void tokensAreBoundToTheirParametersAndCannotBeAltered() throws JsonServiceException {
        String filter = "\"LookupAttributes\":[{\"AttributeKey\":\"ReadOnly\",\"AttributeValue\":\"false\"}]";
        String token = call("LookupEvents", "{" + filter + ",\"MaxResults\":5}").get("NextToken").stringValue();
        // the same parameters (another page size is fine)
        assertThat(call("LookupEvents", "{" + filter + ",\"MaxResults\":9,\"NextToken\":\"" + token + "\"}")
                .get("Events")).hasSize(9);
        // other parameters
        assertError("LookupEvents", "{\"NextToken\":\"" + token + "\"}", "InvalidNextTokenException");
        assertError("LookupEvents", "{" + filter.replace("false", "true") + ",\"NextToken\":\"" + token + "\"}",
                "InvalidNextTokenException");
        assertError("LookupEvents", "{" + filter + ",\"StartTime\":1,\"NextToken\":\"" + token + "\"}",
                "InvalidNextTokenException");
        // altered, truncated, garbage
        char[] c = token.toCharArray();
        c[5] = c[5] == 'A' ? 'B' : 'A';
        assertError("LookupEvents", "{" + filter + ",\"NextToken\":\"" + new String(c) + "\"}",
                "InvalidNextTokenException");
        assertError("LookupEvents", "{" + filter + ",\"NextToken\":\"" + token.substring(1) + "\"}",
                "InvalidNextTokenException");
        assertError("LookupEvents", "{" + filter + ",\"NextToken\":\"!!!\"}", "InvalidNextTokenException");
        assertError("LookupEvents", "{" + filter + ",\"NextToken\":\"\"}", "InvalidNextTokenException");
        // issued by another instance (another key)
        service = new CloudTrailService(index, Clock.systemUTC(), true);
        assertError("LookupEvents", "{" + filter + ",\"NextToken\":\"" + token + "\"}", "InvalidNextTokenException");
    }

    @Test
    void lookupAttributesAreValidated() throws JsonServiceException {
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"EventName\",\"AttributeValue\":\"a\"},"
                + "{\"AttributeKey\":\"Username\",\"AttributeValue\":\"b\"}]}", "InvalidLookupAttributesException");
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"EventTime\",\"AttributeValue\":"
                + "\"a\"}]}", "InvalidLookupAttributesException");
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"eventname\",\"AttributeValue\":"
                + "\"a\"}]}", "InvalidLookupAttributesException");
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"EventName\",\"AttributeValue\":"
                + "\"\"}]}", "InvalidLookupAttributesException");
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"EventName\"}]}",
                "InvalidLookupAttributesException");
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeValue\":\"x\"}]}",
                "InvalidLookupAttributesException");
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"ReadOnly\",\"AttributeValue\":"
                + "\"maybe\"}]}", "InvalidLookupAttributesException");
        assertError("LookupEvents", "{\"LookupAttributes\":{\"AttributeKey\":\"EventName\"}}",
                "SerializationException");
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"EventName\",\"AttributeValue\":5}]}",
                "SerializationException");
        // the length limit counts '_', ' ', ',' and newline twice
        String ok = "a".repeat(2000);
        String tooLong = "a".repeat(1999) + "_";
        assertThat(call("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"Username\",\"AttributeValue\":\""
                + ok + "\"}]}").get("Events")).isEmpty();
        assertError("LookupEvents", "{\"LookupAttributes\":[{\"AttributeKey\":\"Username\",\"AttributeValue\":\""
                + tooLong + "\"}]}", "InvalidLookupAttributesException");
        assertThat(call("LookupEvents", "{\"LookupAttributes\":[]}").get("Events")).hasSize(50);
    }

    @Test
    void maxResultsTimesAndCategoryAreValidated() throws JsonServiceException {
        assertError("LookupEvents", "{\"MaxResults\":0}", "InvalidMaxResultsException");
        assertError("LookupEvents", "{\"MaxResults\":51}", "InvalidMaxResultsException");
        assertError("LookupEvents", "{\"MaxResults\":-3}", "InvalidMaxResultsException");
        assertError("LookupEvents", "{\"MaxResults\":99999999999999999999}", "InvalidMaxResultsException");
        assertError("LookupEvents", "{\"MaxResults\":\"5\"}", "SerializationException");
        assertError("LookupEvents", "{\"MaxResults\":2.5}", "SerializationException");
        assertThat(call("LookupEvents", "{\"MaxResults\":1}").get("Events")).hasSize(1);
        assertThat(call("LookupEvents", "{\"MaxResults\":50}").get("Events")).hasSize(50);
        assertError("LookupEvents", "{\"StartTime\":20,\"EndTime\":10}", "InvalidTimeRangeException");
        assertError("LookupEvents", "{\"StartTime\":10.5,\"EndTime\":10.4}", "InvalidTimeRangeException");
        assertError("LookupEvents", "{\"StartTime\":-1}", "InvalidTimeRangeException");
        assertError("LookupEvents", "{\"EndTime\":1e300}", "InvalidTimeRangeException");
        assertError("LookupEvents", "{\"StartTime\":\"2026-11-26T00:00:00Z\"}", "SerializationException");
        assertThat(call("LookupEvents", "{\"StartTime\":10,\"EndTime\":10}").get("Events")).isEmpty();
        assertError("LookupEvents", "{\"EventCategory\":\"Data\"}", "InvalidEventCategoryException");
        assertError("LookupEvents", "{\"EventCategory\":\"Insight\"}", "InvalidEventCategoryException");
        JsonNode insight = call("LookupEvents", "{\"EventCategory\":\"insight\"}");
        assertThat(insight.get("Events")).isEmpty();
        assertThat(insight.has("NextToken")).isFalse();
        assertThat(call("LookupEvents", "{\"SomethingNew\":1}").get("Events")).hasSize(50);
    }

    // ------------------------------------------------------------------ ListPublicKeys

    private void publicKeys(String json) throws IOException {
        Files.writeString(dir.resolve("public-keys.json"), json);
    }

    private static final String KEYS = "{\"PublicKeyList\":["
            + "{\"Value\":\"MIIBCgKCAQEAq1==\",\"ValidityStartTime\":1000,\"ValidityEndTime\":2000,\"Fingerprint\":\"f1\"},"
            + "{\"Value\":\"MIIBCgKCAQEAq2==\",\"ValidityStartTime\":2000,\"ValidityEndTime\":null,\"Fingerprint\":\"f2\"}]}";

    private static List<String> fingerprints(JsonNode out) {
        List<String> f = new ArrayList<>();
        out.get("PublicKeyList").forEach(k -> f.add(k.get("Fingerprint").stringValue()));
        return f;
    }

    @Test
    void publicKeysOverlappingTheRange() throws IOException, JsonServiceException {
        publicKeys(KEYS);
        assertThat(fingerprints(call("ListPublicKeys", "{}"))).as("now: the current key").containsExactly("f2");
        assertThat(fingerprints(call("ListPublicKeys", "{\"StartTime\":0,\"EndTime\":999}"))).isEmpty();
        assertThat(fingerprints(call("ListPublicKeys", "{\"StartTime\":0,\"EndTime\":1000}"))).containsExactly("f1");
        assertThat(fingerprints(call("ListPublicKeys", "{\"StartTime\":1500,\"EndTime\":2500}")))
                .containsExactly("f1", "f2");
        assertThat(fingerprints(call("ListPublicKeys", "{\"StartTime\":2001}"))).containsExactly("f2");
        JsonNode k = call("ListPublicKeys", "{\"StartTime\":1000,\"EndTime\":1000}").get("PublicKeyList").get(0);
        assertThat(k.get("Value").stringValue()).isEqualTo("MIIBCgKCAQEAq1==");
        assertThat(k.get("ValidityStartTime").longValue()).isEqualTo(1000);
        assertThat(k.get("ValidityEndTime").longValue()).isEqualTo(2000);
        ObjectNode current = (ObjectNode) call("ListPublicKeys", "{}").get("PublicKeyList").get(0);
        assertThat(current.has("ValidityEndTime")).isFalse();
    }

    @Test
    void publicKeysRequestIsValidated() throws IOException, JsonServiceException {
        assertThat(call("ListPublicKeys", "{}").get("PublicKeyList")).as("no keys yet").isEmpty();
        publicKeys(KEYS);
        assertError("ListPublicKeys", "{\"StartTime\":2000,\"EndTime\":1000}", "InvalidTimeRangeException");
        assertError("ListPublicKeys", "{\"NextToken\":\"x\"}", "InvalidTokenException");
        assertError("ListPublicKeys", "{\"StartTime\":\"yesterday\"}", "SerializationException");
        publicKeys("{\"PublicKeyList\":[{\"Value\":\"***\",\"ValidityStartTime\":1,\"Fingerprint\":\"f\"}]}");
        assertThatThrownBy(() -> call("ListPublicKeys", "{}")).isInstanceOf(JsonServiceException.class)
                .satisfies(e -> assertThat(((JsonServiceException) e).status()).isEqualTo(500));
    }
}
