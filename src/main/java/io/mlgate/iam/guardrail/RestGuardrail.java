package io.mlgate.iam.guardrail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A guardrail asked of an external OPA server over its REST Data API: {@code POST <url>} with
 * {@code {"input": <input document>}}, the answer's {@code result} read by
 * {@link OpaResults#fromDataApiResponse(String, byte[])} (other members such as {@code decision_id}, {@code metrics}
 * or {@code warning} are ignored).
 *
 * <p>Non-blocking ({@link HttpClient#sendAsync}); the connect timeout, the request timeout and an overall deadline are
 * all {@link GuardrailSettings#restTimeout()}. It fails closed: a timeout, an unreachable server, a status other than
 * 200 (the reason names the status and OPA's error {@code code}, never the body), an answer that is not JSON, larger
 * than {@link #MAX_RESPONSE_BYTES}, undefined or malformed, and any evaluation after {@link #close()} are ERROR
 * decisions. The returned future never completes exceptionally.
 *
 * <p>Decisions the policy declared {@code "cacheable": true} are kept in an LRU cache bounded by
 * {@link GuardrailSettings#restCacheSize()} entries (0: no cache) and by the total size of the keys, for
 * {@link GuardrailSettings#restCacheTtl()}; the key is the exact input JSON text, and inputs larger than
 * {@link #MAX_CACHED_INPUT_CHARS} are never cached. ERROR decisions are never cached.
 *
 * <p>User information in the URL ({@code https://user:secret@opa.internal/...}) is sent as HTTP Basic
 * authorization and left out of {@link #name()}, as is the query. Neither the input nor the credentials are logged.
 */
public final class RestGuardrail implements Guardrail {

    /** The largest Data API answer read; a larger one is an ERROR decision. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;
    /** The most bytes of an error answer (status other than 200) read to find OPA's error {@code code}. */
    static final int MAX_ERROR_BODY_BYTES = 16 * 1024;
    /** Inputs longer than this (in chars) are never cached. */
    static final int MAX_CACHED_INPUT_CHARS = 16 * 1024;
    /** The most chars of cached keys all together (bounds the cache's memory whatever the entry count). */
    static final long MAX_CACHE_CHARS = 32L * 1024 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");
    private static final byte[] PREFIX = "{\"input\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "}".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final URI requestUri;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient client;
    private final HttpResponse.BodyHandler<byte[]> bodyHandler;
    private final DecisionCache cache;
    private final int maxCachedInputChars;
    private final GuardrailDecision closedDecision;
    private final GuardrailDecision deadlineDecision;
    private volatile boolean closed;

    /**
     * A guardrail for {@code url} (the Data API document URL, http or https) with the given answer deadline and a
     * decision cache of {@code cacheSize} entries (0: none) kept for {@code cacheTtl} as told by {@code clock}.
     *
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL with a host, or the timeout is not
     *                                  positive
     */
    public RestGuardrail(URI url, Duration timeout, int cacheSize, Duration cacheTtl, Clock clock) {
        this(url, timeout, cacheSize, cacheTtl, clock, MAX_RESPONSE_BYTES, MAX_CACHED_INPUT_CHARS, MAX_CACHE_CHARS);
    }

    RestGuardrail(URI url, Duration timeout, int cacheSize, Duration cacheTtl, Clock clock, int maxResponseBytes,
                  int maxCachedInputChars, long maxCacheChars) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
        Objects.requireNonNull(clock, "clock");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("mlgate.opa.timeout must be positive");
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("mlgate.opa.rest-cache-size must not be negative");
        }
        String scheme = url.getScheme();
        if (!url.isAbsolute() || url.isOpaque() || !("http".equalsIgnoreCase(scheme)
                || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException("mlgate.opa.url must be an http or https URL");
        }
        String authority = url.getRawAuthority();
        if (url.getHost() == null || authority == null) {
            throw new IllegalArgumentException("mlgate.opa.url has no host");
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        String base = scheme.toLowerCase(Locale.ROOT) + "://" + hostPort + path;
        this.name = "opa-rest:" + base;
        this.requestUri = URI.create(url.getRawQuery() == null ? base : base + "?" + url.getRawQuery());
        String userInfo = url.getUserInfo();
        this.authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.bodyHandler = info -> {
            long declared = info.headers().firstValueAsLong("content-length").orElse(-1L);
            return info.statusCode() == 200 ? new CappedBody(maxResponseBytes, true, declared)
                    : new CappedBody(MAX_ERROR_BODY_BYTES, false, declared);
        };
        this.cache = cacheSize == 0 || cacheTtl.isNegative() || cacheTtl.isZero() ? null
                : new DecisionCache(cacheSize, maxCacheChars, cacheTtl.toMillis(), clock);
        this.maxCachedInputChars = maxCachedInputChars;
        this.closedDecision = GuardrailDecision.error(name, "the guardrail is closed");
        this.deadlineDecision = GuardrailDecision.error(name,
                "the OPA server did not answer within " + timeout.toMillis() + " ms");
    }

    /** The external OPA guardrail of the settings ({@link GuardrailSettings#restUrl()} must be set). */
    public static RestGuardrail create(GuardrailSettings settings) {
        if (settings.restUrl() == null) {
            throw new IllegalArgumentException("mlgate.opa.url is not set");
        }
        return new RestGuardrail(settings.restUrl(), settings.restTimeout(), settings.restCacheSize(),
                settings.restCacheTtl(), Clock.systemUTC());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<GuardrailDecision> evaluate(GuardrailInput input) {
        try {
            if (closed) {
                return CompletableFuture.completedFuture(closedDecision);
            }
            String json = input.json();
            DecisionCache c = cache;
            if (c != null && json.length() <= maxCachedInputChars) {
                GuardrailDecision hit = c.get(json);
                if (hit != null) {
                    return CompletableFuture.completedFuture(hit);
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(requestUri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(PREFIX),
                            HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8),
                            HttpRequest.BodyPublishers.ofByteArray(SUFFIX)));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request.build(), bodyHandler);
            CompletableFuture<GuardrailDecision> decision = call.handle((response, failure) -> decide(json, response,
                    failure));
            decision.completeOnTimeout(deadlineDecision, timeout.toNanos(), TimeUnit.NANOSECONDS);
            decision.whenComplete((d, e) -> {
                if (!call.isDone()) {
                    call.cancel(true);
                }
            });
            return decision;
        } catch (RuntimeException | Error e) {
            return CompletableFuture.completedFuture(GuardrailDecision.error(name,
                    "the OPA server call could not be made (" + e.getClass().getSimpleName() + ")"));
        }
    }

    private GuardrailDecision decide(String json, HttpResponse<byte[]> response, Throwable failure) {
        try {
            if (failure != null) {
                return GuardrailDecision.error(name, describe(failure));
            }
            if (response.statusCode() != 200) {
                String code = errorCode(response.body());
                return GuardrailDecision.error(name, "the OPA server answered HTTP " + response.statusCode()
                        + (code == null ? "" : " (" + code + ")"));
            }
            GuardrailDecision decision = OpaResults.fromDataApiResponse(name, response.body());
            DecisionCache c = cache;
            if (c != null && decision.cacheable() && decision.outcome() != GuardrailDecision.Outcome.ERROR
                    && json.length() <= maxCachedInputChars && !closed) {
                c.put(json, decision);
            }
            return decision;
        } catch (RuntimeException | Error e) {
            return GuardrailDecision.error(name, "the OPA server's answer could not be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** What went wrong, without exception messages (they may echo the URL). */
    private String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof HttpConnectTimeoutException) {
            return "could not connect to the OPA server within " + timeout.toMillis() + " ms";
        }
        if (t instanceof HttpTimeoutException) {
            return deadlineDecision.reasons().get(0);
        }
        if (t instanceof ResponseTooLarge) {
            return "the OPA server's answer exceeds " + ((ResponseTooLarge) t).limit + " bytes";
        }
        if (t instanceof CancellationException) {
            return "the OPA server call was cancelled";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return "the OPA server could not be reached (connection refused or no route)";
            }
            if (c instanceof SSLException) {
                return "TLS with the OPA server failed";
            }
        }
        return "the OPA server call failed (" + t.getClass().getSimpleName() + ")";
    }

    /** OPA's error {@code code} of an error answer, when it is one and looks like a code; never its message. */
    static String errorCode(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode code = root == null ? null : root.get("code");
            if (code == null || !code.isString()) {
                return null;
            }
            String text = code.stringValue();
            return ERROR_CODE.matcher(text).matches() ? text : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * Later evaluations are ERROR decisions; calls in flight finish. Empties the cache. (Java 17's HttpClient has no
     * close: its connections and selector thread go when it is no longer referenced.)
     */
    @Override
    public void close() {
        closed = true;
        DecisionCache c = cache;
        if (c != null) {
            c.clear();
        }
    }

    /** The number of cached decisions (tests). */
    int cachedDecisions() {
        return cache == null ? 0 : cache.size();
    }

    @Override
    public String toString() {
        return name;
    }

    /** The answer is larger than allowed (no stack trace: it is an expected outcome, not a bug). */
    static final class ResponseTooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final int limit;

        ResponseTooLarge(int limit) {
            super("response larger than " + limit + " bytes");
            this.limit = limit;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * Collects a response body up to {@code limit} bytes. Past the limit it cancels the body and either fails with
     * {@link ResponseTooLarge} ({@code fail}) or completes with an empty body (error answers, only read for their
     * code). A declared Content-Length past the limit gives up before reading.
     */
    static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private static final byte[] EMPTY = new byte[0];

        private final int limit;
        private final boolean fail;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;
        private byte[] buffer;
        private int size;
        private boolean done;

        CappedBody(int limit, boolean fail, long declared) {
            this.limit = limit;
            this.fail = fail;
            this.declared = declared;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (subscription != null) {
                s.cancel();
                return;
            }
            subscription = s;
            if (declared > limit) {
                overflow();
                return;
            }
            buffer = new byte[declared >= 0 ? (int) declared : Math.min(limit, 8192)];
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (done) {
                return;
            }
            long incoming = 0;
            for (ByteBuffer b : items) {
                incoming += b.remaining();
            }
            if (size + incoming > limit) {
                overflow();
                return;
            }
            int needed = (int) (size + incoming);
            if (needed > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(needed, buffer.length * 2)));
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                b.get(buffer, size, n);
                size += n;
            }
        }

        private void overflow() {
            done = true;
            buffer = null;
            subscription.cancel();
            if (fail) {
                result.completeExceptionally(new ResponseTooLarge(limit));
            } else {
                result.complete(EMPTY);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            if (!done) {
                done = true;
                buffer = null;
                result.completeExceptionally(throwable);
            }
        }

        @Override
        public void onComplete() {
            if (!done) {
                done = true;
                result.complete(size == buffer.length ? buffer : Arrays.copyOf(buffer, size));
                buffer = null;
            }
        }
    }

    /**
     * An LRU of decisions by input text, bounded in entries and in total key chars, each entry valid for a TTL.
     * Synchronized: lookups and inserts are short and allocation-free on hits.
     */
    static final class DecisionCache {
        private final int maxEntries;
        private final long maxChars;
        private final long ttlMillis;
        private final Clock clock;
        private final LinkedHashMap<String, Cached> entries;
        private long chars;

        DecisionCache(int maxEntries, long maxChars, long ttlMillis, Clock clock) {
            this.maxEntries = maxEntries;
            this.maxChars = maxChars;
            this.ttlMillis = ttlMillis;
            this.clock = clock;
            this.entries = new LinkedHashMap<>(Math.min(maxEntries, 1024) * 4 / 3 + 1, 0.75f, true);
        }

        synchronized GuardrailDecision get(String key) {
            Cached c = entries.get(key);
            if (c == null) {
                return null;
            }
            if (clock.millis() - c.storedAt >= ttlMillis) {
                entries.remove(key);
                chars -= key.length();
                return null;
            }
            return c.decision;
        }

        synchronized void put(String key, GuardrailDecision decision) {
            Cached previous = entries.put(key, new Cached(decision, clock.millis()));
            if (previous == null) {
                chars += key.length();
            }
            Iterator<Map.Entry<String, Cached>> eldest = entries.entrySet().iterator();
            while ((entries.size() > maxEntries || chars > maxChars) && eldest.hasNext()) {
                chars -= eldest.next().getKey().length();
                eldest.remove();
            }
        }

        synchronized void clear() {
            entries.clear();
            chars = 0;
        }

        synchronized int size() {
            return entries.size();
        }

        private record Cached(GuardrailDecision decision, long storedAt) {
        }
    }
}
