package io.mlgate.runtime;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;

/**
 * Decodes an InvokeEndpoint request body into feature rows for a model with a fixed number of features.
 *
 * <p>Accepted content types (parameters such as {@code charset=utf-8} are allowed; the charset must be UTF-8 or
 * US-ASCII):
 * <ul>
 *   <li>{@code text/csv}: one row per line, comma-separated numbers, no header, LF or CRLF line ends, an optional
 *       final newline; spaces around values are ignored.</li>
 *   <li>{@code application/json}: {@code {"instances":[[...],...]}}, {@code {"instances":[{"features":[...]},...]}},
 *       {@code [[...],...]}, a single row {@code [...]}, or a single row {@code {"features":[...]}}.</li>
 * </ul>
 * Every value must be a finite number that fits a 32-bit float. Anything else is an {@link InvalidInputException}
 * whose message names what is wrong and where (1-based row and column). Messages quote at most
 * {@value #MAX_QUOTED_CHARS} characters of an offending value, never the body.
 *
 * <p>A text model ({@link InputKind#TEXT}) takes the body as it is instead ({@link #text}): any {@code type/subtype}
 * content type whose charset, if given, is UTF-8 or US-ASCII; the body must be non-empty, valid in that charset and
 * at most {@value #MAX_TEXT_BYTES} bytes.
 */
public final class InvocationInput {
    /** Default limit on rows per request. */
    public static final int MAX_ROWS = 1000;

    /**
     * The most bytes of text a text model takes in one call: SageMaker's InvokeEndpoint payload limit (6 MiB), a
     * bound of its own beside the gateway's body limit because the text is copied into a Java string and a tensor.
     */
    public static final int MAX_TEXT_BYTES = 6 * 1024 * 1024;

    static final int MAX_QUOTED_CHARS = 16;
    private static final Set<String> CHARSETS = Set.of("utf-8", "utf8", "us-ascii", "ascii");
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private InvocationInput() {
    }

    /** Parses the body with the default row limit of {@value #MAX_ROWS}. */
    public static float[][] parse(byte[] body, String contentType, int featureCount) {
        return parse(body, contentType, featureCount, MAX_ROWS);
    }

    /**
     * Parses the body into {@code rows x featureCount} floats.
     *
     * @throws InvalidInputException if the body, its content type or any value is not acceptable
     */
    public static float[][] parse(byte[] body, String contentType, int featureCount, int maxRows) {
        if (featureCount < 1 || maxRows < 1) {
            throw new IllegalArgumentException("featureCount and maxRows must be positive");
        }
        Format format = format(contentType);
        if (body == null || isBlank(body)) {
            throw new InvalidInputException("the request body is empty");
        }
        RowSink rows = new RowSink(featureCount, maxRows);
        if (format == Format.CSV) {
            parseCsv(body, rows);
        } else {
            parseJson(body, rows);
        }
        return rows.toArray();
    }

    /** {@link #text(byte[], String, int)} with the limit {@value #MAX_TEXT_BYTES}. */
    public static String text(byte[] body, String contentType) {
        return text(body, contentType, MAX_TEXT_BYTES);
    }

