package io.mlgate.iam.eval;

/** The kinds of policy that take part in an IAM decision; a decision names the type that decided it. */
public enum PolicyType {
    IDENTITY("identity", "an", "identity-based policy"),
    RESOURCE("resource", "a", "resource-based policy"),
    PERMISSIONS_BOUNDARY("boundary", "a", "permissions boundary"),
    SESSION("session", "a", "session policy"),
    SERVICE_CONTROL("scp", "a", "service control policy"),
    RESOURCE_CONTROL("rcp", "a", "resource control policy"),
    /** The policy of the VPC endpoint the call came through: it must allow the call too [vpc-endpoints-access]. */
    VPC_ENDPOINT("vpce", "a", "VPC endpoint policy");

    private final String id;
    private final String article;
    private final String phrase;

    PolicyType(String id, String article, String phrase) {
        this.id = id;
        this.article = article;
        this.phrase = phrase;
    }

    /** Short name used in simulator input and output: identity, resource, boundary, session, scp, rcp, vpce. */
    public String id() {
        return id;
    }

    /** AWS's wording for the type in AccessDenied messages, e.g. {@code identity-based policy}. */
    public String phrase() {
        return phrase;
    }

    /** The phrase with its indefinite article, e.g. {@code an identity-based policy}. */
    public String withArticle() {
        return article + " " + phrase;
    }
}
