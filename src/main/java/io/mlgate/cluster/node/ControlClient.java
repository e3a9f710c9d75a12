package io.mlgate.cluster.node;

import io.mlgate.cluster.wire.ClusterError;
import io.mlgate.cluster.wire.ClusterJson;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContext;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.time.Duration;
import java.util.Objects;

/**
 * The node's client of the gateway control port ({@code docs/cluster-protocol.md}): HTTP/2 over TLS 1.3 with the
 * node's certificate (or without one, for enrollment), JSON bodies of {@code io.mlgate.cluster.wire}. Calls block the
 * calling thread up to the timeout, so they are made from the node's own threads (loader, registrar, forwarder),
 * never from an event loop.
 */
public final class ControlClient implements AutoCloseable {

    /** The largest answer read from the gateway (control bodies are 1 MiB). */
    static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final HttpClient client;
    private final ConnectionProvider connections;
    private final String target;
    private final Duration timeout;

    private ControlClient(HttpClient client, ConnectionProvider connections, String target, Duration timeout) {
        this.client = client;
        this.connections = connections;
        this.target = target;
        this.timeout = timeout;
    }

    /** HTTP/2 over TLS to {@code gateway} with {@code tls} (a {@code ClusterTls} client context). */
    public static ControlClient tls(HostPort gateway, SslContext tls, Duration timeout) {
        Objects.requireNonNull(tls, "tls");
        ConnectionProvider pool = ConnectionProvider.builder("mlgate-control").maxConnections(4).build();
        HttpClient c = HttpClient.create(pool).protocol(HttpProtocol.H2)
                .secure(spec -> spec.sslContext(tls))
                .baseUrl("https://" + gateway)
                .responseTimeout(timeout);
        return new ControlClient(c, pool, gateway.toString(), timeout);
    }

    /**
     * HTTP/2 over cleartext (prior knowledge) to {@code gateway}: only for tests of the node's logic without the
     * cluster PKI; {@code ./mlgate node} always uses {@link #tls}.
     */
    public static ControlClient plaintextForTests(HostPort gateway, Duration timeout) {
        ConnectionProvider pool = ConnectionProvider.builder("mlgate-control-test").maxConnections(4).build();
        HttpClient c = HttpClient.create(pool).protocol(HttpProtocol.H2C)
                .baseUrl("http://" + gateway)
                .responseTimeout(timeout);
        return new ControlClient(c, pool, gateway.toString(), timeout);
    }

    /**
     * POSTs {@code request} (a wire record) to {@code path} and reads the answer as {@code answerType} (null for a
     * 204 without body).
     *
     * @throws ControlException if the gateway answers an error or cannot be reached
     */
    public <T> T post(String path, Object request, Class<T> answerType) throws ControlException {
        byte[] answer = postRaw(path, ClusterJson.write(request));
        if (answerType == null) {
            return null;
        }
        try {
            return ClusterJson.read(answer, answerType);
        } catch (IllegalArgumentException e) {
            throw new ControlException(502, "MalformedAnswer", "the gateway's answer to " + path + " is not a "
                    + answerType.getSimpleName());
        }
    }

    /**
     * POSTs a JSON body and returns the 2xx answer's bytes (the caller owns them and may wipe them).
     *
     * @throws ControlException if the gateway answers an error or cannot be reached
     */
    public byte[] postRaw(String path, byte[] json) throws ControlException {
        Answer answer;
        try {
            answer = client.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
                    .post().uri(path)
                    .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(json)))
                    .responseSingle((response, body) -> body.asByteArray().defaultIfEmpty(new byte[0])
                            .map(bytes -> new Answer(response.status().code(), bytes)))
                    .block(timeout.plusSeconds(1));
        } catch (RuntimeException e) {
            throw new ControlException(0, ControlException.UNREACHABLE, "the gateway at " + target
                    + " could not be reached (" + reason(e) + ")");
        }
        if (answer == null) {
            throw new ControlException(0, ControlException.UNREACHABLE, "the gateway at " + target
                    + " gave no answer");
        }
        if (answer.bytes().length > MAX_ANSWER_BYTES) {
            throw new ControlException(502, "MalformedAnswer", "the gateway's answer to " + path + " is too large");
        }
        if (answer.status() / 100 == 2) {
            return answer.bytes();
        }
        String code = "HTTP" + answer.status();
        String message = "the gateway refused " + path + " with HTTP " + answer.status();
        try {
            ClusterError error = ClusterJson.read(answer.bytes(), ClusterError.class);
            if (error.error() != null) {
                code = error.error();
            }
            if (error.message() != null) {
                message = error.message();
            }
        } catch (IllegalArgumentException notJson) {
            // keep the status as the code
        }
        throw new ControlException(answer.status(), code, message);
    }

    private record Answer(int status, byte[] bytes) {
    }

    /** The innermost cause's class and message (transport errors carry addresses, never secrets). */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    @Override
    public void close() {
        connections.disposeLater().block(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return "ControlClient[" + target + "]";
    }
}
