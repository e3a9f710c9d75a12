package io.mlgate.pii;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A labelled corpus of synthetic records, generated from a seed: for every built-in type, records that contain
 * values of the type (positives, with their exact byte spans) in varied formats, positions and surrounding text, and
 * records that contain look-alikes which fail the type's checksum or validity rules (hard negatives, labelled with
 * the kind of decoy). Records may mix several values and decoys, carry UTF-8 text, and may be scoped to a field
 * (a JSON member or CSV column name), as the scanner calls the detectors.
 *
 * <p>The generator builds values from the rules of each identifier (issuer prefixes and Luhn, the IBAN registry and
 * mod-97, SSA and IRS ranges, numbering plans), independently of the detectors; for phone numbers it uses
 * libphonenumber's {@code parse} + {@code isValidNumber} as the oracle of what a valid number is, and the detectors
 * must then find them in text (they use their own, different code path).
 */
final class PiiCorpus {

    /** A labelled span: byte offsets into the record's UTF-8 text. */
    record Span(PiiType type, int start, int end) {
    }

    /** A decoy: a look-alike that is not PII; {@code kind} names what it imitates and why it fails. */
    record Decoy(String kind, int start, int end) {
    }

    record Record(String text, String field, List<Span> spans, List<Decoy> decoys) {
        byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    private final Random random;

    PiiCorpus(long seed) {
        random = new Random(seed);
    }

    /** {@code positives} positive records and {@code negatives} decoy records per built-in type. */
    List<Record> generate(int positives, int negatives) {
        List<Record> records = new ArrayList<>();
        for (PiiType type : PiiType.BUILT_IN) {
            for (int i = 0; i < positives; i++) {
                records.add(positive(type));
            }
            for (int i = 0; i < negatives; i++) {
                records.add(negative(type));
            }
        }
        // Lines that mix several types, as log lines and free-text notes do.
        for (int i = 0; i < positives / 4; i++) {
            Builder b = new Builder(null);
            int count = 2 + random.nextInt(3);
            for (int k = 0; k < count; k++) {
                PiiType t = PiiType.BUILT_IN.get(random.nextInt(PiiType.BUILT_IN.size()));
                if (t == PiiType.PRIVATE_KEY) {
                    continue;
                }
                b.text(k == 0 ? pick(OPENERS) : pick(JOINERS));
                value(b, t);
                if (random.nextInt(3) == 0) {
                    b.text(pick(JOINERS));
                    decoy(b, PiiType.BUILT_IN.get(random.nextInt(PiiType.BUILT_IN.size())));
                    b.text(" ").text(pick(LETTER_WORDS));
                }
            }
            b.text(pick(CLOSERS));
            records.add(b.build());
        }
        return records;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Record assembly

    final class Builder {
        private final StringBuilder text = new StringBuilder();
        private int bytes;
        private final String field;
        private final List<Span> spans = new ArrayList<>();
        private final List<Decoy> decoys = new ArrayList<>();

        Builder(String field) {
            this.field = field;
        }

        Builder text(String s) {
            text.append(s);
            bytes += s.getBytes(StandardCharsets.UTF_8).length;
            return this;
        }

        Builder pii(PiiType type, String value) {
            int start = bytes;
            text(value);
            spans.add(new Span(type, start, bytes));
            return this;
        }

        Builder decoy(String kind, String value) {
            int start = bytes;
            text(value);
            decoys.add(new Decoy(kind, start, bytes));
            return this;
        }

        Record build() {
            return new Record(text.toString(), field, List.copyOf(spans), List.copyOf(decoys));
        }
    }

    private static final String[] WORDS = {"the", "order", "was", "shipped", "to", "customer", "account", "team",
        "please", "update", "record", "review", "note", "ticket", "request", "status", "pending", "approved",
        "support", "invoice", "Monday", "quarter", "report", "meeting", "office", "Grüße", "naïve", "café",
        "東京", "über", "résumé", "item", "batch", "queue", "service", "endpoint", "model", "input", "reply",
        "thanks", "regards", "issue", "fixed", "merged", "deploy", "region", "cluster", "3", "12", "2024", "42"};
    private static final String[] LETTER_WORDS = {"then", "and", "was", "noted", "ok", "seen", "logged",
        "flagged", "per", "via"};
    private static final String[] OPENERS = {"", "Note: ", "Customer record - ", "[INFO] ", "Re: ", "Hi team, ",
        "2024-06-01 12:00:01 WARN ", "· ", "Ticket 42: ", "» ", "Update: "};
    private static final String[] JOINERS = {" and ", "; ", ", ", " | ", " / ", "\t", " — ", " then ", "\n",
        " also ", " (see above) ", " · "};
    private static final String[] CLOSERS = {"", ".", " thanks", " — please review.", "\n", " [end]", "!", " ok",
        " Grüße", " 谢谢"};

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private String filler(int words) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(pick(WORDS));
        }
        return s.toString();
    }

    private Record positive(PiiType type) {
        String field = fieldFor(type);
        Builder b = new Builder(field);
        if (field != null) {
            value(b, type); // a JSON value or CSV cell holding just the value
            return b.build();
        }
        if (type == PiiType.PRIVATE_KEY) {
            b.text(pick(OPENERS)).text(filler(random.nextInt(4)));
            b.text(random.nextBoolean() ? " " : "\n");
            value(b, type);
            return b.build();
        }
        b.text(pick(OPENERS));
        if (random.nextInt(3) > 0) {
            b.text(filler(1 + random.nextInt(6))).text(" ");
        }
        value(b, type);
        if (random.nextInt(5) == 0) {
            b.text(pick(JOINERS));
            decoy(b, PiiType.BUILT_IN.get(random.nextInt(PiiType.BUILT_IN.size())));
            b.text(" ").text(pick(LETTER_WORDS));
        }
        if (random.nextBoolean()) {
            b.text(" ").text(filler(1 + random.nextInt(5)));
        }
        b.text(pick(CLOSERS));
        return b.build();
    }

    private Record negative(PiiType type) {
        Builder b = new Builder(random.nextInt(6) == 0 ? pick(NEUTRAL_FIELDS) : null);
        b.text(pick(OPENERS));
        if (random.nextBoolean()) {
            b.text(filler(1 + random.nextInt(5))).text(" ");
        }
        decoy(b, type);
        if (random.nextInt(4) == 0) {
            b.text(pick(JOINERS));
            decoy(b, type);
        }
        if (random.nextBoolean()) {
            // a word first: a number right after a decoy could complete it into a real value ("+44 20 7755" 2024)
            b.text(" ").text(pick(LETTER_WORDS)).text(" ").text(filler(random.nextInt(4)));
        }
        b.text(pick(CLOSERS));
        return b.build();
    }

    private static final String[] NEUTRAL_FIELDS = {"comment", "notes", "description", "order_id", "reference",
        "message", "body", "text"};

