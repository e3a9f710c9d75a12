package io.mlgate.protocol.query;

/**
 * The XML envelopes of the query protocol: {@code <OpResponse xmlns=..><OpResult>..</OpResult><ResponseMetadata>
 * <RequestId>..</RequestId></ResponseMetadata></OpResponse>} and {@code <ErrorResponse>} with {@code Type}
 * {@code Sender} for 4xx and {@code Receiver} for 5xx (shared/reference/aws-wire-protocols.md §2.5, §3).
 */
public final class QueryResponses {

    private QueryResponses() {}

    /** A successful response; {@code result} may be empty (no result element). */
    public static String success(String operation, String namespace, XmlWriter result, String requestId) {
        StringBuilder b = new StringBuilder(256 + (result == null ? 0 : result.toString().length()));
        b.append('<').append(operation).append("Response xmlns=\"");
        XmlWriter.escape(namespace, b);
        b.append("\">");
        if (result != null && !result.isEmpty()) {
            b.append('<').append(operation).append("Result>").append(result.xml())
                    .append("</").append(operation).append("Result>");
        }
        b.append("<ResponseMetadata><RequestId>");
        XmlWriter.escape(requestId, b);
        b.append("</RequestId></ResponseMetadata></").append(operation).append("Response>");
        return b.toString();
    }

    /** An error response. */
    public static String error(String namespace, int status, String code, String message, String requestId) {
        StringBuilder b = new StringBuilder(256);
        b.append("<ErrorResponse xmlns=\"");
        XmlWriter.escape(namespace, b);
        b.append("\"><Error><Type>").append(status >= 500 ? "Receiver" : "Sender").append("</Type><Code>");
        XmlWriter.escape(code, b);
        b.append("</Code><Message>");
        XmlWriter.escape(message == null ? "" : message, b);
        b.append("</Message></Error><RequestId>");
        XmlWriter.escape(requestId, b);
        return b.append("</RequestId></ErrorResponse>").toString();
    }
}
