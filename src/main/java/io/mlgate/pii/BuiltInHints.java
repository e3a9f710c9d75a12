package io.mlgate.pii;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the name of the field a region belongs to (a JSON member name, a CSV column header) says about its content,
 * and the context words the built-in detectors look for just before a candidate.
 *
 * <p>A field hint is a bit set over the built-in type indexes of {@link BuiltInPass}. The field name is compared
 * case- and separator-insensitively ({@code date_of_birth}, {@code dateOfBirth} and {@code DATE-OF-BIRTH} are the same
 * name): short hints ({@code ip}, {@code tel}, {@code cc}, {@code dob}, {@code ssn}, ...) must be a whole word of the
 * name (camel case and separators split words), longer ones ({@code email}, {@code phone}, {@code birth}, ...) may be
 * anywhere in it. Results are cached per name (up to 4096 names), so a hint costs a map lookup per region, and is
 * only computed when a region has a candidate.
 */
final class BuiltInHints {

    private BuiltInHints() {
    }

    private static final int CACHE_LIMIT = 4096;
    private static final ConcurrentHashMap<String, Integer> CACHE = new ConcurrentHashMap<>();

    /** Per type index: hints matched as whole words of the name. */
    private static final String[][] WORDS = new String[BuiltInPass.TYPE_COUNT][];
    /** Per type index: hints matched anywhere in the normalised name. */
    private static final String[][] PARTS = new String[BuiltInPass.TYPE_COUNT][];

    static {
        hint(BuiltInPass.EMAIL, new String[] {"mail"}, new String[] {"email", "mailaddress", "mailto"});
        hint(BuiltInPass.PHONE, new String[] {"tel", "fax", "mob", "cell", "mobile", "msisdn", "contactnumber"},
                new String[] {"phone", "telephone", "telefon", "mobilenumber", "cellnumber", "faxnumber"});
        hint(BuiltInPass.CARD, new String[] {"cc", "pan", "card", "ccn", "ccnum", "ccnumber"},
                new String[] {"cardnumber", "cardno", "creditcard", "debitcard", "paymentcard", "cardnum"});
        hint(BuiltInPass.SSN, new String[] {"ssn"}, new String[] {"socialsecurity", "ssnumber"});
        hint(BuiltInPass.ITIN, new String[] {"itin", "tin"}, new String[] {"taxpayer", "taxid", "taxnumber"});
        hint(BuiltInPass.IBAN, new String[] {"iban"}, new String[] {"iban", "bankaccount", "accountiban"});
        hint(BuiltInPass.IP, new String[] {"ip", "ipv4", "ipv6"},
                new String[] {"ipaddress", "ipaddr", "clientip", "sourceip", "remoteip", "remoteaddr", "hostip"});
        hint(BuiltInPass.DOB, new String[] {"dob", "born"},
                new String[] {"birth", "geburt", "naissance", "nacimiento"});
        hint(BuiltInPass.ACCESS_KEY, new String[] {"akid"}, new String[] {"accesskey", "keyid"});
        hint(BuiltInPass.SECRET_KEY, new String[] {}, new String[] {"secret"});
        hint(BuiltInPass.JWT, new String[] {"jwt", "bearer"},
                new String[] {"token", "jwt", "authorization", "bearer"});
        hint(BuiltInPass.PRIVATE_KEY, new String[] {"pem"}, new String[] {"privatekey", "pem"});
    }

    private static void hint(int type, String[] words, String[] parts) {
        WORDS[type] = words;
        PARTS[type] = parts;
    }

