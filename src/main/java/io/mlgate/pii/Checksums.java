package io.mlgate.pii;

/**
 * The checksums a custom pattern detector's match can be required to pass ({@link CustomDetectorSpec.Checksum}).
 * Each reads the match's bytes in place: characters other than the ones the checksum is defined over (spaces,
 * dashes, dots) are skipped, so {@code 4111 1111 1111 1111} and {@code 4111111111111111} are the same number.
 */
final class Checksums {

    private Checksums() {
    }

    static boolean holds(CustomDetectorSpec.Checksum checksum, byte[] data, int from, int to) {
        switch (checksum) {
            case NONE:
                return true;
            case LUHN:
                return luhn(data, from, to);
            case MOD97:
                return mod97(data, from, to);
            case MOD11:
                return mod11(data, from, to);
            default:
                throw new IllegalStateException("unknown checksum " + checksum);
        }
    }

    /** Luhn (ISO/IEC 7812) over the ASCII digits, at least 2 of them: card numbers, IMEIs, Canadian SINs. */
    static boolean luhn(byte[] data, int from, int to) {
        int sum = 0;
        int digits = 0;
        for (int i = to - 1; i >= from; i--) {
            int d = data[i] - '0';
            if (d < 0 || d > 9) {
                continue;
            }
            if ((digits & 1) == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            digits++;
        }
        return digits >= 2 && sum % 10 == 0;
    }

    /**
     * ISO 7064 MOD 97-10 as IBANs use it, over the ASCII letters and digits (at least 5): the first four move to the
     * end, letters become 10 to 35 (case-insensitive), and the number must leave remainder 1 modulo 97.
     */
    static boolean mod97(byte[] data, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (alnum(data[i])) {
                count++;
            }
        }
        if (count < 5) {
            return false;
        }
        int remainder = 0;
        int seen = 0;
        // the characters after the first four, then the first four
        for (int pass = 0; pass < 2; pass++) {
            seen = 0;
            for (int i = from; i < to; i++) {
                byte b = data[i];
                if (!alnum(b)) {
                    continue;
                }
                boolean head = seen++ < 4;
                if (head != (pass == 1)) {
                    continue;
                }
                int v = b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
                remainder = v < 10 ? (remainder * 10 + v) % 97 : (remainder * 100 + v) % 97;
            }
        }
        return remainder == 1;
    }

    /**
     * A weighted modulo-11 check: with weights 1, 2, 3, ... from the rightmost character (the check character, a
     * digit or {@code X}/{@code x} for 10), the weighted sum of the digits is divisible by 11. This is ISBN-10's
     * check and the UK NHS number's (whose check digit is never 10). At least 2 and at most 30 characters.
     */
    static boolean mod11(byte[] data, int from, int to) {
        int sum = 0;
        int weight = 0;
        for (int i = to - 1; i >= from; i--) {
            byte b = data[i];
            int v;
            if (b >= '0' && b <= '9') {
                v = b - '0';
            } else if ((b == 'X' || b == 'x') && weight == 0) {
                v = 10;
            } else if (alnum(b)) {
                return false; // a letter other than a final X
            } else {
                continue;
            }
            weight++;
            if (weight > 30) {
                return false;
            }
            sum += weight * v;
        }
        return weight >= 2 && sum % 11 == 0;
    }

    private static boolean alnum(byte b) {
        return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z';
    }
}
