package io.mlgate.gateway;

import io.mlgate.protocol.query.QueryResponses;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * Writes an {@link AwsError} in the error shape of the call's protocol and records it on the {@link GatewayCall}
 * so the audit event carries the same code and message the client saw.
 */
public final class ErrorResponder {

    private static final String RUNTIME_ERROR_NAMESPACE = ":http://internal.amazon.com/coral/com.amazon.sagemaker.runtime/";
    private static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

    private ErrorResponder() {}

    public static Mono<Void> write(ServerWebExchange exchange, AwsError error) {
        return write(exchange, error, error.message());
    }

    /**
     * Writes {@code error} to the client and records {@code auditMessage} for the audit event: use it when the
     * client's message quotes request data (the client sent it; the audit log must not keep it).
     */
    public static Mono<Void> write(ServerWebExchange exchange, AwsError error, String auditMessage) {
        GatewayCall call = GatewayCall.of(exchange);
        AwsProtocol protocol = call.protocol();
        call.fail(error.code(), auditMessage);
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(HttpStatusCode.valueOf(error.status()));
        HttpHeaders headers = response.getHeaders();
        byte[] body;
        switch (protocol) {
            case QUERY -> {
                headers.set(HttpHeaders.CONTENT_TYPE, "text/xml");
                String namespace = call.xmlNamespace() != null ? call.xmlNamespace() : STS_NS;
                body = QueryResponses.error(namespace, error.status(), error.code(), error.message(),
                        call.requestId()).getBytes(StandardCharsets.UTF_8);
            }
            case JSON_1_1 -> {
                headers.set(HttpHeaders.CONTENT_TYPE, "application/x-amz-json-1.1");
                headers.set("x-amzn-ErrorType", error.code());
                body = ("{\"__type\":\"" + json(error.code()) + "\",\"message\":\"" + json(error.message()) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
                headers.set("x-amzn-ErrorType", error.code() + RUNTIME_ERROR_NAMESPACE);
                StringBuilder text = new StringBuilder(128).append("{\"__type\":\"").append(json(error.code()))
                        .append("\",\"message\":\"").append(json(error.message())).append('"');
                if ("ModelError".equals(error.code())) {
                    text.append(",\"OriginalStatusCode\":500,\"OriginalMessage\":\"").append(json(error.message()))
                            .append("\",\"LogStreamArn\":\"\"");
                }
                body = text.append('}').toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        headers.setContentLength(body.length);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** The message with every double-quoted run replaced by {@code "***"}: quoted runs are request data. */
    public static String withoutQuotedValues(String message) {
        if (message == null || message.indexOf('"') < 0) {
            return message;
        }
        StringBuilder out = new StringBuilder(message.length());
        boolean inQuote = false;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '"') {
                out.append(inQuote ? "***\"" : "\"");
                inQuote = !inQuote;
            } else if (!inQuote) {
                out.append(c);
            }
        }
        if (inQuote) {
            out.append("***");
        }
        return out.toString();
    }

    static String json(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String replacement = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 ? String.format("\\u%04x", (int) c) : null;
            };
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(value.length() + 16).append(value, 0, i);
                }
                out.append(replacement);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? value : out.toString();
    }

    static String xml(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
