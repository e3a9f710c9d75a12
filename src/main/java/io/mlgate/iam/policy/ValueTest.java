package io.mlgate.iam.policy;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.Locale;

/** One compiled policy value of a condition clause, able to test one request value against it. */
abstract class ValueTest {

    private final String text;

    ValueTest(String text) {
        this.text = text;
    }

    /** The value as written in the policy. */
    final String text() {
        return text;
    }

    /** Whether the (positive form of the) operator holds between the request value and this policy value. */
    abstract boolean test(String requestValue, ConditionKeys keys);

    /**
     * Compiles a policy value for an operator.
     *
     * @param variables whether policy variables are processed (Version 2012-10-17 and an operator that allows them)
     * @throws IllegalArgumentException with a user-facing message when the value does not fit the operator
     */
    static ValueTest compile(ConditionOperator op, String text, boolean variables) {
        switch (op.family()) {
            case STRING:
                return new Equal(text, template(text, variables), false);
            case STRING_IGNORE_CASE:
                return new Equal(text, template(text, variables), true);
            case STRING_LIKE:
                return new Like(text, new TemplatePattern(template(text, variables), GlobPattern.Mode.PLAIN));
            case ARN:
                return new Like(text, new TemplatePattern(template(text, variables), GlobPattern.Mode.ARN_CONDITION));
            case NUMERIC:
                return new Numeric(text, op.comparison());
            case DATE:
                return new Date(text, op.comparison());
            case BOOL:
                return new Bool(text);
            case BINARY:
                return new Binary(text);
            case IP:
                return new Ip(text);
            case NULL:
                return new Null(text);
            default:
                throw new IllegalStateException("unhandled operator family " + op.family());
        }
    }

    private static ValueTemplate template(String text, boolean variables) {
        return variables ? ValueTemplate.parse(text) : ValueTemplate.literal(text);
    }

    private static boolean compare(int cmp, ConditionOperator.Comparison c) {
        switch (c) {
            case EQ:
                return cmp == 0;
            case LT:
                return cmp < 0;
            case LE:
                return cmp <= 0;
            case GT:
                return cmp > 0;
            default:
                return cmp >= 0;
        }
    }

    static final class Equal extends ValueTest {
        private final ValueTemplate template;
        private final String fixed;
        private final boolean ignoreCase;

        Equal(String text, ValueTemplate template, boolean ignoreCase) {
            super(text);
            this.template = template;
            this.fixed = template.hasVariables() ? null : template.resolve(null);
            this.ignoreCase = ignoreCase;
        }

        @Override
        boolean test(String requestValue, ConditionKeys keys) {
            String expected = fixed != null ? fixed : template.resolve(keys);
            if (expected == null) {
                return false;
            }
            return ignoreCase ? expected.equalsIgnoreCase(requestValue) : expected.equals(requestValue);
        }
    }

    static final class Like extends ValueTest {
        private final TemplatePattern pattern;

        Like(String text, TemplatePattern pattern) {
            super(text);
            this.pattern = pattern;
        }

        @Override
        boolean test(String requestValue, ConditionKeys keys) {
            return pattern.matches(requestValue, keys);
        }
    }

    static final class Numeric extends ValueTest {
        private final BigDecimal value;
        private final ConditionOperator.Comparison comparison;

        Numeric(String text, ConditionOperator.Comparison comparison) {
            super(text);
            this.value = parseNumber(text);
            if (value == null) {
                throw new IllegalArgumentException("'" + text + "' is not a number");
            }
            this.comparison = comparison;
        }

        @Override
        boolean test(String requestValue, ConditionKeys keys) {
            BigDecimal v = parseNumber(requestValue);
            return v != null && compare(v.compareTo(value), comparison);
        }

        private static BigDecimal parseNumber(String s) {
            if (s == null || s.isEmpty() || s.length() > 64) {
                return null;
            }
            try {
                return new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    static final class Date extends ValueTest {
        private final long millis;
        private final ConditionOperator.Comparison comparison;

        Date(String text, ConditionOperator.Comparison comparison) {
            super(text);
            this.millis = DateValue.parseMillis(text);
            if (millis == Long.MIN_VALUE) {
                throw new IllegalArgumentException("'" + text + "' is not an ISO 8601 date/time or epoch seconds");
            }
            this.comparison = comparison;
        }

        @Override
        boolean test(String requestValue, ConditionKeys keys) {
            long v = DateValue.parseMillis(requestValue);
            return v != Long.MIN_VALUE && compare(Long.compare(v, millis), comparison);
        }
    }

    static final class Bool extends ValueTest {
        private final String canonical;

        Bool(String text) {
            super(text);
            String t = text.toLowerCase(Locale.ROOT);
            if (!t.equals("true") && !t.equals("false")) {
                throw new IllegalArgumentException("'" + text + "' is not a boolean (expected true or false)");
            }
            this.canonical = t;
        }

        @Override
        boolean test(String requestValue, ConditionKeys keys) {
            return canonical.equalsIgnoreCase(requestValue);
        }
    }

    static final class Binary extends ValueTest {
        private final byte[] bytes;

        Binary(String text) {
            super(text);
            try {
                this.bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not base-64", e);
            }
        }

        @Override
        boolean test(String requestValue, ConditionKeys keys) {
            try {
                return java.util.Arrays.equals(bytes, Base64.getDecoder().decode(requestValue));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    static final class Ip extends ValueTest {
        private final IpRange range;

        Ip(String text) {
            super(text);
            this.range = IpRange.parse(text);
        }

        @Override
        boolean test(String requestValue, ConditionKeys keys) {
            return range.contains(requestValue);
        }
    }

    /** Null's value says whether the key must be absent ("true") or present ("false"); see {@link ConditionClause}. */
    static final class Null extends ValueTest {
        private final boolean mustBeAbsent;

        Null(String text) {
            super(text);
            String t = text.toLowerCase(Locale.ROOT);
            if (!t.equals("true") && !t.equals("false")) {
                throw new IllegalArgumentException("Null condition value must be true or false, not '" + text + "'");
            }
            this.mustBeAbsent = t.equals("true");
        }

        boolean mustBeAbsent() {
            return mustBeAbsent;
        }

        @Override
        boolean test(String requestValue, ConditionKeys keys) {
            return !mustBeAbsent;
        }
    }
}