    /** The hint bits of {@code field} ({@code 0} for none or {@code null}). */
    static int of(String field) {
        if (field == null || field.isEmpty()) {
            return 0;
        }
        Integer cached = CACHE.get(field);
        if (cached != null) {
            return cached;
        }
        int bits = compute(field);
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.put(field, bits);
        }
        return bits;
    }

    static int compute(String field) {
        List<String> words = new ArrayList<>();
        StringBuilder normal = new StringBuilder(field.length());
        StringBuilder word = new StringBuilder();
        char prev = 0;
        for (int i = 0; i < field.length() && i < 128; i++) {
            char c = field.charAt(i);
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!letterOrDigit) {
                flush(word, words);
                prev = c;
                continue;
            }
            boolean upper = c >= 'A' && c <= 'Z';
            if (upper && prev >= 'a' && prev <= 'z') {
                flush(word, words);
            }
            char lower = Character.toLowerCase(c);
            word.append(lower);
            normal.append(lower);
            prev = c;
        }
        flush(word, words);
        String n = normal.toString();
        int bits = 0;
        for (int t = 0; t < BuiltInPass.TYPE_COUNT; t++) {
            boolean hit = false;
            for (String w : WORDS[t]) {
                if (words.contains(w) || n.equals(w)) {
                    hit = true;
                    break;
                }
            }
            if (!hit) {
                for (String p : PARTS[t]) {
                    if (n.contains(p)) {
                        hit = true;
                        break;
                    }
                }
            }
            if (hit) {
                bits |= 1 << t;
            }
        }
        return bits;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Context words

    /**
     * A set of context words searched for in a bounded window before a candidate, case-insensitively (ASCII letters;
     * other bytes compare exactly, so UTF-8 words such as "né" work). A word marked {@code <} must start a word
     * (the byte before it is not a letter or digit), one marked {@code >} must end one.
     */
    static final class Context {
        private final byte[][] words;
        private final boolean[] start;
        private final boolean[] end;
        private final int window;
        /** Per (lower-case) first byte: the words starting with it. */
        private final int[][] byFirst = new int[256][];

        Context(int window, String... specs) {
            this.window = window;
            words = new byte[specs.length][];
            start = new boolean[specs.length];
            end = new boolean[specs.length];
            for (int i = 0; i < specs.length; i++) {
                String s = specs[i];
                if (s.startsWith("<")) {
                    start[i] = true;
                    s = s.substring(1);
                }
                if (s.endsWith(">")) {
                    end[i] = true;
                    s = s.substring(0, s.length() - 1);
                }
                words[i] = s.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
                int first = words[i][0] & 0xff;
                int[] list = byFirst[first] == null ? new int[0] : byFirst[first];
                list = java.util.Arrays.copyOf(list, list.length + 1);
                list[list.length - 1] = i;
                byFirst[first] = list;
            }
        }

        /** Whether one of the words occurs within {@code window} bytes before {@code pos} (and after {@code lo}). */
        boolean before(byte[] data, int lo, int pos) {
            int from = Math.max(lo, pos - window);
            for (int p = from; p < pos; p++) {
                int[] candidates = byFirst[lower(data[p]) & 0xff];
                if (candidates == null) {
                    continue;
                }
                for (int w : candidates) {
                    byte[] word = words[w];
                    if (p + word.length > pos || !matchAt(data, p, word)) {
                        continue;
                    }
                    if (start[w] && p > lo && alnum(data[p - 1])) {
                        continue;
                    }
                    int after = p + word.length;
                    if (end[w] && after < pos && alnum(data[after])) {
                        continue;
                    }
                    return true;
                }
            }
            return false;
        }

        private static boolean matchAt(byte[] data, int p, byte[] word) {
            for (int i = 1; i < word.length; i++) {
                if (lower(data[p + i]) != word[i]) {
                    return false;
                }
            }
            return true;
        }

        private static int lower(byte b) {
            return b >= 'A' && b <= 'Z' ? b | 0x20 : b;
        }

        private static boolean alnum(byte b) {
            return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
        }
    }

    /** Date-of-birth context: "born", "DOB", "date of birth", "birth date", "birthday", "geb.", "né(e)", ... */
    static final Context DOB = new Context(40, "<born", "<dob>", "<d.o.b", "birth", "<geb.", "<geboren",
            "<né", "<nee>", "<naissance", "<nacimiento");
    /** SSN context: "SSN", "social security", "soc. sec.", "SS#". */
    static final Context SSN = new Context(40, "<ssn", "social security", "<soc sec", "<soc. sec", "<ss#",
            "<ss no");
    /** ITIN context: "ITIN", "taxpayer", "tax id", "TIN". */
    static final Context ITIN = new Context(40, "<itin>", "taxpayer", "<tax id", "<tin>", "<tax no");
    /** Phone context: "phone", "tel", "mobile", "cell", "fax", "call", "SMS", "WhatsApp". */
    static final Context PHONE = new Context(32, "phone", "<tel>", "<mobile", "<mob>", "<cell>", "<fax>",
            "<call", "<sms>", "<whatsapp", "<contact", "<ph>", "<dial");
    /** Negative phone context: a ZIP+4 code (02134-1234) is written like a German number. */
    static final Context POSTAL = new Context(16, "<zip", "postal", "postcode", "<plz>");
    /** Secret context: "secret" (aws_secret_access_key, SecretAccessKey, client_secret, ...). */
    static final Context SECRET = new Context(48, "secret");
    /** Version context: a dotted quad after "version" or "release" is a version, not an address. */
    static final Context VERSION = new Context(16, "<version", "<release", "<firmware", "<build>", "<ver>");
}
