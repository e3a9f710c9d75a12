package io.mlgate.auth.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalRequestTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/|/",
        "''|/",
        "//|/",
        "//example//|/example/",
        "/example/..|/",
        "/example1/example2/../..|/",
        "/a/b/../c|/a/c",
        "/./|/",
        "/./example|/example",
        "/a/.|/a",
        "/../a|/a",
        "/endpoints/x/invocations|/endpoints/x/invocations",
        "/a/.hidden/|/a/.hidden/",
    })
    void removesDotSegmentsAndEmptySegments(String raw, String expected) {
        assertThat(CanonicalRequest.removeDotSegments(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/example space/|true|/example%20space/",
        "/ሴ|true|/%E1%88%B4",
        "/a%3Ab|true|/a%253Ab",
        "/-._~AZaz09|true|/-._~AZaz09",
        "/a+b=c|true|/a%2Bb%3Dc",
        "//example//|false|//example//",
        "/example/..|false|/example/..",
        "/\uD83D\uDE00|true|/%F0%9F%98%80",
    })
    void encodesThePathOnceMore(String raw, boolean normalize, String expected) {
        assertThat(CanonicalRequest.canonicalUri(raw, normalize)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|''",
        "b=2&a=1|a=1&b=2",
        "a=2&a=1&a=10|a=1&a=10&a=2",
        "Param2=value2&Param1=value1&param0=x|Param1=value1&Param2=value2&param0=x",
        "a%20b=c d|a%20b=c%20d",
        "k|k=",
        "k=|k=",
        "a=1+1|a=1%2B1",
        "%E1%88%B4=bar|%E1%88%B4=bar",
        "ሴ=bar|%E1%88%B4=bar",
        "a=%7e%2f|a=~%2F",
        "a=%zz&b=%|a=%25zz&b=%25",
        "a=1&&b=2|a=1&b=2",
        "x=a=b|x=a%3Db",
    })
    void canonicalisesTheQuery(String raw, String expected) {
        assertThat(CanonicalRequest.canonicalQuery(CanonicalRequest.parseQuery(raw), false)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'  value1  '|value1",
        "'\"a   b   c\"'|'\"a b c\"'",
        "'a\t\tb'|a b",
        "''|''",
    })
    void trimsAndCollapsesHeaderValues(String raw, String expected) {
        assertThat(CanonicalRequest.trimCollapse(raw)).isEqualTo(expected);
    }
}
