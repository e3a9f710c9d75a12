package io.mlgate.iam.admin;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The member constraints of the IAM service model (2010-05-08) used by the supported operations, checked the way the
 * service checks them: a violation is a {@code ValidationError} worded as AWS words it.
 */
final class ModelConstraints {

    /** userNameType, roleNameType, groupNameType, policyNameType, existingUserNameType. */
    static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");
    /** pathType. */
    static final Pattern PATH = Pattern.compile("(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
    /** pathPrefixType. */
    static final Pattern PATH_PREFIX = Pattern.compile("\\u002F[\\u0021-\\u007F]*");
    /** policyPathType. */
    static final Pattern POLICY_PATH = Pattern.compile("((/[A-Za-z0-9\\.,\\+@=_-]+)*)/");
    /** markerType. */
    static final Pattern MARKER = Pattern.compile("[\\u0020-\\u00FF]+");
    /** policyDocumentType. */
    static final Pattern POLICY_DOCUMENT = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
    /** roleDescriptionType. */
    static final Pattern ROLE_DESCRIPTION = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*");
    /** accessKeyIdType, idType. */
    static final Pattern ID = Pattern.compile("[\\w]+");
    /** tagKeyType. */
    static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    /** tagValueType. */
    static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");

    static final int POLICY_DOCUMENT_MAX = 131072;
    static final int MAX_TAGS = 50;
    static final int DEFAULT_MAX_ITEMS = 100;

    private ModelConstraints() {
    }

    static IamAdminException violation(String member, Object value, String constraint) {
        String shown = value == null ? "null" : "'" + printable(String.valueOf(value)) + "'";
        return new IamAdminException(IamErrorCode.VALIDATION_ERROR, "1 validation error detected: Value " + shown
                + " at '" + member + "' failed to satisfy constraint: " + constraint);
    }

    /** A required member: null is a violation; returns the value. */
    static String required(String member, String value) throws IamAdminException {
        if (value == null) {
            throw violation(member, null, "Member must not be null");
        }
        return value;
    }

    /** Length and pattern of a string member; {@code null} (absent) passes. */
    static void string(String member, String value, int min, int max, Pattern pattern) throws IamAdminException {
        if (value == null) {
            return;
        }
        if (value.length() < min) {
            throw violation(member, value, "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            throw violation(member, value, "Member must have length less than or equal to " + max);
        }
        if (pattern != null && !pattern.matcher(value).matches()) {
            throw violation(member, value, "Member must satisfy regular expression pattern: " + pattern.pattern());
        }
    }

    /** Range of an integer member; {@code null} (absent) passes. */
    static void range(String member, Integer value, int min, int max) throws IamAdminException {
        if (value == null) {
            return;
        }
        if (value < min) {
            throw violation(member, value, "Member must have value greater than or equal to " + min);
        }
        if (value > max) {
            throw violation(member, value, "Member must have value less than or equal to " + max);
        }
    }

    /** MaxItems (1..1000), defaulting to 100. */
    static int maxItems(Integer value) throws IamAdminException {
        range("maxItems", value, 1, 1000);
        return value == null ? DEFAULT_MAX_ITEMS : value;
    }

    static void marker(String value) throws IamAdminException {
        string("marker", value, 1, 320, MARKER);
    }

    /** A policyDocumentType member (required). */
    static String policyDocument(String member, String value) throws IamAdminException {
        required(member, value);
        string(member, value, 1, POLICY_DOCUMENT_MAX, POLICY_DOCUMENT);
        return value;
    }

    /** An arnType member (length 20..2048); {@code null} passes. */
    static void arn(String member, String value) throws IamAdminException {
        string(member, value, 20, 2048, null);
    }

    /**
     * A tagListType member: at most 50 tags, each key and value as tagKeyType/tagValueType; then IAM's own rules
     * (InvalidInput): keys unique ignoring case, no {@code aws:} prefix. Returns key to value in the given order.
     */
    static Map<String, String> tags(List<Tag> tags) throws IamAdminException {
        if (tags.size() > MAX_TAGS) {
            throw violation("tags", "[" + tags.size() + " tags]", "Member must have length less than or equal to " + MAX_TAGS);
        }
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> lowerKeys = new HashSet<>();
        for (int i = 0; i < tags.size(); i++) {
            Tag tag = tags.get(i);
            string("tags." + (i + 1) + ".member.key", tag.key(), 1, 128, TAG_KEY);
            string("tags." + (i + 1) + ".member.value", tag.value(), 0, 256, TAG_VALUE);
            if (tag.key().toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw new IamAdminException(IamErrorCode.INVALID_INPUT,
                        "Tag keys starting with 'aws:' are reserved for AWS use: " + printable(tag.key()));
            }
            if (!lowerKeys.add(tag.key().toLowerCase(Locale.ROOT))) {
                throw new IamAdminException(IamErrorCode.INVALID_INPUT,
                        "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            }
            out.put(tag.key(), tag.value());
        }
        return out;
    }

    /** A value shortened to 80 printable characters, for error messages. */
    static String printable(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(c >= 0x20 && c != 0x7f ? c : '?');
        }
        return out.toString();
    }
}
