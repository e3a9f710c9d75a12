package io.mlgate.audit.index;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * The fields of one CloudTrail record line that LookupEvents filters on or returns, read with a streaming parser
 * (everything else in the record is skipped).
 */
final class RecordFields {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    long eventSecond;
    String eventName;
    String eventSource;
    /** 0 false, 1 true, 2 absent. */
    int readOnly = 2;
    String eventId;
    String username;
    String accessKeyId;
    String eventCategory;
    final List<String> resourceTypes = new ArrayList<>(2);
    final List<String> resourceArns = new ArrayList<>(2);

    private String identityType;
    private String identityArn;
    private String identityUserName;

    private RecordFields() {
    }

    /**
     * Parses one record; null when the line is not a JSON object with a usable {@code eventTime} (such a line is
     * not indexed).
     */
    static RecordFields parse(byte[] buf, int off, int len) {
        RecordFields f = new RecordFields();
        boolean haveTime = false;
        try (JsonParser p = JSON.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken t = p.nextToken();
                switch (name) {
                    case "eventTime" -> {
                        if (t == JsonToken.VALUE_STRING) {
                            long s = epochSecond(p.getString());
                            if (s != Long.MIN_VALUE) {
                                f.eventSecond = s;
                                haveTime = true;
                            }
                        }
                    }
                    case "eventName" -> f.eventName = text(p, t);
                    case "eventSource" -> f.eventSource = text(p, t);
                    case "eventID" -> f.eventId = text(p, t);
                    case "eventCategory" -> f.eventCategory = text(p, t);
                    case "readOnly" -> {
                        if (t == JsonToken.VALUE_TRUE) {
                            f.readOnly = 1;
                        } else if (t == JsonToken.VALUE_FALSE) {
                            f.readOnly = 0;
                        }
                    }
                    case "userIdentity" -> {
                        if (t == JsonToken.START_OBJECT) {
                            f.identity(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "resources" -> {
                        if (t == JsonToken.START_ARRAY) {
                            f.resources(p);
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (JacksonException e) {
            return null;
        }
        if (!haveTime) {
            return null;
        }
        f.username = username(f.identityType, f.identityArn, f.identityUserName);
        return f;
    }

    private void identity(JsonParser p) {
        String name;
        while ((name = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "type" -> identityType = text(p, t);
                case "arn" -> identityArn = text(p, t);
                case "userName" -> identityUserName = text(p, t);
                case "accessKeyId" -> accessKeyId = text(p, t);
                default -> p.skipChildren();
            }
        }
    }

    private void resources(JsonParser p) {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String arn = null;
            String type = null;
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken v = p.nextToken();
                switch (name) {
                    case "ARN" -> arn = text(p, v);
                    case "type" -> type = text(p, v);
                    default -> p.skipChildren();
                }
            }
            if (arn != null || type != null) {
                resourceArns.add(arn);
                resourceTypes.add(type);
            }
        }
    }

    private static String text(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        p.skipChildren();
        return null;
    }

    /**
     * LookupEvents' user name: the IAM user name; for an assumed role the role-session name (the part of the ARN
     * after its last '/'); otherwise {@code userName}, or the last part of the ARN.
     */
    static String username(String type, String arn, String userName) {
        if ("AssumedRole".equals(type)) {
            return arn == null ? userName : lastPart(arn);
        }
        if (userName != null && !userName.isEmpty()) {
            return userName;
        }
        return arn == null ? null : lastPart(arn);
    }

    /** The part of an ARN after its last '/' or, when it has none, after its last ':'. */
    static String lastPart(String arn) {
        int slash = arn.lastIndexOf('/');
        if (slash >= 0) {
            return arn.substring(slash + 1);
        }
        int colon = arn.lastIndexOf(':');
        return colon >= 0 ? arn.substring(colon + 1) : arn;
    }

    /** Epoch second of a CloudTrail time ({@code yyyy-MM-ddTHH:mm:ssZ}, or any ISO instant); MIN_VALUE if bad. */
    static long epochSecond(String s) {
        if (s.length() == 20 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T'
                && s.charAt(13) == ':' && s.charAt(16) == ':' && s.charAt(19) == 'Z') {
            int y = digits(s, 0, 4);
            int mo = digits(s, 5, 2);
            int d = digits(s, 8, 2);
            int h = digits(s, 11, 2);
            int mi = digits(s, 14, 2);
            int se = digits(s, 17, 2);
            if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h < 24 && mi >= 0 && mi < 60
                    && se >= 0 && se < 60) {
                try {
                    return LocalDate.of(y, mo, d).toEpochDay() * 86_400L + h * 3600L + mi * 60L + se;
                } catch (java.time.DateTimeException e) {
                    return Long.MIN_VALUE;
                }
            }
        }
        try {
            return Instant.parse(s).getEpochSecond();
        } catch (java.time.format.DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    private static int digits(String s, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
