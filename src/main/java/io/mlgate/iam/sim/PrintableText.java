package io.mlgate.iam.sim;

/** Shortens a caller-supplied value to printable ASCII for an error message (never whole policy texts). */
final class PrintableText {

    private PrintableText() {
    }

    static String of(String value) {
        return of(value, 80);
    }

    static String of(String value, int max) {
        String cut = value.length() > max ? value.substring(0, max) + "..." : value;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
