package io.mlgate.iam.validate;

/** Gives each problem the policy parser reports its stable {@link FindingCode}, from the parser's message. */
final class ProblemClassifier {

    private ProblemClassifier() {
    }

    static FindingCode classify(String message) {
        if (message.startsWith("malformed JSON") || message.startsWith("empty document")
                || message.startsWith("unexpected content after the end")) {
            return FindingCode.MALFORMED_JSON;
        }
        if (message.startsWith("duplicate key")) {
            return FindingCode.DUPLICATE_KEY;
        }
        if (message.startsWith("duplicate Sid")) {
            return FindingCode.DUPLICATE_SID;
        }
        if (message.startsWith("unknown element")) {
            return FindingCode.UNKNOWN_ELEMENT;
        }
        if (message.startsWith("unknown condition operator") || message.startsWith("the Null operator cannot")) {
            return FindingCode.UNKNOWN_OPERATOR;
        }
        if (message.startsWith("invalid value for ") || message.startsWith("values of condition key ")
                || (message.startsWith("condition key ") && message.contains(" must map to a value"))) {
            return FindingCode.WRONG_VALUE_TYPE;
        }
        if (message.startsWith("condition key ")) {
            return FindingCode.INVALID_CONDITION_KEY;
        }
        if (message.startsWith("unsupported Version")) {
            return FindingCode.INVALID_VERSION;
        }
        if (message.startsWith("action '")) {
            return FindingCode.INVALID_ACTION;
        }
        if (message.startsWith("resource '")) {
            return FindingCode.INVALID_ARN;
        }
        if (message.startsWith("AWS principal") || message.contains("must be \"*\" or an object")) {
            return FindingCode.INVALID_PRINCIPAL;
        }
        if (message.contains("policy variable")) {
            return FindingCode.INVALID_VARIABLE;
        }
        if (message.contains(" has both ")) {
            return FindingCode.CONFLICTING_ELEMENTS;
        }
        if (message.contains(" has no ") || message.contains(" has neither ") || message.contains(" needs a ")
                || message.contains(" must name at least one ")) {
            return FindingCode.MISSING_ELEMENT;
        }
        if (message.contains(" is not allowed ")) {
            return FindingCode.ELEMENT_NOT_ALLOWED;
        }
        if (message.contains(" must ") || message.contains(" may only ") || message.startsWith("bad Effect")) {
            return FindingCode.INVALID_ELEMENT;
        }
        return FindingCode.INVALID_POLICY;
    }
}