    /**
     * Decodes the body of a call to a text model: the whole body is one text, passed on unchanged (no trimming, a
     * byte order mark stays part of it). Messages never quote the body.
     *
     * @throws InvalidInputException if the content type is missing, malformed or declares another charset than
     *                               UTF-8 / US-ASCII, or the body is empty, longer than {@code maxBytes} or not
     *                               valid in its charset (the message names the byte offset)
     */
    public static String text(byte[] body, String contentType, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        if (contentType == null || contentType.isBlank()) {
            throw new InvalidInputException("the request has no content type; a text model takes a type/subtype "
                    + "such as text/plain or application/json, in UTF-8");
        }
        MediaType type = MediaType.parse(contentType);
        if (type == null) {
            throw new InvalidInputException("malformed content type " + quote(contentType, 64)
                    + "; expected type/subtype");
        }
        String charsetName = type.parameters().get("charset");
        Charset charset = StandardCharsets.UTF_8;
        if (charsetName != null) {
            String lower = charsetName.toLowerCase(Locale.ROOT);
            if (!CHARSETS.contains(lower)) {
                throw new InvalidInputException("unsupported charset " + quote(charsetName, 32) + "; use UTF-8");
            }
            if (lower.contains("ascii")) {
                charset = StandardCharsets.US_ASCII;
            }
        }
        if (body == null || body.length == 0) {
            throw new InvalidInputException("the request body is empty");
        }
        if (body.length > maxBytes) {
            throw new InvalidInputException("the request body is " + body.length
                    + " bytes; a text model takes at most " + maxBytes);
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new InvalidInputException("the request body is not valid " + charset.name() + " (byte offset "
                    + in.position() + ")");
        }
        return out.flip().toString();
    }

    private enum Format { CSV, JSON }

