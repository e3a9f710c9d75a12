package io.mlgate.pii;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the built-in detectors on 1 KiB of text, one thread: prose without PII (the clean path: word runs
 * and byte classes only) and two dense records with 35 values of every type (seven of them phone numbers, which
 * libphonenumber validates). One operation scans 1024 bytes, so MB/s = ops/s x 1024 / 10^6. Run:
 * {@code bench/jmh.sh BuiltInDetectorsBenchmark}; results in docs/pii-detectors.md. Not part of the test suite.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BuiltInDetectorsBenchmark {

    static final String CLEAN = "The quarterly report for the inference service was reviewed by the platform team on "
            + "Monday. Latency at the 99th percentile stayed under 40 ms for 12 of the 14 endpoints, and the batch "
            + "queue drained within the agreed window. Two deployments were rolled back after canary checks flagged "
            + "a regression in the tokenizer; the fix was merged in version 3.2 and redeployed to all 3 regions. "
            + "Capacity planning for next quarter assumes 25% growth in request volume, mostly from the "
            + "recommendation models. Please review the attached notes before Thursday and add comments inline. "
            + "Open items: rotate the staging credentials, update the runbook for failover, and confirm the "
            + "retention policy for captured data with the compliance team. Thanks to everyone who helped during "
            + "the incident last week; the postmortem is scheduled for Friday at 10:30 and will cover detection, "
            + "mitigation and follow-up actions. Dashboards: error rate, saturation, queue depth, cold starts. ";

    static final String DENSE = "Customer jane.doe@example.com called from +44 20 7946 0958 about card 4111 1111 1111 "
            + "1111; SSN 123-45-6789, ITIN 912-70-1234, IBAN DE89 3704 0044 0532 0130 00, IP 192.168.10.24 and "
            + "2001:db8::7. DOB: 1985-03-12. Backup contact john.smith@mail.example.co.uk, (212) 555-0123. Keys "
            + "AKIAIOSFODNN7EXAMPLE secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY token "
            + "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_"
            + "adQssw5c and GB82 WEST 1234 5698 7654 32, amex 3782 822463 10005, born 12 March 1961, server "
            + "10.0.0.1:8443, mobile 07911 123456, fr 01 23 45 67 89, visa 5555555555554444 ok. Second record: "
            + "ops@corp.example.de, SSN 536-90-4399, card 6011-1111-1111-1117, IBAN FR14 2004 1010 0505 0001 3M02 "
            + "606, host fe80::1ff:fe23:4567:890a, date of birth 03/27/1961, key ASIAQNZGKR7LTXCIVBE2, phone "
            + "+1 415 555 0132, Berlin 030 12345678, ip 203.0.113.77, jcb 3530111333300000, mail "
            + "li.wang+news@example.org, ITIN 999 94 1234, backup 172.16.254.1; done. ";

    private BuiltInDetectors detectors;
    private byte[] clean;
    private byte[] dense;

    static byte[] kib(String text) {
        StringBuilder s = new StringBuilder(text);
        while (s.length() < 1024) {
            s.append(" and so on");
        }
        byte[] bytes = s.substring(0, 1024).getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != 1024) {
            throw new IllegalStateException("not 1 KiB of ASCII");
        }
        return bytes;
    }

    @Setup
    public void setUp() {
        detectors = BuiltInDetectors.compile(DetectorSettings.defaults());
        clean = kib(CLEAN);
        dense = kib(DENSE);
        int[] found = new int[2];
        detectors.scan(clean, 0, clean.length, null, (t, c, s, e) -> found[0]++, Long.MAX_VALUE);
        detectors.scan(dense, 0, dense.length, null, (t, c, s, e) -> found[1]++, Long.MAX_VALUE);
        if (found[0] != 0 || found[1] != 35) {
            throw new IllegalStateException("expected 0 and 35 findings, got " + found[0] + " and " + found[1]);
        }
    }

    @Benchmark
    public void clean1KiB(Blackhole bh) {
        detectors.scan(clean, 0, clean.length, null, (t, c, s, e) -> bh.consume(s), Long.MAX_VALUE);
    }

    @Benchmark
    public void densePii1KiB(Blackhole bh) {
        detectors.scan(dense, 0, dense.length, null, (t, c, s, e) -> bh.consume(s), Long.MAX_VALUE);
    }
}
