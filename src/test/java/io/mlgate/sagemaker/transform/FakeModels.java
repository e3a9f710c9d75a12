package io.mlgate.sagemaker.transform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transform model for engine tests: the output of record {@code r} is {@code {"echo":"r"}}; a record containing
 * {@code bad} fails with ValidationError (its message quotes the record, as the runtime's do), one containing
 * {@code boom} with ModelError. Records every call's size and the most calls in flight at once.
 */
final class FakeModels implements TransformModels {

    final Set<String> known = ConcurrentHashMap.newKeySet();
    final List<Integer> callSizes = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    volatile String refusal;

    FakeModels(String... modelArns) {
        known.addAll(List.of(modelArns));
    }

    @Override
    public boolean exists(String modelArn) {
        return known.contains(modelArn);
    }

    @Override
    public TransformModel load(String modelArn) throws TransformModelException {
        if (refusal != null) {
            throw new TransformModelException(refusal);
        }
        loads.incrementAndGet();
        open.incrementAndGet();
        return new TransformModel() {
            @Override
            public List<RecordOutcome> transform(List<byte[]> records, String contentType) {
                int now = inFlight.incrementAndGet();
                maxInFlight.accumulateAndGet(now, Math::max);
                try {
                    callSizes.add(records.size());
                    List<RecordOutcome> out = new ArrayList<>();
                    for (byte[] r : records) {
                        String text = new String(r, StandardCharsets.UTF_8);
                        if (text.contains("bad")) {
                            out.add(RecordOutcome.failed("ValidationError", "value \"" + text
                                    + "\" in row 1 column 1 is not a number"));
                        } else if (text.contains("boom")) {
                            out.add(RecordOutcome.failed("ModelError", "the model failed"));
                        } else {
                            out.add(RecordOutcome.ok(output(text)));
                        }
                    }
                    return out;
                } finally {
                    inFlight.decrementAndGet();
                }
            }

            @Override
            public void close() {
                open.decrementAndGet();
            }
        };
    }

    static byte[] output(String record) {
        return ("{\"echo\":\"" + record + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
