package io.mlgate.iam.guardrail;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The few daemon threads the Wasm guardrails share, so that no caller ever blocks: one timer for pool-wait deadlines,
 * workers that evaluate for callers that had to wait for an instance, and one builder for instances created lazily
 * (building compiles the module, far too slow for a request path). Threads start on first use and end when idle.
 */
final class GuardrailThreads {

    private GuardrailThreads() {
    }

    static final ScheduledThreadPoolExecutor TIMER;
    static final ExecutorService WORKERS;
    static final ExecutorService BUILDER;

    static {
        TIMER = new ScheduledThreadPoolExecutor(1, factory("mlgate-guardrail-timer"));
        TIMER.setRemoveOnCancelPolicy(true);
        int workers = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor w = new ThreadPoolExecutor(workers, workers, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory("mlgate-guardrail-worker"));
        w.allowCoreThreadTimeOut(true);
        WORKERS = w;
        ThreadPoolExecutor b = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                factory("mlgate-guardrail-builder"));
        b.allowCoreThreadTimeOut(true);
        BUILDER = b;
    }

    private static ThreadFactory factory(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
