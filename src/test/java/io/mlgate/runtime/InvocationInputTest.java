package io.mlgate.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class InvocationInputTest {
    private static final String CSV = "text/csv";
    private static final String JSON = "application/json";

    private static float[][] parse(String body, String contentType) {
        return InvocationInput.parse(body.getBytes(StandardCharsets.UTF_8), contentType, 4);
    }

    private static void assertRejected(String body, String contentType, String message) {
        assertThatThrownBy(() -> parse(body, contentType))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message);
    }

    private static final float[][] TWO_ROWS = {{5.1f, 3.5f, 1.4f, 0.2f}, {6.3f, 3.3f, 6f, 2.5f}};

    // ------------------------------------------------------------ CSV

    @Test
    void csvRowsWithAndWithoutTrailingNewline() {
        assertThat(parse("5.1,3.5,1.4,0.2\n6.3,3.3,6,2.5", CSV)).isDeepEqualTo(TWO_ROWS);
        assertThat(parse("5.1,3.5,1.4,0.2\n6.3,3.3,6,2.5\n", CSV)).isDeepEqualTo(TWO_ROWS);
    }

    @Test
    void csvWithCrlfSpacesCharsetAndExponents() {
        assertThat(parse("5.1, 3.5 ,1.4,0.2\r\n6.3,3.3,6.0e0,+2.5\r\n", "text/csv; charset=utf-8"))
                .isDeepEqualTo(TWO_ROWS);
        assertThat(parse("-1,.5,1.,2E-1", "Text/CSV")).isDeepEqualTo(new float[][] {{-1f, 0.5f, 1f, 0.2f}});
    }

    @Test
    void csvRowWithTooFewValues() {
        assertRejected("5.1,3.5,1.4,0.2\n6.3,3.3,6", CSV, "row 2 has 3 values but the model expects 4");
    }

    @Test
    void csvRowWithTooManyValues() {
        assertRejected("5.1,3.5,1.4,0.2,9", CSV, "row 1 has 5 values but the model expects 4");
    }

    @Test
    void csvValueThatIsNotANumber() {
        assertRejected("5.1,abc,1.4,0.2", CSV, "value \"abc\" in row 1 column 2 is not a number");
        assertRejected("5.1,3.5,1.4,0x1p3", CSV, "value \"0x1p3\" in row 1 column 4 is not a number");
        assertRejected("5.1,3.5,1.4,1e", CSV, "column 4 is not a number");
    }

    @Test
    void csvHeaderRowIsNotANumber() {
        assertRejected("sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2", CSV,
                "value \"sepal_length\" in row 1 column 1 is not a number");
        assertRejected("5.1,3.5,1.4,0.2", "text/csv; header=present", "header row is not supported");
    }

    @Test
    void csvNanAndInfinityAreNotAllowed() {
        assertRejected("5.1,NaN,1.4,0.2", CSV, "NaN and Infinity are not allowed (row 1 column 2)");
        assertRejected("5.1,3.5,-Infinity,0.2", CSV, "NaN and Infinity are not allowed (row 1 column 3)");
        assertRejected("5.1,3.5,1e999,0.2", CSV, "NaN and Infinity are not allowed (row 1 column 3)");
    }

    @Test
    void valueBeyondFloatRangeIsRejected() {
        assertThat(parse("3e38,0,0,0", CSV)[0][0]).isEqualTo(3e38f);
        assertRejected("1e39,0,0,0", CSV, "out of range for a 32-bit float");
    }

    @Test
    void csvEmptyLineAndEmptyCell() {
        assertRejected("5.1,3.5,1.4,0.2\n\n6.3,3.3,6,2.5", CSV, "row 2 is empty");
        assertRejected("5.1,,1.4,0.2", CSV, "row 1 column 2 is empty");
    }

    @Test
    void longValuesAreQuotedOnlyInPart() {
        String longValue = "x".repeat(100);
        assertThatThrownBy(() -> parse("1," + longValue + ",1,1", CSV))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("value \"xxxxxxxxxxxxxxxx...\" in row 1 column 2 is not a number");
    }

    // ------------------------------------------------------------ JSON

    @Test
    void jsonInstancesOfArrays() {
        assertThat(parse("{\"instances\":[[5.1,3.5,1.4,0.2],[6.3,3.3,6,2.5]]}", JSON)).isDeepEqualTo(TWO_ROWS);
    }

    @Test
    void jsonInstancesOfFeatureObjects() {
        assertThat(parse("{\"instances\":[{\"features\":[5.1,3.5,1.4,0.2]},{\"features\":[6.3,3.3,6,2.5]}]}",
                "application/json; charset=UTF-8")).isDeepEqualTo(TWO_ROWS);
    }

    @Test
    void jsonArrayOfRowsSingleRowAndFeaturesObject() {
        assertThat(parse("[[5.1,3.5,1.4,0.2],[6.3,3.3,6,2.5]]", JSON)).isDeepEqualTo(TWO_ROWS);
        assertThat(parse(" [5.1, 3.5, 1.4, 0.2]\n", JSON)).isDeepEqualTo(new float[][] {TWO_ROWS[0]});
        assertThat(parse("{\"features\":[5.1,3.5,1.4,0.2]}", JSON)).isDeepEqualTo(new float[][] {TWO_ROWS[0]});
    }

    @Test
    void jsonRowWithWrongValueCount() {
        assertRejected("{\"instances\":[[5.1,3.5,1.4,0.2],[6.3,3.3,6]]}", JSON,
                "row 2 has 3 values but the model expects 4");
        assertRejected("[1,2,3,4,5]", JSON, "row 1 has 5 values but the model expects 4");
    }

    @Test
    void jsonValueThatIsNotANumber() {
        assertRejected("[[5.1,\"abc\",1.4,0.2]]", JSON, "value \"abc\" in row 1 column 2 is not a number");
        assertRejected("[[5.1,3.5,null,0.2]]", JSON, "value null in row 1 column 3 is not a number");
        assertRejected("[[5.1,3.5,[1],0.2]]", JSON, "value [...] in row 1 column 3 is not a number");
    }

    @Test
    void jsonNanAndInfinityAreNotAllowed() {
        assertRejected("[[5.1,NaN,1.4,0.2]]", JSON, "NaN and Infinity are not allowed (row 1 column 2)");
        assertRejected("[[5.1,3.5,-Infinity,0.2]]", JSON, "NaN and Infinity are not allowed (row 1 column 3)");
        assertRejected("[[5.1,3.5,1e400,0.2]]", JSON, "NaN and Infinity are not allowed (row 1 column 3)");
    }

    @Test
    void jsonUnexpectedFieldsAndShapes() {
        assertRejected("{\"rows\":[[1,2,3,4]]}", JSON, "unexpected field \"rows\"");
        assertRejected("{\"instances\":[[1,2,3,4]],\"extra\":1}", JSON, "unexpected field \"extra\"");
        assertRejected("{\"instances\":[{\"features\":[1,2,3,4],\"id\":7}]}", JSON,
                "unexpected field \"id\" in row 1");
        assertRejected("{\"instances\":[[1,2,3,4], 5]}", JSON, "row 2 must be an array of numbers");
        assertRejected("\"text\"", JSON, "JSON body must be an object");
        assertRejected("{}", JSON, "no \"instances\" or \"features\"");
        assertRejected("{\"instances\":[]}", JSON, "contains no rows");
        assertRejected("[]", JSON, "contains no rows");
    }

    @Test
    void malformedJsonNamesTheLocationNotTheContent() {
        assertThatThrownBy(() -> parse("{\"instances\":[[1,2,3,secret]]}", JSON))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("the body is not valid JSON (line 1, column")
                .message().doesNotContain("secret");
        assertRejected("[[1,2,3,4]] [[5,6,7,8]]", JSON, "unexpected content after the JSON value");
    }

    // ------------------------------------------------------------ shared rules

    @Test
    void emptyBody() {
        assertThat(parse("1,2,3,4", CSV)).hasNumberOfRows(1);
        assertRejected("", CSV, "the request body is empty");
        assertRejected("\r\n", JSON, "the request body is empty");
        assertThatThrownBy(() -> InvocationInput.parse(null, CSV, 4))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the request body is empty");
    }

    @Test
    void unsupportedOrMissingContentType() {
        assertRejected("1,2,3,4", "application/x-npy", "unsupported content type \"application/x-npy\"");
        assertRejected("1,2,3,4", "text/plain", "unsupported content type");
        assertRejected("1,2,3,4", null, "the request has no content type");
        assertRejected("1,2,3,4", "text/csv; charset=utf-16", "unsupported charset \"utf-16\"");
    }

    @Test
    void rowLimit() {
        String three = "1,2,3,4\n1,2,3,4\n1,2,3,4\n";
        assertThat(InvocationInput.parse(three.getBytes(StandardCharsets.US_ASCII), CSV, 4, 3)).hasNumberOfRows(3);
        assertThatThrownBy(() -> InvocationInput.parse((three + "1,2,3,4").getBytes(StandardCharsets.US_ASCII),
                CSV, 4, 3))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("too many rows: at most 3 per request");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i <= InvocationInput.MAX_ROWS; i++) {
            json.append(i == 0 ? "" : ",").append("[1,2,3,4]");
        }
        assertRejected(json.append(']').toString(), JSON, "too many rows: at most 1000 per request");
    }

    @Test
    void largeBodyWithinLimitsParses() {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < InvocationInput.MAX_ROWS; i++) {
            csv.append("5.1,3.5,1.4,0.2\n");
        }
        float[][] rows = parse(csv.toString(), CSV);
        assertThat(rows).hasNumberOfRows(1000);
        assertThat(rows[999]).containsExactly(5.1f, 3.5f, 1.4f, 0.2f);
    }

    // ------------------------------------------------------------ text (text models)

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void textIsTheWholeBodyUnchanged() {
        String json = "{\"text\":\"hello\"}";
        assertThat(InvocationInput.text(json.getBytes(StandardCharsets.UTF_8), JSON)).isEqualTo(json);
        String mixed = "  Grüße 東京 😀\r\n\uFEFF ";
        assertThat(InvocationInput.text(mixed.getBytes(StandardCharsets.UTF_8), "text/plain; charset=UTF-8"))
                .isEqualTo(mixed);
        assertThat(InvocationInput.text(" ".getBytes(StandardCharsets.UTF_8), "text/plain")).isEqualTo(" ");
        assertThat(InvocationInput.text("plain ascii".getBytes(StandardCharsets.US_ASCII), "text/plain; charset=us-ascii"))
                .isEqualTo("plain ascii");
        // any type/subtype: the model, not the gateway, decides what text it understands
        assertThat(InvocationInput.text("a,b".getBytes(StandardCharsets.UTF_8), "text/csv")).isEqualTo("a,b");
    }

    @Test
    void invalidUtf8IsRefusedWithItsByteOffsetAndWithoutTheBody() {
        byte[][] bad = {
                bytes('o', 'k', 0xC3, 0x28),            // a lead byte without its continuation
                bytes(0xFF),                            // never valid
                bytes('a', 0xE2, 0x82),                 // truncated at the end
                bytes(0xC0, 0xAF),                      // overlong '/'
                bytes('x', 'y', 'z', 0xED, 0xA0, 0x80), // an encoded surrogate
                bytes(0xF4, 0x90, 0x80, 0x80)};         // above U+10FFFF
        int[] offsets = {2, 0, 1, 0, 3, 0};
        for (int i = 0; i < bad.length; i++) {
            byte[] body = bad[i];
            assertThatThrownBy(() -> InvocationInput.text(body, JSON))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessage("the request body is not valid UTF-8 (byte offset " + offsets[i] + ")");
        }
        assertThatThrownBy(() -> InvocationInput.text("é".getBytes(StandardCharsets.UTF_8), "text/plain;charset=ascii"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not valid US-ASCII (byte offset 0)");
    }

    @Test
    void textBodiesAreBoundedAndNonEmpty() {
        byte[] ten = "0123456789".getBytes(StandardCharsets.UTF_8);
        assertThat(InvocationInput.text(ten, JSON, 10)).isEqualTo("0123456789");
        assertThatThrownBy(() -> InvocationInput.text(ten, JSON, 9)).isInstanceOf(InvalidInputException.class)
                .hasMessage("the request body is 10 bytes; a text model takes at most 9");
        assertThatThrownBy(() -> InvocationInput.text(new byte[0], JSON)).isInstanceOf(InvalidInputException.class)
                .hasMessage("the request body is empty");
        assertThatThrownBy(() -> InvocationInput.text(null, JSON)).isInstanceOf(InvalidInputException.class);
        byte[] tooBig = new byte[InvocationInput.MAX_TEXT_BYTES + 1];
        java.util.Arrays.fill(tooBig, (byte) 'a');
        assertThatThrownBy(() -> InvocationInput.text(tooBig, JSON)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at most 6291456");
    }

    @Test
    void textNeedsAContentTypeInUtf8() {
        byte[] body = "hi".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> InvocationInput.text(body, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no content type");
        assertThatThrownBy(() -> InvocationInput.text(body, " ")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no content type");
        assertThatThrownBy(() -> InvocationInput.text(body, "json")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("malformed content type \"json\"");
        assertThatThrownBy(() -> InvocationInput.text(body, "text/plain; charset=ISO-8859-1"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unsupported charset");
    }
}
