package io.mlgate.protocol.query;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryResponsesTest {

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void successEnvelopeHasResultAndRequestId() throws Exception {
        XmlWriter result = new XmlWriter().start("User").element("UserName", "a<b&c")
                .element("CreateDate", Instant.parse("2026-11-26T12:00:00.123Z")).end();
        String xml = QueryResponses.success("GetUser", "https://iam.amazonaws.com/doc/2010-05-08/", result, "r-1");
        Document doc = parse(xml);
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("GetUserResponse");
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("https://iam.amazonaws.com/doc/2010-05-08/");
        assertThat(doc.getElementsByTagName("UserName").item(0).getTextContent()).isEqualTo("a<b&c");
        assertThat(doc.getElementsByTagName("CreateDate").item(0).getTextContent()).isEqualTo("2026-11-26T12:00:00Z");
        assertThat(doc.getElementsByTagName("RequestId").item(0).getTextContent()).isEqualTo("r-1");
        assertThat(doc.getElementsByTagName("GetUserResult").getLength()).isEqualTo(1);
    }

    @Test
    void anEmptyResultHasNoResultElement() throws Exception {
        Document doc = parse(QueryResponses.success("DeleteUser", "urn:x", new XmlWriter(), "r-2"));
        assertThat(doc.getElementsByTagName("DeleteUserResult").getLength()).isZero();
        assertThat(doc.getElementsByTagName("RequestId").item(0).getTextContent()).isEqualTo("r-2");
    }

    @Test
    void errorsAreSenderOrReceiver() throws Exception {
        Document client = parse(QueryResponses.error("urn:x", 404, "NoSuchEntity", "no \"x\" <here>", "r-3"));
        assertThat(client.getElementsByTagName("Type").item(0).getTextContent()).isEqualTo("Sender");
        assertThat(client.getElementsByTagName("Code").item(0).getTextContent()).isEqualTo("NoSuchEntity");
        assertThat(client.getElementsByTagName("Message").item(0).getTextContent()).isEqualTo("no \"x\" <here>");
        Document server = parse(QueryResponses.error("urn:x", 500, "ServiceFailure", null, "r-4"));
        assertThat(server.getElementsByTagName("Type").item(0).getTextContent()).isEqualTo("Receiver");
    }

    @Test
    void controlCharactersAndLoneSurrogatesNeverBreakTheDocument() throws Exception {
        String xml = QueryResponses.success("X", "urn:x",
                new XmlWriter().element("V", "a\u0000b\u0007c\ud800d\r\n"), "r");
        assertThat(parse(xml).getElementsByTagName("V").item(0).getTextContent()).isEqualTo("abc\uFFFDd\r\n");
    }

    @Test
    void unclosedElementsAreAProgrammingError() {
        XmlWriter w = new XmlWriter().start("A");
        assertThatThrownBy(w::xml).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new XmlWriter().end()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void routerPicksTheServiceByActionAndVersion() throws Exception {
        QueryService iam = new Fake("iam", "2010-05-08", Set.of("GetUser"));
        QueryService sts = new Fake("sts", "2011-06-15", Set.of("GetCallerIdentity"));
        QueryRouter router = new QueryRouter(java.util.List.of(iam, sts));
        assertThat(router.route(QueryParameters.parse("Action=GetUser&Version=2010-05-08"))).isSameAs(iam);
        assertThat(router.route(QueryParameters.parse("Action=GetCallerIdentity&Version=2011-06-15"))).isSameAs(sts);
        assertThat(router.route(QueryParameters.parse("Action=GetCallerIdentity"))).isSameAs(sts);
        assertThatThrownBy(() -> router.route(QueryParameters.parse("Action=GetUser&Version=2011-06-15")))
                .isInstanceOf(QueryException.class)
                .hasMessage("Could not find operation GetUser for version 2011-06-15.");
        assertThatThrownBy(() -> router.route(QueryParameters.parse("Version=2010-05-08")))
                .isInstanceOf(QueryException.class)
                .satisfies(e -> assertThat(((QueryException) e).code()).isEqualTo("MissingAction"));
        assertThat(router.namespaceFor("2011-06-15")).isEqualTo("urn:sts");
        assertThat(router.namespaceFor("1999-01-01")).isEqualTo("urn:iam");
    }

    private record Fake(String signingName, String apiVersion, Set<String> operations) implements QueryService {
        public QueryApi api() {
            return new QueryApi(signingName, apiVersion, "urn:" + signingName, signingName + ".amazonaws.com");
        }
        public QueryTarget target(String op, QueryParameters p, String account,
                                  io.mlgate.iam.eval.PrincipalContext caller) {
            return new QueryTarget(signingName + ":" + op, "*", null, true, null);
        }
        public void invoke(String op, QueryParameters p, io.mlgate.iam.eval.PrincipalContext caller, XmlWriter out) {
        }
    }
}
