package io.mlgate.audit.export;

import static io.mlgate.audit.export.StandardTrail.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class EventFilterTest {

    static final JsonNode INVOKE = Records.tree(TrailFixture.invoke(t("10:00:00"), "iris"));
    static final JsonNode DENIED = Records.tree(TrailFixture.denied(t("10:00:00")));
    static final JsonNode UNAUTHENTICATED = Records.tree(TrailFixture.unauthenticated(t("10:00:00")));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EventName=InvokeEndpoint                                   | true  | false",
            "EventSource=sagemaker.amazonaws.com                        | true  | true",
            "Username=s1                                                | true  | false",
            "Username=mallory                                           | false | true",
            "AccessKeyId=ASIAEXAMPLETEMPKEY01                           | true  | false",
            "ResourceName=iris                                          | true  | true",
            "ResourceName=arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris | true | true",
            "ResourceName=wine                                          | false | false",
            "ResourceType=AWS::SageMaker::Endpoint                      | true  | true",
            "ReadOnly=false                                             | true  | true",
            "ReadOnly=TRUE                                              | false | false",
            "EventCategory=Data                                         | true  | false",
            "eventcategory=management                                   | false | true",
            "EventName=invokeendpoint                                   | false | false",
    })
    void matchesLikeLookupEvents(String filter, boolean invoke, boolean denied) {
        EventFilter f = EventFilter.parse(filter.trim());
        assertThat(f.matches(INVOKE)).isEqualTo(invoke);
        assertThat(f.matches(DENIED)).isEqualTo(denied);
    }

    @Test
    void eventIdAndRecordsWithoutResourcesOrUsername() {
        String id = INVOKE.get("eventID").stringValue();
        assertThat(EventFilter.parse("EventId=" + id).matches(INVOKE)).isTrue();
        assertThat(EventFilter.parse("EventId=" + id).matches(DENIED)).isFalse();
        assertThat(EventFilter.parse("ResourceName=iris").matches(UNAUTHENTICATED)).isFalse();
        assertThat(EventFilter.parse("Username=s1").matches(UNAUTHENTICATED)).isFalse();
        assertThat(EventFilter.parse("AccessKeyId=AKIAUNKNOWNKEY000099").matches(UNAUTHENTICATED)).isTrue();
    }

    @Test
    void canonicalFormRoundTrips() {
        assertThat(EventFilter.parse("readonly=True")).hasToString("ReadOnly=true");
        assertThat(EventFilter.parse("EVENTCATEGORY=DATA")).hasToString("EventCategory=Data");
        assertThat(EventFilter.parse("EventName=a=b").value()).isEqualTo("a=b");
        EventFilter f = EventFilter.parse("Username=alice");
        assertThat(EventFilter.parse(f.toString())).isEqualTo(f);
    }

    @Test
    void rejectsBadFilters() {
        assertThatThrownBy(() -> EventFilter.parse("EventName")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventFilter.parse("=x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventFilter.parse("Region=us-east-1")).hasMessageContaining("unknown filter key");
        assertThatThrownBy(() -> EventFilter.parse("ReadOnly=yes")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> EventFilter.parse("EventCategory=Insight")).hasMessageContaining("Management or Data");
        assertThatThrownBy(() -> EventFilter.parse("EventName=")).hasMessageContaining("non-empty");
    }

    @Test
    void theQueryRangeIsInclusiveAndFiltersAreAnded() {
        ExportQuery q = new ExportQuery(t("10:00:00"), t("10:00:00"),
                List.of(EventFilter.parse("EventName=InvokeEndpoint"), EventFilter.parse("Username=s1")),
                ExportFormat.JSONL);
        assertThat(q.matches(INVOKE, t("10:00:00"))).isTrue();
        assertThat(q.matches(INVOKE, t("10:00:01"))).isFalse();
        assertThat(q.matches(INVOKE, t("09:59:59"))).isFalse();
        assertThat(q.matches(DENIED, t("10:00:00"))).isFalse();
        assertThatThrownBy(() -> new ExportQuery(t("10:00:01"), t("10:00:00"), List.of(), ExportFormat.CSV))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ExportQuery(Instant.parse("2026-11-26T10:00:00.900Z"), t("10:00:00"), List.of(),
                ExportFormat.CSV).from()).isEqualTo(t("10:00:00"));
    }
}
