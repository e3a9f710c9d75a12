package io.mlgate.protocol.query;

/**
 * Who a query-protocol API is on the wire: its SigV4 signing name (also the IAM action prefix), the {@code Version}
 * parameter it answers, the XML namespace of its responses and errors, and its CloudTrail event source. Several
 * {@link QueryService}s may share one API (IAM's users, MFA devices and simulation are served by three).
 */
public record QueryApi(String signingName, String apiVersion, String xmlNamespace, String eventSource) {

    /** AWS IAM, 2010-05-08. */
    public static final QueryApi IAM = new QueryApi("iam", "2010-05-08",
            "https://iam.amazonaws.com/doc/2010-05-08/", "iam.amazonaws.com");

    /** AWS STS, 2011-06-15. */
    public static final QueryApi STS = new QueryApi("sts", "2011-06-15",
            "https://sts.amazonaws.com/doc/2011-06-15/", "sts.amazonaws.com");
}
