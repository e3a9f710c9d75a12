package io.mlgate.iam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobPatternTest {

    private static boolean plain(String pattern, String s) {
        return GlobPattern.compile(pattern, GlobPattern.Mode.PLAIN).matches(s);
    }

    private static boolean resource(String pattern, String s) {
        return GlobPattern.compile(pattern, GlobPattern.Mode.RESOURCE).matches(s);
    }

    private static boolean arnLike(String pattern, String s) {
        return GlobPattern.compile(pattern, GlobPattern.Mode.ARN_CONDITION).matches(s);
    }

    @Test
    void plainWildcards() {
        assertThat(plain("iam:*accesskey*", "iam:createaccesskey")).isTrue();
        assertThat(plain("iam:*accesskey*", "iam:createaccesskeys")).isTrue();
        assertThat(plain("iam:*accesskey*", "iam:createuser")).isFalse();
        assertThat(plain("s3:get?bject", "s3:getobject")).isTrue();
        assertThat(plain("s3:get?bject", "s3:getbject")).isFalse();
        assertThat(plain("*", "")).isTrue();
        assertThat(plain("a*b*c", "abc")).isTrue();
        assertThat(plain("a*b*c", "aXbYbZc")).isTrue();
        assertThat(plain("a*b*c", "aXbYcZ")).isFalse();
        assertThat(plain("exact", "exact")).isTrue();
        assertThat(plain("exact", "exactly")).isFalse();
        assertThat(plain("pre*", "prefix")).isTrue();
        assertThat(plain("pre*", "pr")).isFalse();
        assertThat(plain("pre*", "xprefix")).isFalse();
        assertThat(plain("a**b", "ab")).isTrue();
        assertThat(plain("*:*", "x:y")).isTrue();
    }

    @Test
    void starSpansSlashesInResourcePart() {
        assertThat(resource("arn:aws:s3:::bucket/*/test/*", "arn:aws:s3:::bucket/1/2/test/x")).isTrue();
        assertThat(resource("arn:aws:s3:::bucket/*/test/*", "arn:aws:s3:::bucket//test/x")).isTrue();
        assertThat(resource("arn:aws:s3:::bucket/*/test/*", "arn:aws:s3:::bucket/test/x")).isFalse();
    }

    @Test
    void segmentEndingStarExpandsAcrossColonsButInnerStarDoesNot() {
        assertThat(resource("arn:aws:sagemaker:us-east-1:*", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris")).isTrue();
        assertThat(resource("arn:aws:sagemaker:us-east-1:*", "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/iris")).isFalse();
        assertThat(resource("arn:aws:sagemaker:us-*1:123456789012:endpoint/x", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x")).isTrue();
        // an inner star stays in its segment, so it cannot swallow the region:account boundary
        assertThat(resource("arn:aws:sagemaker:us-*1:endpoint/x", "arn:aws:sagemaker:us-east-1:123456789011:endpoint/x")).isFalse();
        assertThat(resource("arn:aws:sagemaker:u?-east-1:*:endpoint/x", "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x")).isTrue();
        assertThat(resource("arn:aws:sagemaker:?s-east-1:123456789012:endpoint/x", "arn:aws:sagemaker::s-east-1:123456789012:endpoint/x")).isFalse();
    }

    @Test
    void arnLikeKeepsEveryStarInsideItsSegment() {
        assertThat(arnLike("arn:aws:iam::*:role/x", "arn:aws:iam::123456789012:role/x")).isTrue();
        assertThat(arnLike("arn:aws:iam::*", "arn:aws:iam::123456789012:role/x")).isFalse();
        assertThat(arnLike("arn:aws:iam::*:*", "arn:aws:iam::123456789012:role/x:y")).isTrue();
        assertThat(plain("arn:aws:iam::*", "arn:aws:iam::123456789012:role/x")).isTrue();
    }

    @Test
    void longPatternsUseTheSameSemantics() {
        String pad = "x".repeat(80);
        assertThat(plain(pad + "*a?c*" + pad, pad + "__abc__" + pad)).isTrue();
        assertThat(plain(pad + "*a?c*" + pad, pad + "__ab__" + pad)).isFalse();
        assertThat(resource("arn:aws:s3:::" + pad + "/*/test/*", "arn:aws:s3:::" + pad + "/1/2/test/x")).isTrue();
        assertThat(resource("arn:aws:s3:::" + pad + "/*/test/*", "arn:aws:s3:::" + pad + "/test/x")).isFalse();
    }

    @Test
    void pathologicalInputStaysLinear() {
        String pattern = "*a*a*a*a*a*a*a*a*a*b";
        String input = "a".repeat(5000);
        assertThat(plain(pattern, input)).isFalse();
        assertThat(plain(pattern, input + "b")).isTrue();
    }
}