    /** A field name for a field-scoped positive, or null for free text. */
    private String fieldFor(PiiType type) {
        if (random.nextInt(4) != 0) {
            return null;
        }
        String[] names = switch (type.name()) {
            case "EMAIL" -> new String[] {"email", "contactEmail", "e_mail", "user.email"};
            case "PHONE_NUMBER" -> new String[] {"phone", "mobile", "tel", "phoneNumber", "contact_phone"};
            case "CREDIT_CARD" -> new String[] {"card_number", "cc_number", "pan", "creditCard"};
            case "US_SSN" -> new String[] {"ssn", "social_security_number", "SSN"};
            case "US_ITIN" -> new String[] {"itin", "taxpayer_id", "tin"};
            case "IBAN" -> new String[] {"iban", "bank_account_iban", "IBAN"};
            case "IP_ADDRESS" -> new String[] {"ip", "client_ip", "sourceIp", "ip_address"};
            case "DATE_OF_BIRTH" -> new String[] {"dob", "date_of_birth", "birthDate", "birthdate"};
            case "AWS_ACCESS_KEY" -> new String[] {"aws_access_key_id", "AccessKeyId", "access_key"};
            case "AWS_SECRET_KEY" -> new String[] {"aws_secret_access_key", "SecretAccessKey", "secret"};
            case "JWT" -> new String[] {"token", "id_token", "access_token", "authorization"};
            default -> new String[] {"private_key", "privateKey", "pem"};
        };
        return pick(names);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Positive values in context

    /** Appends a value of {@code type} with a context that introduces it (the span is the value alone). */
    void value(Builder b, PiiType type) {
        boolean scoped = b.field != null && b.text.length() == 0;
        switch (type.name()) {
            case "EMAIL" -> wrap(b, type, email(), scoped, "Contact: ", "email ", "<", "mailto:", "\"email\": \"",
                    "sent by ", "cc ", "reply-to=", "(", "from ");
            case "PHONE_NUMBER" -> phoneInContext(b, scoped);
            case "CREDIT_CARD" -> wrap(b, type, card(), scoped, "card ", "paid with ", "CC: ", "\"pan\":\"",
                    "Visa/MC ", "card number ", "(", "charged to ", "");
            case "US_SSN" -> ssnInContext(b, scoped);
            case "US_ITIN" -> itinInContext(b, scoped);
            case "IBAN" -> wrap(b, type, iban(), scoped, "IBAN ", "transfer to ", "account: ", "IBAN: ", "(",
                    "pay into ", "\"iban\":\"", "");
            case "IP_ADDRESS" -> ipInContext(b, scoped);
            case "DATE_OF_BIRTH" -> dobInContext(b, scoped);
            case "AWS_ACCESS_KEY" -> wrap(b, type, accessKey(), scoped, "aws_access_key_id = ", "AccessKeyId: ",
                    "export AWS_ACCESS_KEY_ID=", "key ", "\"AccessKeyId\":\"", "credentials ", "id=", "");
            case "AWS_SECRET_KEY" -> secretInContext(b, scoped);
            case "JWT" -> wrap(b, type, jwt(), scoped, "Authorization: Bearer ", "token=", "\"id_token\": \"",
                    "jwt ", "session ", "Bearer ", "cookie: auth=", "");
            default -> privateKeyInContext(b, scoped);
        }
    }

    private void wrap(Builder b, PiiType type, String value, boolean scoped, String... prefixes) {
        if (scoped) {
            b.pii(type, value);
            return;
        }
        String prefix = prefixes[random.nextInt(prefixes.length)];
        b.text(prefix).pii(type, value);
        if (prefix.endsWith("\"")) {
            b.text("\"");
        } else if (prefix.equals("<")) {
            b.text(">");
        } else if (prefix.equals("(")) {
            b.text(")");
        } else {
            b.text(pick(new String[] {"", ",", ".", ";", " ", ")"}));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // EMAIL

    private static final String[] FIRST = {"john", "jane", "maria", "li", "ahmed", "olga", "pierre", "sven", "ana",
        "kim", "raj", "chloe", "noah", "zoe", "lucas", "mia"};
    private static final String[] LAST = {"doe", "smith", "garcia", "wang", "khan", "ivanova", "martin", "berg",
        "silva", "lee", "patel", "dubois", "miller", "nguyen", "rossi", "schmidt"};
    private static final String[] DOMAINS = {"example.com", "example.org", "mail.example.co.uk", "corp.example.de",
        "uni-example.edu", "example.io", "sub.domain.example.net", "xn--bcher-kva.example", "example.museum",
        "post.example.fr", "example.travel", "x.example.com.au"};

    String email() {
        String f = pick(FIRST);
        String l = pick(LAST);
        String local = switch (random.nextInt(9)) {
            case 0 -> f + "." + l;
            case 1 -> f + l;
            case 2 -> f.charAt(0) + "." + l;
            case 3 -> f + "_" + l;
            case 4 -> f + "-" + l;
            case 5 -> f + "+" + pick(new String[] {"news", "work", "x1"});
            case 6 -> f + (10 + random.nextInt(990));
            case 7 -> ("" + f.charAt(0) + l.charAt(0)).toUpperCase(Locale.ROOT) + random.nextInt(100);
            default -> f + "." + l + "%" + "dept";
        };
        String email = local + "@" + pick(DOMAINS);
        return random.nextInt(8) == 0 ? email.toUpperCase(Locale.ROOT) : email;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // PHONE_NUMBER

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private static boolean validPhone(String international) {
        try {
            com.google.i18n.phonenumbers.Phonenumber.PhoneNumber n = PHONES.parse(international, "ZZ");
            if (international.startsWith("+91") && PHONES.getNumberType(n) != PhoneNumberUtil.PhoneNumberType.MOBILE) {
                return false; // Indian numbers are generated in the mobile formats
            }
            return PHONES.isValidNumber(n);
        } catch (NumberParseException e) {
            return false;
        }
    }

    private String digitsOf(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    /** A formatted phone number valid per libphonenumber, and whether its format is bare digits. */
    record Phone(String text, boolean bare) {
    }

    Phone phone() {
        for (int attempt = 0; ; attempt++) {
            Phone p = phoneCandidate();
            String digits = p.text.replaceAll("[^0-9+]", "");
            String international = international(p.text, digits);
            if (international != null && validPhone(international)) {
                return p;
            }
            if (attempt > 200) {
                throw new IllegalStateException("phone generator produces no valid numbers: " + p.text);
            }
        }
    }

    /** The E.164 form of a generated number (the generator knows its region from the format). */
    private String international(String text, String digits) {
        if (digits.startsWith("+")) {
            return digits.replace("(0)", "");
        }
        if (digits.startsWith("00")) {
            return "+" + digits.substring(2);
        }
        if (digits.startsWith("011")) {
            return "+" + digits.substring(3);
        }
        return pendingNational;
    }

    private String pendingNational;

    private static final String[] US_AREAS = {"201", "202", "212", "213", "305", "312", "415", "503", "512", "617",
        "646", "702", "713", "206", "303", "404", "510", "619", "718", "917", "808", "907"};
    private static final String[] CA_AREAS = {"416", "604", "514", "613", "403", "780", "902"};

    private Phone phoneCandidate() {
        int region = random.nextInt(10);
        switch (region) {
            case 0, 1 -> { // US / CA
                String area = random.nextInt(4) == 0 ? pick(CA_AREAS) : pick(US_AREAS);
                String ex = (2 + random.nextInt(8)) + digitsOf(2);
                String line = digitsOf(4);
                pendingNational = "+1" + area + ex + line;
                return switch (random.nextInt(9)) {
                    case 0 -> new Phone("(" + area + ") " + ex + "-" + line, false);
                    case 1 -> new Phone(area + "-" + ex + "-" + line, false);
                    case 2 -> new Phone(area + "." + ex + "." + line, false);
                    case 3 -> new Phone(area + " " + ex + " " + line, false);
                    case 4 -> new Phone("+1 " + area + " " + ex + " " + line, false);
                    case 5 -> new Phone("+1-" + area + "-" + ex + "-" + line, false);
                    case 6 -> new Phone("+1 (" + area + ") " + ex + "-" + line, false);
                    case 7 -> new Phone("1-" + area + "-" + ex + "-" + line, false);
                    default -> new Phone("+1" + area + ex + line, true);
                };
            }
            case 2, 3 -> { // GB
                boolean mobile = random.nextBoolean();
                String nsn = mobile ? "7" + pick(new String[] {"400", "700", "800", "900", "911", "587", "432"})
                        + digitsOf(6) : pick(new String[] {"20", "161", "131", "117", "113"}) + "";
                if (!mobile) {
                    nsn = nsn.equals("20") ? "20" + (3 + random.nextInt(6)) + digitsOf(7)
                            : nsn + (2 + random.nextInt(7)) + digitsOf(6);
                }
                pendingNational = "+44" + nsn;
                String a = mobile ? nsn.substring(0, 4) : nsn.startsWith("20") ? "20" : nsn.substring(0, 3);
                String rest = nsn.substring(a.length());
                String grouped = mobile ? rest : rest.length() == 8 ? rest.substring(0, 4) + " " + rest.substring(4)
                        : rest.substring(0, 3) + " " + rest.substring(3);
                return switch (random.nextInt(6)) {
                    case 0, 1 -> new Phone("0" + a + " " + grouped, false);
                    case 2 -> new Phone("+44 " + a + " " + grouped, false);
                    case 3 -> new Phone("+44 (0)" + a + " " + grouped, false);
                    case 4 -> new Phone("0044 " + a + " " + grouped, false);
                    default -> new Phone("+44" + nsn, true);
                };
            }
            case 4, 5 -> { // DE
                boolean mobile = random.nextBoolean();
                String area = mobile ? pick(new String[] {"151", "160", "170", "171", "176"})
                        : pick(new String[] {"30", "89", "40", "221", "69"});
                String sub = mobile ? digitsOf(8) : (2 + random.nextInt(7)) + digitsOf(area.length() == 2 ? 7 : 6);
                pendingNational = "+49" + area + sub;
                return switch (random.nextInt(6)) {
                    case 0, 1 -> new Phone("0" + area + " " + sub, false);
                    case 2 -> new Phone("+49 " + area + " " + sub, false);
                    case 3 -> new Phone("0" + area + "/" + sub, false);
                    case 4 -> new Phone("(0" + area + ") " + sub, false);
                    default -> new Phone("+49 (0)" + area + " " + sub, false);
                };
            }
            case 6 -> { // FR
                String first = pick(new String[] {"1", "2", "3", "4", "5", "6", "7", "9"});
                String rest = digitsOf(8);
                pendingNational = "+33" + first + rest;
                String spaced = rest.substring(0, 2) + " " + rest.substring(2, 4) + " " + rest.substring(4, 6) + " "
                        + rest.substring(6);
                return switch (random.nextInt(4)) {
                    case 0 -> new Phone("0" + first + " " + spaced, false);
                    case 1 -> new Phone("+33 " + first + " " + spaced, false);
                    case 2 -> new Phone(("0" + first + " " + spaced).replace(' ', '.'), false);
                    default -> new Phone("+33 (0)" + first + " " + spaced, false);
                };
            }
            case 7 -> { // IN
                String mobile = (6 + random.nextInt(4)) + digitsOf(9);
                pendingNational = "+91" + mobile;
                return switch (random.nextInt(4)) {
                    case 0 -> new Phone("+91 " + mobile.substring(0, 5) + " " + mobile.substring(5), false);
                    case 1 -> new Phone(mobile.substring(0, 5) + " " + mobile.substring(5), false);
                    case 2 -> new Phone("0" + mobile.substring(0, 5) + " " + mobile.substring(5), false);
                    default -> new Phone("+91-" + mobile, false);
                };
            }
            case 8 -> { // AU
                boolean mobile = random.nextBoolean();
                String nsn = mobile ? "4" + digitsOf(8) : pick(new String[] {"2", "3", "7", "8"})
                        + (random.nextInt(2) == 0 ? "9" : "8") + digitsOf(7);
                pendingNational = "+61" + nsn;
                if (mobile) {
                    return random.nextBoolean()
                            ? new Phone("0" + nsn.substring(0, 3) + " " + nsn.substring(3, 6) + " " + nsn.substring(6),
                            false)
                            : new Phone("+61 " + nsn.substring(0, 3) + " " + nsn.substring(3, 6) + " "
                            + nsn.substring(6), false);
                }
                return random.nextBoolean()
                        ? new Phone("(0" + nsn.charAt(0) + ") " + nsn.substring(1, 5) + " " + nsn.substring(5), false)
                        : new Phone("+61 " + nsn.charAt(0) + " " + nsn.substring(1, 5) + " " + nsn.substring(5),
                        false);
            }
            default -> { // other countries, international format only
                pendingNational = null;
                return switch (random.nextInt(5)) {
                    case 0 -> new Phone("+81 3-" + digitsOf(4) + "-" + digitsOf(4), false);
                    case 1 -> new Phone("+39 06 " + digitsOf(4) + " " + digitsOf(4), false);
                    case 2 -> new Phone("+34 6" + digitsOf(2) + " " + digitsOf(2) + " " + digitsOf(2) + " "
                            + digitsOf(2), false);
                    case 3 -> new Phone("+55 11 9" + digitsOf(4) + "-" + digitsOf(4), false);
                    default -> new Phone("+31 6 " + digitsOf(8), false);
                };
            }
        }
    }

    private void phoneInContext(Builder b, boolean scoped) {
        Phone p = phone();
        String value = p.text;
        if (scoped) {
            b.pii(PiiType.PHONE_NUMBER, value);
            return;
        }
        if (random.nextInt(6) == 0 && !value.startsWith("+")) {
            // bare digits after a context word
            String bare = value.replaceAll("[^0-9]", "");
            b.text(pick(new String[] {"phone: ", "tel ", "Call ", "mobile ", "Fax: ", "SMS to "}))
                    .pii(PiiType.PHONE_NUMBER, bare).text(pick(new String[] {"", ".", ",", " today"}));
            return;
        }
        b.text(pick(new String[] {"Call ", "phone ", "reach me at ", "tel: ", "mobile: ", "", "contact ",
            "number ", "hotline ", "(", "on "}));
        b.pii(PiiType.PHONE_NUMBER, value).text(pick(new String[] {"", ",", ".", " ext. 12", ";", " anytime"}));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // CREDIT_CARD

    private static final String[][] ISSUERS = {
        {"4", "16"}, {"4", "16"}, {"4", "13"}, {"4", "19"}, {"51", "16"}, {"55", "16"}, {"2221", "16"},
        {"2720", "16"}, {"2500", "16"}, {"34", "15"}, {"37", "15"}, {"6011", "16"}, {"65", "16"}, {"644", "16"},
        {"649", "19"}, {"3528", "16"}, {"3589", "16"}, {"36", "14"}, {"300", "14"}, {"305", "16"}, {"38", "16"},
        {"62", "16"}, {"62", "19"}, {"6759", "16"}, {"5018", "16"}, {"6304", "19"}, {"2201", "16"}};

    /** Digits with a correct Luhn check digit. */
    String luhnComplete(String prefix, int length) {
        StringBuilder s = new StringBuilder(prefix);
        while (s.length() < length - 1) {
            s.append((char) ('0' + random.nextInt(10)));
        }
        for (int check = 0; check < 10; check++) {
            String candidate = s.toString() + check;
            if (luhn(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError();
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int v = digits.charAt(i) - '0';
            if (twice) {
                v = v * 2 > 9 ? v * 2 - 9 : v * 2;
            }
            sum += v;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    String card() {
        String[] issuer = ISSUERS[random.nextInt(ISSUERS.length)];
        return formatCard(luhnComplete(issuer[0], Integer.parseInt(issuer[1])));
    }

    private String formatCard(String d) {
        int style = random.nextInt(4);
        if (style == 0) {
            return d;
        }
        String sep = style == 3 ? "-" : " ";
        if (d.length() == 15 || d.length() == 14) {
            return d.substring(0, 4) + sep + d.substring(4, 10) + sep + d.substring(10);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < d.length(); i += 4) {
            if (i > 0) {
                s.append(sep);
            }
            s.append(d, i, Math.min(d.length(), i + 4));
        }
        return s.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // US_SSN, US_ITIN

    String ssnDigits() {
        while (true) {
            int area = 1 + random.nextInt(899);
            if (area == 666) {
                continue;
            }
            String d = String.format("%03d%02d%04d", area, 1 + random.nextInt(99), 1 + random.nextInt(9999));
            if (!d.equals("078051120") && !d.equals("219099999")) {
                return d;
            }
        }
    }

    private static final int[] ITIN_GROUPS;

    static {
        List<Integer> g = new ArrayList<>();
        for (int i = 50; i <= 99; i++) {
            if (i <= 65 || (i >= 70 && i <= 88) || (i >= 90 && i <= 92) || i >= 94) {
                g.add(i);
            }
        }
        ITIN_GROUPS = g.stream().mapToInt(Integer::intValue).toArray();
    }

    String itinDigits() {
        return String.format("9%02d%02d%04d", random.nextInt(100), ITIN_GROUPS[random.nextInt(ITIN_GROUPS.length)],
                random.nextInt(10000));
    }

    private static String dashed(String d, String sep) {
        return d.substring(0, 3) + sep + d.substring(3, 5) + sep + d.substring(5);
    }

    private void ssnInContext(Builder b, boolean scoped) {
        String d = ssnDigits();
        if (scoped) {
            b.pii(PiiType.US_SSN, random.nextBoolean() ? d : dashed(d, "-"));
            return;
        }
        switch (random.nextInt(6)) {
            case 0 -> b.text(pick(new String[] {"SSN: ", "ssn ", "Social Security Number ", "SSN#"}))
                    .pii(PiiType.US_SSN, d);
            case 1 -> b.text(pick(new String[] {"SSN ", "social security no. ", "", "id "}))
                    .pii(PiiType.US_SSN, dashed(d, " "));
            default -> b.text(pick(new String[] {"SSN: ", "ssn=", "", "applicant ", "SS# ", "(", "number "}))
                    .pii(PiiType.US_SSN, dashed(d, "-"));
        }
        b.text(pick(new String[] {"", ",", ".", " on file", ")"}));
    }

    private void itinInContext(Builder b, boolean scoped) {
        String d = itinDigits();
        if (scoped) {
            b.pii(PiiType.US_ITIN, random.nextBoolean() ? d : dashed(d, "-"));
            return;
        }
        switch (random.nextInt(6)) {
            case 0 -> b.text(pick(new String[] {"ITIN: ", "itin ", "taxpayer id ", "TIN "})).pii(PiiType.US_ITIN, d);
            case 1 -> b.text(pick(new String[] {"ITIN ", "", "tax id "})).pii(PiiType.US_ITIN, dashed(d, " "));
            default -> b.text(pick(new String[] {"ITIN: ", "", "filer ", "(", "number ", "TIN="}))
                    .pii(PiiType.US_ITIN, dashed(d, "-"));
        }
        b.text(pick(new String[] {"", ",", ".", " on file"}));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // IBAN

    private static final String[][] IBAN_COUNTRIES = {{"DE", "22", "n"}, {"GB", "22", "aaaa"}, {"FR", "27", "n"},
        {"NL", "18", "aaaa"}, {"ES", "24", "n"}, {"IT", "27", "a"}, {"BE", "16", "n"}, {"CH", "21", "n"},
        {"AT", "20", "n"}, {"PL", "28", "n"}, {"SE", "24", "n"}, {"NO", "15", "n"}, {"IE", "22", "aaaa"},
        {"PT", "25", "n"}, {"FI", "18", "n"}, {"DK", "18", "n"}, {"LU", "20", "n"}, {"MT", "31", "aaaa"},
        {"SA", "24", "n"}, {"AE", "23", "n"}, {"BR", "29", "n"}, {"TR", "26", "n"}, {"RU", "33", "n"},
        {"UA", "29", "n"}, {"LC", "32", "aaaa"}, {"EG", "29", "n"}, {"KW", "30", "aaaa"}, {"XK", "20", "n"}};

    /** A valid IBAN in compact form. */
    String ibanCompact() {
        String[] c = IBAN_COUNTRIES[random.nextInt(IBAN_COUNTRIES.length)];
        int length = Integer.parseInt(c[1]);
        StringBuilder bban = new StringBuilder();
        if (c[2].startsWith("a")) {
            for (int i = 0; i < c[2].length(); i++) {
                bban.append((char) ('A' + random.nextInt(26)));
            }
        }
        while (bban.length() < length - 4) {
            bban.append((char) ('0' + random.nextInt(10)));
        }
        return c[0] + checkDigits(c[0], bban.toString()) + bban;
    }

    static String checkDigits(String country, String bban) {
        int r = mod97(bban + country + "00");
        return String.format("%02d", 98 - r);
    }

    static int mod97(String s) {
        int r = 0;
        for (char ch : s.toCharArray()) {
            if (Character.isDigit(ch)) {
                r = (r * 10 + ch - '0') % 97;
            } else {
                r = (r * 100 + ch - 'A' + 10) % 97;
            }
        }
        return r;
    }

    static String grouped(String compact) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < compact.length(); i += 4) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(compact, i, Math.min(compact.length(), i + 4));
        }
        return s.toString();
    }

    String iban() {
        String compact = ibanCompact();
        return random.nextBoolean() ? compact : grouped(compact);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // IP_ADDRESS

    String ipv4() {
        int first = 1 + random.nextInt(223);
        return first + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }

    private String hexGroup() {
        String g = Integer.toHexString(random.nextInt(0x10000));
        if (random.nextInt(4) == 0) {
            g = Integer.toHexString(random.nextInt(0x1000));
        }
        return g;
    }

    String ipv6() {
        String[] g = new String[8];
        for (int i = 0; i < 8; i++) {
            g[i] = hexGroup();
        }
        g[0] = pick(new String[] {"2001", "fe80", "2a00", "fd12", "2606", "2001"});
        String address = switch (random.nextInt(7)) {
            case 0 -> String.join(":", g);
            case 1 -> g[0] + ":db8::" + g[7];
            case 2 -> g[0] + ":" + g[1] + ":" + g[2] + "::" + g[6] + ":" + g[7];
            case 3 -> "::1";
            case 4 -> "::ffff:" + ipv4();
            case 5 -> g[0] + "::";
            default -> g[0] + ":" + g[1] + "::" + g[7];
        };
        return random.nextInt(5) == 0 ? address.toUpperCase(Locale.ROOT) : address;
    }

    private void ipInContext(Builder b, boolean scoped) {
        boolean v6 = random.nextInt(3) == 0;
        String ip = v6 ? ipv6() : ipv4();
        if (scoped) {
            b.pii(PiiType.IP_ADDRESS, ip);
            return;
        }
        int style = random.nextInt(7);
        switch (style) {
            case 0 -> b.text("http://" + (v6 ? "[" : "")).pii(PiiType.IP_ADDRESS, ip)
                    .text((v6 ? "]" : "") + ":8080/api/v1");
            case 1 -> b.text("client ").pii(PiiType.IP_ADDRESS, ip).text(v6 ? "" : ":" + (1024 + random.nextInt(60000)));
            case 2 -> b.text("from=").pii(PiiType.IP_ADDRESS, ip).text(v6 ? "%eth0" : "");
            case 3 -> b.text("[").pii(PiiType.IP_ADDRESS, ip).text("]");
            default -> b.text(pick(new String[] {"IP ", "src ", "remote_addr=", "host ", "peer ", ""}))
                    .pii(PiiType.IP_ADDRESS, ip).text(pick(new String[] {"", ",", ".", " blocked", ";"}));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // DATE_OF_BIRTH

    private static final String[] MONTH_NAMES = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};

    record Ymd(int y, int m, int d) {
    }

    Ymd birthDate() {
        int y = 1935 + random.nextInt(72);
        int m = 1 + random.nextInt(12);
        int d = 1 + random.nextInt(java.time.YearMonth.of(y, m).lengthOfMonth());
        return new Ymd(y, m, d);
    }

    String formatDate(Ymd date) {
        return switch (random.nextInt(8)) {
            case 0, 1 -> String.format("%04d-%02d-%02d", date.y, date.m, date.d);
            case 2 -> String.format("%02d/%02d/%04d", date.d, date.m, date.y);
            case 3 -> String.format("%02d/%02d/%04d", date.m, date.d, date.y);
            case 4 -> String.format("%02d.%02d.%04d", date.d, date.m, date.y);
            case 5 -> date.d + " " + MONTH_NAMES[date.m - 1] + " " + date.y;
            case 6 -> MONTH_NAMES[date.m - 1] + " " + date.d + ", " + date.y;
            default -> date.d + " " + MONTH_NAMES[date.m - 1].substring(0, 3) + " " + date.y;
        };
    }

    private void dobInContext(Builder b, boolean scoped) {
        String value = formatDate(birthDate());
        if (scoped) {
            b.pii(PiiType.DATE_OF_BIRTH, value);
            return;
        }
        b.text(pick(new String[] {"born ", "DOB: ", "date of birth ", "Date of Birth: ", "birth date ", "birthday: ",
            "geb. ", "né le ", "d.o.b. ", "Born on ", "dob=", "patient DOB "}));
        b.pii(PiiType.DATE_OF_BIRTH, value).text(pick(new String[] {"", ",", ".", " in Lyon", ";"}));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // AWS keys

    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String[] KEY_PREFIXES = {"AKIA", "ASIA", "AROA", "AIDA", "ANPA", "ANVA", "AGPA", "AIPA"};

    String accessKey() {
        StringBuilder s = new StringBuilder(pick(KEY_PREFIXES));
        while (s.length() < 20) {
            s.append(BASE32.charAt(random.nextInt(32)));
        }
        return s.toString();
    }

    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    String secretKey() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            s.append(B64.charAt(random.nextInt(64)));
        }
        return s.toString();
    }

    private void secretInContext(Builder b, boolean scoped) {
        String value = secretKey();
        if (scoped) {
            b.pii(PiiType.AWS_SECRET_KEY, value);
            return;
        }
        if (random.nextInt(4) == 0) {
            b.text(pick(new String[] {"credentials ", "key material ", "value ", "", "got "}))
                    .pii(PiiType.AWS_SECRET_KEY, value).text(pick(new String[] {"", " ", ";", ","}));
            return;
        }
        b.text(pick(new String[] {"aws_secret_access_key = ", "SecretAccessKey: ", "secret ",
            "AWS_SECRET_ACCESS_KEY=", "\"SecretAccessKey\":\"", "client_secret=", "secret key "}));
        b.pii(PiiType.AWS_SECRET_KEY, value).text(pick(new String[] {"", "\"", " ", ";", ","}));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // JWT

    private static String b64url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private String b64urlRandom(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    String jwt() {
        String alg = pick(new String[] {"HS256", "RS256", "ES256", "HS512", "PS256", "none"});
        String header = switch (random.nextInt(3)) {
            case 0 -> "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}";
            case 1 -> "{\"typ\":\"JWT\",\"alg\":\"" + alg + "\",\"kid\":\"" + b64urlRandom(6) + "\"}";
            default -> "{\"alg\":\"" + alg + "\"}";
        };
        String payload = "{\"sub\":\"" + random.nextInt(1_000_000) + "\",\"name\":\"" + pick(FIRST) + " "
                + pick(LAST) + "\",\"iat\":" + (1_600_000_000 + random.nextInt(100_000_000))
                + (random.nextBoolean() ? ",\"admin\":true" : ",\"scope\":\"read write\"") + "}";
        int signature = switch (alg) {
            case "none" -> 0;
            case "HS256" -> 32;
            case "ES256" -> 64;
            case "HS512" -> 64;
            default -> 256;
        };
        return b64url(header) + "." + b64url(payload) + "." + (signature == 0 ? "" : b64urlRandom(signature));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // PRIVATE_KEY

    private static final String[] KEY_LABELS = {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY",
        "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"};

    /** A PEM-shaped block around random base64 (not a key: nothing here can be used as one). */
    String privateKeyBlock(String label, String newline, boolean terminated) {
        StringBuilder s = new StringBuilder("-----BEGIN ").append(label).append("-----").append(newline);
        int lines = 3 + random.nextInt(20);
        byte[] chunk = new byte[48];
        for (int i = 0; i < lines; i++) {
            random.nextBytes(chunk);
            String line = Base64.getEncoder().encodeToString(chunk);
            if (i == lines - 1) {
                line = line.substring(0, 4 + random.nextInt(56));
            }
            s.append(line).append(newline);
        }
        if (terminated) {
            s.append("-----END ").append(label).append("-----");
        }
        return s.toString();
    }

    private void privateKeyInContext(Builder b, boolean scoped) {
        String label = pick(KEY_LABELS);
        String newline = pick(new String[] {"\n", "\n", "\r\n", "\\n"});
        boolean terminated = scoped || random.nextInt(8) != 0;
        b.pii(PiiType.PRIVATE_KEY, privateKeyBlock(label, newline, terminated));
        if (terminated && !scoped) {
            b.text(pick(new String[] {"", "\n", "\nthanks", " end of key", "\"}"}));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Decoys

    /** Appends a look-alike of {@code type} that must not be reported as any type. */
    void decoy(Builder b, PiiType type) {
        switch (type.name()) {
            case "EMAIL" -> emailDecoy(b);
            case "PHONE_NUMBER" -> phoneDecoy(b);
            case "CREDIT_CARD" -> cardDecoy(b);
            case "US_SSN" -> ssnDecoy(b);
            case "US_ITIN" -> itinDecoy(b);
            case "IBAN" -> ibanDecoy(b);
            case "IP_ADDRESS" -> ipDecoy(b);
            case "DATE_OF_BIRTH" -> dobDecoy(b);
            case "AWS_ACCESS_KEY" -> accessKeyDecoy(b);
            case "AWS_SECRET_KEY" -> secretDecoy(b);
            case "JWT" -> jwtDecoy(b);
            default -> privateKeyDecoy(b);
        }
    }

    private void emailDecoy(Builder b) {
        String f = pick(FIRST);
        String l = pick(LAST);
        switch (random.nextInt(11)) {
            case 0 -> b.text("ping ").decoy("email: @mention", "@" + f + l);
            case 1 -> b.text("ssh ").decoy("email: no dot in domain", f + "@localhost");
            case 2 -> b.decoy("email: no TLD", f + "@server" + random.nextInt(10));
            case 3 -> b.decoy("email: one-letter TLD", f + "@example.c");
            case 4 -> b.text("asset ").decoy("email: asset name", pick(new String[] {"logo", "icon", "hero"}) + "@"
                    + (2 + random.nextInt(2)) + "x." + pick(new String[] {"png", "jpg", "svg", "webp"}));
            case 5 -> b.decoy("email: double dot", f + ".." + l + "@example.com");
            case 6 -> b.decoy("email: dot before @", f + ".@example.com");
            case 7 -> b.decoy("email: numeric TLD", f + "@10.0.0");
            case 8 -> b.text("annotated with ").decoy("email: annotation", "@Override");
            case 9 -> b.decoy("email: spaces around @", f + " @ example.com");
            default -> b.decoy("email: hyphen label", f + "@-example.com");
        }
    }

    private void phoneDecoy(Builder b) {
        switch (random.nextInt(13)) {
            case 0 -> b.text("phone ").decoy("phone: invalid area code", "123-" + digitsOf(3) + "-" + digitsOf(4));
            case 1 -> b.text("call ").decoy("phone: 7-digit local number", "555-" + digitsOf(4));
            case 2 -> b.text("ISBN ").decoy("phone: ISBN", "978-3-16-" + digitsOf(6) + "-" + random.nextInt(10));
            case 3 -> b.text("zip ").decoy("phone: ZIP+4", digitsOf(5) + "-" + digitsOf(4));
            case 4 -> b.text("at ").decoy("phone: timestamp", "2024-0" + (1 + random.nextInt(9)) + "-1"
                    + random.nextInt(10) + " 1" + random.nextInt(10) + ":" + (10 + random.nextInt(50)) + ":"
                    + (10 + random.nextInt(50)));
            case 5 -> b.text("epoch ").decoy("phone: unix time", "17" + digitsOf(8));
            case 6 -> b.text("tel ").decoy("phone: +1 invalid area", "+1 1" + digitsOf(2) + " " + digitsOf(3) + " "
                    + digitsOf(4));
            case 7 -> b.text("tel ").decoy("phone: too short", "+44 20 " + digitsOf(4));
            case 8 -> b.decoy("phone: unassigned country code", "+999 " + digitsOf(4) + " " + digitsOf(4));
            case 9 -> b.text("Invoice ").decoy("phone: bare number without context", "2" + digitsOf(9));
            case 10 -> b.text("pi ").decoy("phone: decimal", "3.14159265" + digitsOf(3));
            case 11 -> b.text("total ").decoy("phone: amount", digitsOf(1) + "," + digitsOf(3) + "," + digitsOf(3)
                    + "." + digitsOf(2));
            default -> b.text("ref ").decoy("phone: grouped reference", "(123) 456-" + digitsOf(4));
        }
    }

    private void cardDecoy(Builder b) {
        switch (random.nextInt(8)) {
            case 0, 1 -> {
                String[] issuer = ISSUERS[random.nextInt(ISSUERS.length)];
                String good = luhnComplete(issuer[0], Integer.parseInt(issuer[1]));
                int last = good.charAt(good.length() - 1) - '0';
                String bad = good.substring(0, good.length() - 1) + (char) ('0' + (last + 1 + random.nextInt(9)) % 10);
                b.text("card ").decoy("card: Luhn failure", formatCard(bad));
            }
            case 2 -> b.text("account ").decoy("card: unknown issuer",
                    formatCard(luhnComplete(pick(new String[] {"1", "7", "8", "9", "0"}), 16)));
            case 3 -> b.text("card ").decoy("card: wrong length for issuer",
                    formatCard(luhnComplete(pick(new String[] {"34", "37"}), 16)));
            case 4 -> b.text("account no ").decoy("card: 20-digit account",
                    grouped(luhnComplete("4", 20)));
            case 5 -> b.text("IMEI ").decoy("card: IMEI (Luhn, 15 digits)", luhnComplete("35" + digitsOf(6), 15));
            case 6 -> b.text("tracking ").decoy("card: tracking number", "1Z" + digitsOf(3) + "AA" + digitsOf(10));
            default -> b.text("order ").decoy("card: Visa length 15", formatCard(luhnComplete("4", 15)));
        }
    }

    private void ssnDecoy(Builder b) {
        String d = ssnDigits();
        switch (random.nextInt(9)) {
            case 0 -> b.text("SSN ").decoy("ssn: area 000", dashed("000" + d.substring(3), "-"));
            case 1 -> b.text("SSN ").decoy("ssn: area 666", dashed("666" + d.substring(3), "-"));
            case 2 -> b.text("SSN ").decoy("ssn: area 9xx, no ITIN group",
                    dashed("9" + digitsOf(2) + String.format("%02d", random.nextInt(50)) + d.substring(5), "-"));
            case 3 -> b.text("SSN ").decoy("ssn: group 00", dashed(d.substring(0, 3) + "00" + d.substring(5), "-"));
            case 4 -> b.text("SSN ").decoy("ssn: serial 0000", dashed(d.substring(0, 5) + "0000", "-"));
            case 5 -> b.text("SSN ").decoy("ssn: published", pick(new String[] {"078-05-1120", "219-09-9999"}));
            case 6 -> b.text("ref ").decoy("ssn: bare 9 digits without context", d);
            case 7 -> b.text("part ").decoy("ssn: 3-3-3 grouping", d.substring(0, 3) + "-" + d.substring(3, 6) + "-"
                    + d.substring(6));
            default -> b.text("SSN ").decoy("ssn: space-grouped area 666", dashed("666" + d.substring(3), " "));
        }
    }

    private void itinDecoy(Builder b) {
        int[] badGroups = {0, 12, 30, 49, 66, 67, 68, 69, 89, 93};
        String d = "9" + digitsOf(2) + String.format("%02d", badGroups[random.nextInt(badGroups.length)])
                + digitsOf(4);
        switch (random.nextInt(3)) {
            case 0 -> b.text("ITIN ").decoy("itin: group outside IRS ranges", dashed(d, "-"));
            case 1 -> b.text("ITIN ").decoy("itin: group outside IRS ranges (spaced)", dashed(d, " "));
            default -> b.text("ITIN ").decoy("itin: bare, group outside IRS ranges", d);
        }
    }

    private void ibanDecoy(Builder b) {
        String good = ibanCompact();
        switch (random.nextInt(5)) {
            case 0, 1 -> {
                int check = Integer.parseInt(good.substring(2, 4));
                int other = 2 + (check - 2 + 1 + random.nextInt(95)) % 97;
                if (other == check) {
                    other = check == 98 ? 2 : check + 1;
                }
                String bad = good.substring(0, 2) + String.format("%02d", other) + good.substring(4);
                b.text("IBAN ").decoy("iban: wrong check digits", random.nextBoolean() ? bad : grouped(bad));
            }
            case 2 -> b.text("IBAN ").decoy("iban: wrong length", good.substring(0, good.length() - 1));
            case 3 -> b.text("IBAN ").decoy("iban: unknown country", "XY" + good.substring(2));
            default -> {
                String swapped = good.substring(0, 6) + good.charAt(7) + good.charAt(6) + good.substring(8);
                if (swapped.equals(good) || mod97(swapped.substring(4) + swapped.substring(0, 4)) == 1) {
                    b.text("IBAN ").decoy("iban: wrong length", good + "7");
                } else {
                    b.text("IBAN ").decoy("iban: transposed digits", grouped(swapped));
                }
            }
        }
    }

    private void ipDecoy(Builder b) {
        switch (random.nextInt(12)) {
            case 0 -> b.text("version ").decoy("ip: five-part version", ipv4() + "." + random.nextInt(10));
            case 1 -> b.text("build ").decoy("ip: v-prefixed version", "v" + ipv4());
            case 2 -> b.text("addr ").decoy("ip: octet above 255", (256 + random.nextInt(700)) + "." + ipv4()
                    .substring(ipv4().indexOf('.') + 1));
            case 3 -> b.text("addr ").decoy("ip: leading zeros", "01" + random.nextInt(10) + ".00" + random.nextInt(10)
                    + ".0" + (10 + random.nextInt(89)) + ".00" + random.nextInt(10));
            case 4 -> b.text("oid ").decoy("ip: OID", "1.3.6.1.4.1." + random.nextInt(60000));
            case 5 -> b.text("mac ").decoy("ip: MAC address", mac(":"));
            case 6 -> b.text("mac ").decoy("ip: MAC address (dashes)", mac("-"));
            case 7 -> b.text("at ").decoy("ip: time of day", (10 + random.nextInt(13)) + ":" + (10 + random.nextInt(50))
                    + ":" + (10 + random.nextInt(50)));
            case 8 -> b.text("addr ").decoy("ip: nine groups", "1:2:3:4:5:6:7:8:9");
            case 9 -> b.text("addr ").decoy("ip: two '::'", "2001:db8::1::" + random.nextInt(10));
            case 10 -> b.text("eui ").decoy("ip: EUI-64", mac(":") + ":" + hex2() + ":" + hex2());
            default -> b.text("version ").decoy("ip: version after 'version'", ipv4());
        }
    }

    private String hex2() {
        return String.format("%02x", random.nextInt(256));
    }

    private String mac(String sep) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                s.append(sep);
            }
            s.append(String.format("%02X", random.nextInt(256)));
        }
        return s.toString();
    }

    private void dobDecoy(Builder b) {
        Ymd date = birthDate();
        switch (random.nextInt(8)) {
            case 0, 1 -> b.text(pick(new String[] {"meeting on ", "invoice date ", "shipped ", "created ",
                "due ", "last login "})).decoy("dob: date without context", formatDate(date));
            case 2 -> b.text("born ").decoy("dob: 31 February", "31/02/" + date.y);
            case 3 -> b.text("DOB: ").decoy("dob: month 13", date.y + "-13-" + String.format("%02d", date.d));
            case 4 -> b.text("born ").decoy("dob: in the future", (2090 + random.nextInt(9)) + "-0"
                    + (1 + random.nextInt(9)) + "-1" + random.nextInt(9));
            case 5 -> b.text("date of birth ").decoy("dob: more than 130 years ago",
                    (1700 + random.nextInt(150)) + "-0" + (1 + random.nextInt(9)) + "-2" + random.nextInt(8));
            case 6 -> b.text("updated ").decoy("dob: timestamp without context",
                    String.format("%04d-%02d-%02dT10:15:30Z", 2000 + random.nextInt(24), date.m, date.d));
            default -> b.text("born ").decoy("dob: day 32", "32 " + MONTH_NAMES[date.m - 1] + " " + date.y);
        }
    }

    private void accessKeyDecoy(Builder b) {
        String good = accessKey();
        switch (random.nextInt(6)) {
            case 0 -> b.text("key ").decoy("access key: unknown prefix",
                    pick(new String[] {"AKIB", "ABIA", "AKIZ", "AXIA", "BKIA"}) + good.substring(4));
            case 1 -> b.text("key ").decoy("access key: 19 characters", good.substring(0, 19));
            case 2 -> b.text("key ").decoy("access key: 21 characters", good + "Q");
            case 3 -> b.text("key ").decoy("access key: not base32", good.substring(0, 10) + pick(new String[] {"0", "1",
                "8", "9"}) + good.substring(11));
            case 4 -> b.text("key ").decoy("access key: lower case", good.toLowerCase(Locale.ROOT));
            default -> b.text("id ").decoy("access key: inside a longer token", "X" + good + "Z");
        }
    }

    private void secretDecoy(Builder b) {
        switch (random.nextInt(10)) {
            case 0, 1 -> b.text(pick(new String[] {"commit ", "sha1 ", "secret sha "})).decoy("secret: SHA-1 hex",
                    hex(40, random.nextInt(3) == 0));
            case 2 -> b.text("digest ").decoy("secret: base64 with padding", b64(32));
            case 3 -> b.text("class ").decoy("secret: CamelCase identifier", camel40());
            case 4 -> b.text("path ").decoy("secret: path", path40());
            case 5 -> b.text("token ").decoy("secret: 39 characters", secretKey().substring(0, 39));
            case 6 -> b.text("blob ").decoy("secret: part of a longer base64 run", secretKey() + secretKey());
            case 7 -> b.text("number ").decoy("secret: 40 digits", digitsOf(40));
            case 8 -> b.text("uuid ").decoy("secret: UUID hex", hex(32, false));
            default -> {
                // the last line of a PEM certificate body, which can be 40 characters long
                String cert = "-----BEGIN CERTIFICATE-----\n" + b64(48) + "\n" + b64(48) + "\n"
                        + secretKey() + "\n-----END CERTIFICATE-----";
                b.decoy("secret: last line of a certificate", cert);
            }
        }
    }

    private String hex(int n, boolean upper) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("0123456789abcdef".charAt(random.nextInt(16)));
        }
        return upper ? s.toString().toUpperCase(Locale.ROOT) : s.toString();
    }

    private String b64(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private static final String[] CAMEL_PARTS = {"Abstract", "Request", "Handler", "Factory", "Bean", "Service",
        "Provider", "Default", "Configuration", "Registry", "Adapter", "Gateway", "Endpoint", "Metrics", "Audit"};

    private String camel40() {
        StringBuilder s = new StringBuilder();
        while (s.length() < 38) {
            s.append(pick(CAMEL_PARTS));
        }
        s.setLength(38);
        return s.append(random.nextInt(90) + 10).toString();
    }

    private static final String[] PATH_PARTS = {"src", "main", "java", "io", "mlgate", "gateway", "test",
        "resources", "config", "policies", "models", "data", "capture", "audit", "keys"};

    private String path40() {
        StringBuilder s = new StringBuilder();
        while (s.length() < 40) {
            if (s.length() > 0) {
                s.append('/');
            }
            s.append(pick(PATH_PARTS));
        }
        s.setLength(40);
        if (s.charAt(39) == '/') {
            s.setCharAt(39, 'x');
        }
        return s.toString();
    }

    private void jwtDecoy(Builder b) {
        String good = jwt();
        String[] parts = good.split("\\.", -1);
        switch (random.nextInt(5)) {
            case 0 -> { // signed: with alg "none", "header.payload." would be a valid unsecured JWT
                String signed = jwt();
                while (signed.endsWith(".")) {
                    signed = jwt();
                }
                String[] p = signed.split("\\.");
                b.text("token ").decoy("jwt: two segments", p[0] + "." + p[1]);
            }
            case 1 -> b.text("token ").decoy("jwt: header without alg",
                    b64url("{\"typ\":\"JWT\",\"kid\":\"" + b64urlRandom(4) + "\"}") + "." + parts[1] + "."
                            + b64urlRandom(32));
            case 2 -> b.text("token ").decoy("jwt: header not JSON",
                    "eyJ" + b64urlRandom(24) + "." + parts[1] + "." + b64urlRandom(32));
            case 3 -> b.text("token ").decoy("jwt: unsigned, alg not none",
                    b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + parts[1] + ".");
            default -> b.text("jwe ").decoy("jwt: five segments (JWE)",
                    b64url("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + "." + b64urlRandom(40) + "."
                            + b64urlRandom(12) + "." + b64urlRandom(30) + "." + b64urlRandom(16));
        }
    }

    private void privateKeyDecoy(Builder b) {
        String newline = pick(new String[] {"\n", "\\n"});
        switch (random.nextInt(6)) {
            case 0 -> b.decoy("private key: public key block", "-----BEGIN PUBLIC KEY-----" + newline + b64(48)
                    + newline + b64(24) + newline + "-----END PUBLIC KEY-----");
            case 1 -> b.decoy("private key: certificate", "-----BEGIN CERTIFICATE-----" + newline + b64(48)
                    + newline + b64(30) + newline + "-----END CERTIFICATE-----");
            case 2 -> b.text("the ").decoy("private key: no dashes", "BEGIN RSA PRIVATE KEY").text(" marker");
            case 3 -> b.decoy("private key: header without closing dashes", "-----BEGIN RSA PRIVATE KEY"
                    + newline + b64(24));
            case 4 -> b.decoy("private key: four dashes", "----BEGIN PRIVATE KEY-----" + newline + b64(24));
            default -> b.decoy("private key: SSH public key", "ssh-ed25519 " + b64(51).replace("=", "")
                    + " user@host");
        }
    }
}
