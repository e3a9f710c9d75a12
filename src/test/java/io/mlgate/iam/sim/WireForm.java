package io.mlgate.iam.sim;

import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import io.mlgate.iam.eval.PrincipalContext;
import io.mlgate.iam.eval.PrincipalType;
import io.mlgate.protocol.query.QueryException;
import io.mlgate.protocol.query.QueryParameters;
import io.mlgate.protocol.query.QueryResponses;
import io.mlgate.protocol.query.XmlWriter;

/**
 * Builds query-protocol form bodies the way botocore's query serializer does (Action and Version first, lists as
 * {@code Name.member.N}, structures in lists as {@code Name.member.N.Field}, RFC 3986 percent-encoding), sends them
 * through {@link QueryParameters#parse} to a {@link SimulationQueryService} and parses the XML answer back.
 */
final class WireForm {

    static final PrincipalContext CALLER = PrincipalContext.builder("arn:aws:iam::111122223333:user/admin",
            "111122223333", PrincipalType.USER).build();

    private final List<String> pairs = new ArrayList<>();
    private final String operation;
    private int contextEntries;

    private WireForm(String operation) {
        this.operation = operation;
        add("Action", operation);
        add("Version", "2010-05-08");
    }

    static WireForm custom() {
        return new WireForm("SimulateCustomPolicy");
    }

    static WireForm principal(String policySourceArn) {
        return new WireForm("SimulatePrincipalPolicy").add("PolicySourceArn", policySourceArn);
    }

    WireForm add(String name, String value) {
        pairs.add(encode(name) + "=" + encode(value));
        return this;
    }

    WireForm list(String name, String... values) {
        if (values.length == 0) {
            return add(name, ""); // botocore sends an empty list as "Name="
        }
        for (int i = 0; i < values.length; i++) {
            add(name + ".member." + (i + 1), values[i]);
        }
        return this;
    }

    WireForm context(String key, String type, String... values) {
        int n = ++contextEntries;
        String prefix = "ContextEntries.member." + n + ".";
        add(prefix + "ContextKeyName", key);
        list(prefix + "ContextKeyValues", values);
        return add(prefix + "ContextKeyType", type);
    }

    String operation() {
        return operation;
    }

    String body() {
        return String.join("&", pairs);
    }

    QueryParameters parameters() throws QueryException {
        return QueryParameters.parse(body());
    }

    /** Invokes the operation as {@link #CALLER} and returns the whole response document. */
    Document call(SimulationQueryService service) throws Exception {
        return call(service, CALLER);
    }

    Document call(SimulationQueryService service, PrincipalContext caller) throws Exception {
        XmlWriter w = new XmlWriter();
        service.invoke(operation, parameters(), caller, w);
        String xml = QueryResponses.success(operation, service.xmlNamespace(), w, "req-1");
        DocumentBuilder db = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        return db.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** RFC 3986 unreserved characters stay; everything else is percent-encoded (space as %20), as botocore does. */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    // ---- XML helpers ----

    /** The EvaluationResults members of a response. */
    static List<Element> results(Document doc) {
        Node list = doc.getDocumentElement().getElementsByTagName("EvaluationResults").item(0);
        return list == null ? List.of() : children((Element) list, "member");
    }

    static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    /** Text of a path of child elements, e.g. {@code text(r, "StartPosition", "Line")}; null when absent. */
    static String text(Element parent, String... path) {
        Element e = parent;
        for (String p : path) {
            e = child(e, p);
            if (e == null) {
                return null;
            }
        }
        return e.getTextContent();
    }

    /** The texts of the member elements of a list element. */
    static List<String> members(Element parent, String list) {
        List<String> out = new ArrayList<>();
        for (Element m : children(child(parent, list), "member")) {
            out.add(m.getTextContent());
        }
        return out;
    }

    static String topText(Document doc, String name) {
        Element result = (Element) doc.getDocumentElement().getElementsByTagName(
                doc.getDocumentElement().getTagName().replace("Response", "Result")).item(0);
        return text(result, name);
    }
}
