package io.mlgate.cluster.gateway;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The gateway's HTTP/2 client of one node's data ports: mutual TLS 1.3 to {@code address} (the context accepts only
 * the node's own identity) and, when the node has one, h2c (prior knowledge) to {@code plaintextAddress}. Each has
 * its own small connection pool, shared by health checks, placements and invocations; HTTP/2 multiplexes the calls.
 */
public final class NodeClient implements AutoCloseable {

    /** A node's answer: status, headers and the whole body. */
    public record Answer(int status, HttpHeaders headers, byte[] body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final String node;
    private final ConnectionProvider securePool;
    private final ConnectionProvider plainPool;
    private final HttpClient secure;
    private final HttpClient plain;

    /**
     * @param tls              the client context for this node (null: the gateway has no cluster credentials)
     * @param address          host:port of the TLS data port (null if unknown)
     * @param plaintextAddress host:port of the h2c port (null if the node has none)
     */
    public NodeClient(String node, SslContext tls, String address, String plaintextAddress) {
        this.node = Objects.requireNonNull(node, "node");
        if (tls != null && address != null) {
            securePool = ConnectionProvider.builder("mlgate-node-" + node).maxConnections(8)
                    .pendingAcquireMaxCount(4096).maxIdleTime(Duration.ofMinutes(5)).build();
            secure = HttpClient.create(securePool).protocol(HttpProtocol.H2)
                    .secure(spec -> spec.sslContext(tls)).baseUrl("https://" + address);
        } else {
            securePool = null;
            secure = null;
        }
        if (plaintextAddress != null) {
            plainPool = ConnectionProvider.builder("mlgate-node-h2c-" + node).maxConnections(8)
                    .pendingAcquireMaxCount(4096).maxIdleTime(Duration.ofMinutes(5)).build();
            plain = HttpClient.create(plainPool).protocol(HttpProtocol.H2C).baseUrl("http://" + plaintextAddress);
        } else {
            plainPool = null;
            plain = null;
        }
    }

    public String node() {
        return node;
    }

    /** True if calls can be encrypted (the node has a TLS port and the gateway credentials). */
    public boolean hasSecure() {
        return secure != null;
    }

    /** True if the node has a plaintext port. */
    public boolean hasPlaintext() {
        return plain != null;
    }

    /**
     * The transport for a call: TLS when {@code encrypted} is required or no plaintext port exists.
     *
     * @throws IllegalStateException if the call needs TLS and the node cannot be reached with it
     */
    private HttpClient transport(boolean encrypted) {
        if (encrypted || plain == null) {
            if (secure == null) {
                throw new IllegalStateException("node " + node + " cannot be reached with mutual TLS");
            }
            return secure;
        }
        return plain;
    }

    /** True if a call with this requirement can be sent. */
    public boolean canReach(boolean encrypted) {
        return encrypted ? secure != null : secure != null || plain != null;
    }

    /** Sends one request; the Mono fails with the transport's exception (connect refused, reset, timeout). */
    public Mono<Answer> send(boolean encrypted, HttpMethod method, String path, byte[] body,
                             Map<String, String> headers, Duration timeout) {
        HttpClient client;
        try {
            client = transport(encrypted);
        } catch (IllegalStateException e) {
            return Mono.error(e);
        }
        HttpClient configured = client.responseTimeout(timeout).headers(h -> headers.forEach(h::set));
        HttpClient.RequestSender sender = configured.request(method).uri(path);
        HttpClient.ResponseReceiver<?> receiver = body == null ? sender
                : sender.send(ByteBufFlux.fromInbound(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body))));
        return receiver.responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Answer(response.status().code(), response.responseHeaders(), bytes)))
                .timeout(timeout);
    }

    @Override
    public void close() {
        if (securePool != null) {
            securePool.disposeLater().subscribe();
        }
        if (plainPool != null) {
            plainPool.disposeLater().subscribe();
        }
    }

    @Override
    public String toString() {
        return "NodeClient[" + node + (secure != null ? ", tls" : "") + (plain != null ? ", h2c" : "") + "]";
    }
}
