package io.mlgate.gateway;

import io.mlgate.pii.Detector;
import io.mlgate.pii.PiiType;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import java.nio.charset.StandardCharsets;

/**
 * A detector plug-in for the running-gateway tests that fails whenever a region holds {@value #MARKER}: the
 * injected detector failure of issue 8 (the PII layer must block such a call, fail closed). Plug-ins are ordinary
 * {@link Detector} beans, so this is the path a real plug-in takes.
 */
@TestConfiguration(proxyBeanMethods = false)
class FaultInjectingDetector {

    static final String MARKER = "MLGATE-FAULT-INJECTION";
    private static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

    @Bean
    Detector injectedFailureDetector() {
        return new Detector() {
            @Override
            public PiiType type() {
                return PiiType.custom("FAULT_INJECTION");
            }

            @Override
            public void scan(byte[] data, int from, int to, String field, FindingSink sink) {
                outer:
                for (int i = from; i + MARKER_BYTES.length <= to; i++) {
                    for (int j = 0; j < MARKER_BYTES.length; j++) {
                        if (data[i + j] != MARKER_BYTES[j]) {
                            continue outer;
                        }
                    }
                    throw new IllegalStateException("injected detector failure");
                }
            }
        };
    }
}
