package io.mlgate.protocol.query;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryParametersTest {

    private static QueryParameters form(String body) throws QueryException {
        return QueryParameters.parseForm(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void scalarsAreDecodedFromTheForm() throws Exception {
        // as the AWS CLI v2 sends sts assume-role (shared/reference/client-captures.txt)
        QueryParameters p = form("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012"
                + "%3Arole%2Fdemo&RoleSessionName=s1&DurationSeconds=900&Path=%2Fa+b%2F");
        assertThat(p.action()).isEqualTo("AssumeRole");
        assertThat(p.version()).isEqualTo("2011-06-15");
        assertThat(p.get("RoleArn")).isEqualTo("arn:aws:iam::123456789012:role/demo");
        assertThat(p.integer("DurationSeconds", "durationSeconds", 3600)).isEqualTo(900);
        assertThat(p.integer("Missing", "missing", 7)).isEqualTo(7);
        assertThat(p.get("Path")).isEqualTo("/a b/");
        assertThat(p.get("Nope")).isNull();
    }

    @Test
    void utf8EscapesDecode() throws Exception {
        assertThat(form("V=caf%C3%A9").get("V")).isEqualTo("café");
    }

    @Test
    void listsAndStructuresFollowTheMemberNumbering() throws Exception {
        QueryParameters p = form("ActionNames.member.2=b&ActionNames.member.1=a&Tags.member.1.Key=team"
                + "&Tags.member.1.Value=ml&Tags.member.2.Key=env&Tags.member.2.Value=&ContextEntries.member.1."
                + "ContextKeyValues.member.1=x&ContextEntries.member.1.ContextKeyName=k&Empty=");
        assertThat(p.list("ActionNames")).containsExactly("a", "b");
        List<QueryParameters> tags = p.structures("Tags");
        assertThat(tags).hasSize(2);
        assertThat(tags.get(0).get("Key")).isEqualTo("team");
        assertThat(tags.get(1).get("Value")).isEqualTo("");
        List<QueryParameters> entries = p.structures("ContextEntries");
        assertThat(entries.get(0).list("ContextKeyValues")).containsExactly("x");
        assertThat(entries.get(0).get("ContextKeyName")).isEqualTo("k");
        assertThat(p.list("Empty")).isEmpty();
        assertThat(p.list("Absent")).isEmpty();
    }

    @Test
    void listsWithGapsOrBadIndexesAreRefused() {
        assertThatThrownBy(() -> form("A.member.1=x&A.member.3=y").list("A"))
                .isInstanceOf(QueryException.class).hasMessageContaining("numbered");
        assertThatThrownBy(() -> form("A.member.0=x").list("A")).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> form("A.member.x=x").list("A")).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> form("A.member.1.Key=x").list("A")).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> form("A.member.1=x").structures("A")).isInstanceOf(QueryException.class);
    }

    @Test
    void malformedFormsAreRefused() {
        assertThatThrownBy(() -> form("A=%zz")).isInstanceOf(QueryException.class)
                .satisfies(e -> assertThat(((QueryException) e).code()).isEqualTo("MalformedQueryString"));
        assertThatThrownBy(() -> form("A=%4")).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> form("A=%C3%28")).isInstanceOf(QueryException.class).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> form("A=1&A=2")).isInstanceOf(QueryException.class)
                .hasMessageContaining("more than once");
        assertThatThrownBy(() -> form("=x")).isInstanceOf(QueryException.class);
        assertThatThrownBy(() -> QueryParameters.parseForm(new byte[] {'A', '=', (byte) 0xff}))
                .isInstanceOf(QueryException.class);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= QueryParameters.MAX_PARAMETERS; i++) {
            many.append("p").append(i).append("=1&");
        }
        assertThatThrownBy(() -> form(many.toString())).isInstanceOf(QueryException.class);
    }

    @Test
    void typedValuesAreChecked() throws Exception {
        QueryParameters p = form("N=abc&B=yes&T=true");
        assertThatThrownBy(() -> p.integer("N", "maxItems", 1)).isInstanceOf(QueryException.class)
                .hasMessageContaining("'abc' at 'maxItems'");
        assertThatThrownBy(() -> p.bool("B", "flag", false)).isInstanceOf(QueryException.class);
        assertThat(p.bool("T", "flag", false)).isTrue();
        assertThatThrownBy(() -> p.required("UserName", "userName")).isInstanceOf(QueryException.class)
                .hasMessage("1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
                        + "Member must not be null");
    }
}