    private static Format format(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw new InvalidInputException("the request has no content type; use text/csv or application/json");
        }
        MediaType type = MediaType.parse(contentType);
        Format format = null;
        if (type != null && type.is("text", "csv")) {
            format = Format.CSV;
            if ("present".equalsIgnoreCase(type.parameters().get("header"))) {
                throw new InvalidInputException("text/csv with a header row is not supported; send data rows only");
            }
        } else if (type != null && type.is("application", "json")) {
            format = Format.JSON;
        }
        if (format == null) {
            throw new InvalidInputException("unsupported content type " + quote(contentType, 64)
                    + "; use text/csv or application/json");
        }
        String charset = type.parameters().get("charset");
        if (charset != null && !CHARSETS.contains(charset.toLowerCase(Locale.ROOT))) {
            throw new InvalidInputException("unsupported charset " + quote(charset, 32) + "; use UTF-8");
        }
        return format;
    }

    // ---------------------------------------------------------------- CSV

    private static void parseCsv(byte[] body, RowSink rows) {
        int start = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            start = 3;
        }
        int end = body.length;
        while (end > start && (body[end - 1] == '\n' || body[end - 1] == '\r')) {
            end--;
        }
        int lineStart = start;
        while (lineStart <= end) {
            int lineEnd = lineStart;
            while (lineEnd < end && body[lineEnd] != '\n') {
                lineEnd++;
            }
            int contentEnd = lineEnd;
            if (contentEnd > lineStart && body[contentEnd - 1] == '\r') {
                contentEnd--;
            }
            parseCsvLine(body, lineStart, contentEnd, rows);
            lineStart = lineEnd + 1;
        }
    }

    private static void parseCsvLine(byte[] body, int from, int to, RowSink rows) {
        int row = rows.beginRow();
        int fieldStart = from;
        int column = 0;
        boolean blankLine = true;
        for (int i = from; i < to; i++) {
            if (!isSpace(body[i])) {
                blankLine = false;
                break;
            }
        }
        if (blankLine) {
            throw new InvalidInputException("row " + row + " is empty");
        }
        for (int i = from; i <= to; i++) {
            if (i == to || body[i] == ',') {
                column++;
                rows.add(parseCsvNumber(body, fieldStart, i, row, column));
                fieldStart = i + 1;
            }
        }
        rows.endRow();
    }

    private static float parseCsvNumber(byte[] body, int from, int to, int row, int column) {
        while (from < to && isSpace(body[from])) {
            from++;
        }
        while (to > from && isSpace(body[to - 1])) {
            to--;
        }
        if (from == to) {
            throw new InvalidInputException("row " + row + " column " + column + " is empty");
        }
        int len = to - from;
        if (!isDecimalNumber(body, from, to)) {
            String text = new String(body, from, Math.min(len, MAX_QUOTED_CHARS + 1),
                    StandardCharsets.ISO_8859_1);
            String word = text.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
            if (word.equals("nan") || word.startsWith("inf")) {
                throw new InvalidInputException(nonFinite(row, column));
            }
            throw new InvalidInputException("value " + quote(text, MAX_QUOTED_CHARS) + " in row " + row
                    + " column " + column + " is not a number");
        }
        double value = Double.parseDouble(new String(body, from, len, StandardCharsets.ISO_8859_1));
        return toFloat(value, row, column);
    }

    /** Strict decimal grammar: [+-] (digits [. digits*] | . digits) [(e|E) [+-] digits]. */
    private static boolean isDecimalNumber(byte[] b, int from, int to) {
        int i = from;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            i++;
        }
        int intDigits = 0;
        while (i < to && isDigit(b[i])) {
            i++;
            intDigits++;
        }
        int fracDigits = 0;
        if (i < to && b[i] == '.') {
            i++;
            while (i < to && isDigit(b[i])) {
                i++;
                fracDigits++;
            }
        }
        if (intDigits + fracDigits == 0) {
            return false;
        }
        if (i < to && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < to && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < to && isDigit(b[i])) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == to;
    }

    // ---------------------------------------------------------------- JSON

    private static void parseJson(byte[] body, RowSink rows) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), body)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                parseTopObject(p, rows);
            } else if (t == JsonToken.START_ARRAY) {
                parseTopArray(p, rows);
            } else {
                throw new InvalidInputException("JSON body must be an object with \"instances\" or \"features\", "
                        + "or an array of rows");
            }
            if (p.nextToken() != null) {
                throw new InvalidInputException("unexpected content after the JSON value" + at(p));
            }
        } catch (JacksonException e) {
            TokenStreamLocation loc = e.getLocation();
            throw new InvalidInputException("the body is not valid JSON"
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
        }
    }

    private static void parseTopObject(JsonParser p, RowSink rows) {
        boolean seen = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            if (seen) {
                throw new InvalidInputException("unexpected field " + quote(field, 32)
                        + "; the body must hold only \"instances\" or only \"features\"");
            }
            seen = true;
            JsonToken value = p.nextToken();
            if ("instances".equals(field)) {
                if (value != JsonToken.START_ARRAY) {
                    throw new InvalidInputException("\"instances\" must be an array of rows");
                }
                parseRows(p, rows);
            } else if ("features".equals(field)) {
                if (value != JsonToken.START_ARRAY) {
                    throw new InvalidInputException("\"features\" must be an array of numbers");
                }
                parseRowValues(p, rows);
            } else {
                throw new InvalidInputException("unexpected field " + quote(field, 32)
                        + "; expected \"instances\" or \"features\"");
            }
        }
        if (!seen) {
            throw new InvalidInputException("the JSON object has no \"instances\" or \"features\"");
        }
    }

    /** A top-level array: either one row of numbers or an array of rows; the first element decides. */
    private static void parseTopArray(JsonParser p, RowSink rows) {
        JsonToken first = p.nextToken();
        if (first == JsonToken.END_ARRAY) {
            throw new InvalidInputException("the request contains no rows");
        }
        if (first == JsonToken.START_ARRAY || first == JsonToken.START_OBJECT) {
            parseRowsFrom(p, first, rows);
        } else {
            rows.beginRow();
            parseValuesFrom(p, first, rows);
        }
    }

    /** Parser is just past START_ARRAY of a list of rows. */
    private static void parseRows(JsonParser p, RowSink rows) {
        JsonToken first = p.nextToken();
        if (first == JsonToken.END_ARRAY) {
            throw new InvalidInputException("the request contains no rows");
        }
        parseRowsFrom(p, first, rows);
    }

    private static void parseRowsFrom(JsonParser p, JsonToken first, RowSink rows) {
        for (JsonToken t = first; t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.START_ARRAY) {
                parseRowValues(p, rows);
            } else if (t == JsonToken.START_OBJECT) {
                parseFeatureObject(p, rows);
            } else {
                throw new InvalidInputException("row " + (rows.rowCount() + 1)
                        + " must be an array of numbers or an object with \"features\"");
            }
        }
    }

    /** Parser is just past START_OBJECT of a {"features":[...]} row. */
    private static void parseFeatureObject(JsonParser p, RowSink rows) {
        int row = rows.rowCount() + 1;
        boolean seen = false;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String field = p.currentName();
            if (!"features".equals(field) || seen) {
                throw new InvalidInputException("unexpected field " + quote(field, 32) + " in row " + row
                        + "; a row object holds only \"features\"");
            }
            seen = true;
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new InvalidInputException("\"features\" in row " + row + " must be an array of numbers");
            }
            parseRowValues(p, rows);
        }
        if (!seen) {
            throw new InvalidInputException("row " + row + " has no \"features\"");
        }
    }

    /** Parser is just past START_ARRAY of one row of numbers. */
    private static void parseRowValues(JsonParser p, RowSink rows) {
        rows.beginRow();
        parseValuesFrom(p, p.nextToken(), rows);
    }

    private static void parseValuesFrom(JsonParser p, JsonToken first, RowSink rows) {
        int row = rows.rowCount();
        int column = 0;
        for (JsonToken t = first; t != JsonToken.END_ARRAY; t = p.nextToken()) {
            column++;
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                if (p.isNaN()) {
                    throw new InvalidInputException(nonFinite(row, column));
                }
                rows.add(toFloat(p.getDoubleValue(), row, column));
            } else {
                throw new InvalidInputException("value " + describe(p, t) + " in row " + row + " column " + column
                        + " is not a number");
            }
        }
        rows.endRow();
    }

    private static String describe(JsonParser p, JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "[...]";
            case START_OBJECT -> "{...}";
            case VALUE_STRING -> quote(p.getString(), MAX_QUOTED_CHARS);
            default -> p.getText();
        };
    }

    private static String at(JsonParser p) {
        TokenStreamLocation loc = p.currentLocation();
        return " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    // ---------------------------------------------------------------- shared

    private static float toFloat(double value, int row, int column) {
        if (!Double.isFinite(value)) {
            throw new InvalidInputException(nonFinite(row, column));
        }
        float f = (float) value;
        if (!Float.isFinite(f)) {
            throw new InvalidInputException("value in row " + row + " column " + column
                    + " is out of range for a 32-bit float");
        }
        return f;
    }

    private static String nonFinite(int row, int column) {
        return "NaN and Infinity are not allowed (row " + row + " column " + column + ")";
    }

    /** Quotes at most {@code max} characters, replacing control and non-ASCII characters with '?'. */
    static String quote(String s, int max) {
        StringBuilder out = new StringBuilder("\"");
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        if (s.length() > max) {
            out.append("...");
        }
        return out.append('"').toString();
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (!isSpace(b) && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Collects rows, enforcing the row limit and the per-row value count. */
    private static final class RowSink {
        private final int featureCount;
        private final int maxRows;
        private final List<float[]> rows = new ArrayList<>();
        private float[] current;
        private int count;

        RowSink(int featureCount, int maxRows) {
            this.featureCount = featureCount;
            this.maxRows = maxRows;
        }

        /** Starts a row and returns its 1-based number. */
        int beginRow() {
            if (rows.size() == maxRows) {
                throw new InvalidInputException("too many rows: at most " + maxRows + " per request");
            }
            current = new float[featureCount];
            count = 0;
            return rows.size() + 1;
        }

        int rowCount() {
            return rows.size() + (current == null ? 0 : 1);
        }

        void add(float value) {
            if (count < featureCount) {
                current[count] = value;
            }
            count++;
        }

        void endRow() {
            if (count != featureCount) {
                throw new InvalidInputException("row " + (rows.size() + 1) + " has " + count
                        + (count == 1 ? " value" : " values") + " but the model expects " + featureCount);
            }
            rows.add(current);
            current = null;
        }

        float[][] toArray() {
            if (rows.isEmpty()) {
                throw new InvalidInputException("the request contains no rows");
            }
            return rows.toArray(new float[0][]);
        }
    }
}
