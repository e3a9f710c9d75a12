package io.mlgate.auth.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of the aws-c-auth v4 signing suite through the verifier (header and query form), checks the
 * canonical request and string to sign, mutates each case to prove the verifier rejects it, and checks that the
 * signer reproduces the suite's signatures.
 */
class SigV4TestVectorsTest {

    /**
     * The suite's one case that models a service appending the session token AFTER signing. The gateway
     * deliberately refuses it: an unsigned X-Amz-Security-Token header is rejected as INCOMPLETE_SIGNATURE (it is
     * security-relevant and every real client signs it), and in query form the token parameter is part of the
     * canonical query like every other parameter, so the suite's signature (computed without it) cannot match.
     */
    static final String TOKEN_AFTER_SIGNING = "post-sts-header-after";

    enum Form {
        HEADER("header"), QUERY("query");

        final String prefix;

        Form(String prefix) {
            this.prefix = prefix;
        }
    }

    static Stream<Arguments> casesAndForms() {
        List<Arguments> out = new ArrayList<>();
        for (VectorCase c : VectorCase.all()) {
            for (Form f : Form.values()) {
                out.add(Arguments.of(c, f));
            }
        }
        return out.stream();
    }

    @Test
    void suiteIsComplete() {
        assertThat(VectorCase.all()).hasSize(38);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesAndForms")
    void signedRequestVerifies(VectorCase c, Form form) {
        SignedRequest req = SignedRequest.parseHttpMessage(c.file(form.prefix + "-signed-request.txt"));
        SigV4Verifier verifier = c.verifier();
        if (c.name().equals(TOKEN_AFTER_SIGNING)) {
            SigV4Failure expected = form == Form.HEADER
                    ? SigV4Failure.INCOMPLETE_SIGNATURE : SigV4Failure.SIGNATURE_MISMATCH;
            assertThatThrownBy(() -> verifier.verify(req, c.service()))
                    .isInstanceOfSatisfying(SigV4Exception.class, e -> assertThat(e.failure()).isEqualTo(expected));
            // Without the token that was appended after signing, the signature itself is right.
            VerifiedSignature v = verifier.verify(withoutToken(req), c.service());
            assertThat(v.securityToken()).isEmpty();
            return;
        }
        VerifiedSignature v = verifier.verify(req, c.service());
        assertThat(v.accessKeyId()).isEqualTo(c.accessKeyId());
        assertThat(v.region()).isEqualTo(c.region());
        assertThat(v.service()).isEqualTo(c.service());
        assertThat(v.owner()).isEqualTo("owner:" + c.accessKeyId());
        assertThat(v.presigned()).isEqualTo(form == Form.QUERY);
        assertThat(v.requestTime()).isEqualTo(c.timestamp());
        assertThat(v.securityToken()).isEqualTo(java.util.Optional.ofNullable(c.token()));
        assertThat(v.signedHeaders()).contains("host");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("casesAndForms")
    void canonicalRequestAndStringToSignMatchTheSuite(VectorCase c, Form form) {
        SignedRequest req = SignedRequest.parseHttpMessage(c.file(form.prefix + "-signed-request.txt"));
        if (c.name().equals(TOKEN_AFTER_SIGNING) && form == Form.QUERY) {
            // Our canonical query covers the token parameter (see TOKEN_AFTER_SIGNING); without it, it matches.
            assertThat(c.verifier().canonicalRequest(req))
                    .isNotEqualTo(c.file(form.prefix + "-canonical-request.txt"));
            req = withoutToken(req);
        }
        SigV4Verifier verifier = c.verifier();
        assertThat(verifier.canonicalRequest(req)).isEqualTo(c.file(form.prefix + "-canonical-request.txt"));
        assertThat(verifier.stringToSign(req)).isEqualTo(c.file(form.prefix + "-string-to-sign.txt"));
    }

    // ------------------------------------------------------------------------------------------ mutations

    record Mutation(String name, UnaryOperator<String> apply) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> mutations() {
        List<Arguments> out = new ArrayList<>();
        for (VectorCase c : VectorCase.all()) {
            for (Form f : Form.values()) {
                String msg = baseline(c, f);
                for (Mutation m : applicableMutations(msg, f)) {
                    out.add(Arguments.of(c, f, m));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("mutations")
    void oneChangedByteIsRejected(VectorCase c, Form form, Mutation mutation) {
        String original = baseline(c, form);
        SigV4Verifier verifier = c.verifier();
        // the unmutated baseline passes ...
        verifier.verify(SignedRequest.parseHttpMessage(original), c.service());
        String mutated = mutation.apply().apply(original);
        assertThat(mutated).isNotEqualTo(original).hasSameSizeAs(original);
        // ... and the one-character change makes it fail
        assertThatThrownBy(() -> verifier.verify(SignedRequest.parseHttpMessage(mutated), c.service()))
                .isInstanceOfSatisfying(SigV4Exception.class, e -> assertThat(e.failure())
                        .isIn(SigV4Failure.SIGNATURE_MISMATCH, SigV4Failure.CONTENT_SHA256_MISMATCH));
    }

    /** The signed request as a message that verifies (the token-after-signing case without its token). */
    static String baseline(VectorCase c, Form form) {
        String msg = c.file(form.prefix + "-signed-request.txt");
        if (!c.name().equals(TOKEN_AFTER_SIGNING)) {
            return msg;
        }
        if (form == Form.HEADER) {
            return msg.replaceAll("(?m)^X-Amz-Security-Token:.*\n", "");
        }
        return msg.replaceAll("&X-Amz-Security-Token=[^& ]*", "");
    }

    static List<Mutation> applicableMutations(String msg, Form form) {
        List<Mutation> out = new ArrayList<>();
        out.add(new Mutation("signature", m -> {
            int at = m.indexOf("Signature=") + "Signature=".length() + 63;
            return flipAt(m, at);
        }));
        out.add(new Mutation("host", m -> flipAt(m, m.indexOf("Host:") + "Host:".length())));
        int blank = msg.indexOf("\n\n");
        if (blank >= 0 && blank + 2 < msg.length()) {
            out.add(new Mutation("body", m -> flipAt(m, m.length() - 1)));
        }
        String requestLine = msg.substring(0, msg.indexOf('\n'));
        String target = requestLine.substring(requestLine.indexOf(' ') + 1, requestLine.lastIndexOf(' '));
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        int lastAlnum = lastAsciiAlnum(path);
        if (!path.contains("/.") && lastAlnum >= 0) {
            int at = requestLine.indexOf(' ') + 1 + lastAlnum;
            out.add(new Mutation("path", m -> flipAt(m, at)));
        }
        if (q >= 0 && !target.startsWith("X-Amz-", q + 1)) {
            int at = requestLine.indexOf(' ') + 1 + q + 1; // first char of the first (ordinary) parameter
            out.add(new Mutation("query", m -> flipAt(m, at)));
        }
        // a signed custom header value (my-header*, content-type, ...)
        String[] lines = msg.substring(0, blank < 0 ? msg.length() : blank).split("\n");
        int offset = lines[0].length() + 1;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            String lname = line.contains(":") ? line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT) : "";
            boolean custom = !lname.isEmpty() && !lname.equals("host") && !lname.equals("x-amz-date")
                    && !lname.equals("authorization") && !lname.equals("x-amz-content-sha256")
                    && !lname.equals("content-length");
            if (custom && !line.strip().endsWith(":")) {
                int at = offset + line.stripTrailing().length() - 1;
                out.add(new Mutation("header-" + lname, m -> flipAt(m, at)));
                break;
            }
            offset += line.length() + 1;
        }
        return out;
    }

    private static int lastAsciiAlnum(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c < 0x80 && Character.isLetterOrDigit(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Replaces one ASCII letter/digit with a different one. */
    private static String flipAt(String s, int at) {
        char c = s.charAt(at);
        char r = c == 'a' ? 'b' : c == '0' ? '1' : Character.isDigit(c) ? '0' : 'a';
        return s.substring(0, at) + r + s.substring(at + 1);
    }

    static SignedRequest withoutToken(SignedRequest req) {
        String q = req.rawQuery().replaceAll("&?X-Amz-Security-Token=[^&]*", "");
        return req.toBuilder().removeHeader("x-amz-security-token").rawQuery(q).build();
    }

    // ------------------------------------------------------------------------------------------ signer

    static Stream<VectorCase> cases() {
        return VectorCase.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void signerReproducesHeaderSignature(VectorCase c) {
        SignedRequest unsigned = SignedRequest.parseHttpMessage(c.file("request.txt"));
        SignedRequest signed = signer(c).sign(unsigned);
        String expected = SignedRequest.parseHttpMessage(c.file("header-signed-request.txt"))
                .firstHeader("authorization");
        assertThat(signed.firstHeader("authorization")).isEqualTo(expected);
        assertThat(signed.firstHeader("authorization")).endsWith(c.file("header-signature.txt"));
        if (!c.name().equals(TOKEN_AFTER_SIGNING)) {
            c.verifier().verify(signed, c.service());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void signerReproducesPresignedSignature(VectorCase c) {
        SignedRequest unsigned = SignedRequest.parseHttpMessage(c.file("request.txt"));
        SignedRequest presigned = signer(c).presign(unsigned, Duration.ofSeconds(3600));
        assertThat(presigned.rawQuery()).endsWith("X-Amz-Signature=" + c.file("query-signature.txt"));
        if (!c.name().equals(TOKEN_AFTER_SIGNING)) {
            c.verifier().verify(presigned, c.service());
        }
    }

    private static SigV4Signer signer(VectorCase c) {
        return SigV4Signer.builder().credentials(c.accessKeyId(), c.secret().toCharArray())
                .sessionToken(c.omitSessionToken() ? null : c.token()).region(c.region()).service(c.service())
                .clock(Clock.fixed(c.timestamp(), ZoneOffset.UTC)).signContentSha256(c.signBody())
                .normalizePath(c.normalize()).build();
    }
}
