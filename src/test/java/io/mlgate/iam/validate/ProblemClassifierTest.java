package io.mlgate.iam.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.mlgate.iam.policy.PolicyKind;

/** Each problem branch of the policy parser gets its specific code, never the INVALID_POLICY fallback. */
class ProblemClassifierTest {

    private static final String ARN = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/e";

    private static String statement(String members) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":{" + members + "}}";
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "[]|INVALID_ELEMENT|IDENTITY",
        "{\"Version\":\"2012-10-17\"}|MISSING_ELEMENT|IDENTITY",
        "{\"Version\":\"2012-10-17\",\"Statement\":[]}|INVALID_ELEMENT|IDENTITY",
        "{\"Version\":\"2012-10-17\",\"Statement\":[1]}|INVALID_ELEMENT|IDENTITY",
        "{\"Version\":\"2012-10-17\",\"Statement\":1}|INVALID_ELEMENT|IDENTITY",
        "{\"Version\":1,\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}}|INVALID_ELEMENT|IDENTITY",
        "S\"Sid\":\"a-b\",\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"|INVALID_ELEMENT|IDENTITY",
        "S\"Effect\":\"Allow\",\"Resource\":\"*\"|MISSING_ELEMENT|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\"|MISSING_ELEMENT|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"|INVALID_ELEMENT|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":[1],\"Resource\":\"*\"|INVALID_ELEMENT|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:De/crypt\",\"Resource\":\"*\"|INVALID_ACTION|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"NotResource\":\"*\"|CONFLICTING_ELEMENTS|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"arn:aws:*:us-east-1:1:x\"|INVALID_ARN|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"arn:aws:kms:${aws:username}:1:x\"|INVALID_ARN|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"|MISSING_ELEMENT|RESOURCE",
        "S\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotPrincipal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"|CONFLICTING_ELEMENTS|RESOURCE",
        "S\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"sts:AssumeRole\"|ELEMENT_NOT_ALLOWED|TRUST",
        "S\"Effect\":\"Allow\",\"Principal\":\"me\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"|INVALID_PRINCIPAL|RESOURCE",
        "S\"Effect\":\"Allow\",\"Principal\":1,\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"|INVALID_PRINCIPAL|RESOURCE",
        "S\"Effect\":\"Allow\",\"Principal\":{\"Aws\":\"*\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"|UNKNOWN_ELEMENT|RESOURCE",
        "S\"Effect\":\"Allow\",\"Principal\":{},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"|MISSING_ELEMENT|RESOURCE",
        "S\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::1:user/*\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"|INVALID_PRINCIPAL|RESOURCE",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":1|INVALID_ELEMENT|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":1}|INVALID_ELEMENT|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{}}|MISSING_ELEMENT|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":{}}}|WRONG_VALUE_TYPE|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":[[]]}}|WRONG_VALUE_TYPE|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/99\"}}|WRONG_VALUE_TYPE|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:username\":\"${aws:x\"}}|WRONG_VALUE_TYPE|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"stringequals\":{\"aws:username\":\"a\"}}|UNKNOWN_OPERATOR|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"NullIfExists\":{\"aws:username\":\"true\"}}|UNKNOWN_OPERATOR|IDENTITY",
        "S\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"ForAllValues:Null\":{\"aws:username\":\"true\"}}|UNKNOWN_OPERATOR|IDENTITY",
        "{} []|MALFORMED_JSON|IDENTITY",
        "' '|MALFORMED_JSON|IDENTITY",
    })
    void parserProblemsGetSpecificCodes(String input, FindingCode expected, PolicyKind kind) {
        String json = input.startsWith("S") ? statement(input.substring(1)) : input;
        List<Finding> findings = PolicyValidator.validate(json, "p", kind);
        assertThat(findings).as("%s", findings).extracting(Finding::code).contains(expected.name())
                .doesNotContain(FindingCode.INVALID_POLICY.name());
    }
}
