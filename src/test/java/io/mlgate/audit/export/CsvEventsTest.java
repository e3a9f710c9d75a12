package io.mlgate.audit.export;

import static io.mlgate.audit.export.StandardTrail.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.mlgate.audit.AuditEvent;
import io.mlgate.audit.EventCategory;
import io.mlgate.audit.EventData;
import io.mlgate.audit.IdentityType;
import io.mlgate.audit.UserIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvEventsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "plain            | plain",
            "a,b              | `\"a,b\"`",
            "say \"hi\"       | `\"say \"\"hi\"\"\"`",
            "=1+2             | '=1+2",
            "+SUM(A1)         | '+SUM(A1)",
            "-2+3             | '-2+3",
            "@cmd             | '@cmd",
            "=HYPERLINK(\"x\",1) | `\"'=HYPERLINK(\"\"x\"\",1)\"`",
            "a=b              | a=b",
            "''               | ''",
    })
    void quotesAndNeutralisesFormulas(String value, String expected) {
        assertThat(CsvEvents.field(value.strip())).isEqualTo(expected.strip());
    }

    @Test
    void lineBreaksAndLeadingControlCharacters() {
        assertThat(CsvEvents.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(CsvEvents.field("cr\rhere")).isEqualTo("\"cr\rhere\"");
        assertThat(CsvEvents.field("\tx")).isEqualTo("'\tx");
        assertThat(CsvEvents.field("")).isEmpty();
    }

    @Test
    void rowsHaveTheDocumentedColumns() throws IOException {
        AuditEvent e = TrailFixture.denied(t("10:20:00"));
        String csv = Records.render(ExportFormat.CSV, e.toJsonBytes());
        String[] lines = csv.split("\r\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("eventTime,eventID,eventSource,eventName,eventCategory,readOnly,"
                + "userIdentity.type,userIdentity.arn,userIdentity.accountId,userIdentity.accessKeyId,"
                + "userIdentity.userName,sourceIPAddress,userAgent,errorCode,errorMessage,resources,requestID,"
                + "policyDecision");
        assertThat(lines[1]).isEqualTo(String.join(",", "2026-11-26T10:20:00Z", e.eventID().toString(),
                "sagemaker.amazonaws.com", "DeleteEndpoint", "Management", "false", "IAMUser",
                "arn:aws:iam::123456789012:user/mallory", "123456789012", "AKIAEXAMPLEKEY000002", "mallory",
                "10.0.0.9", "aws-sdk-java/2.20", "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/mallory is not authorized to perform: "
                        + "sagemaker:DeleteEndpoint with an explicit deny",
                "arn:aws:sagemaker:us-east-1:123456789012:endpoint/iris", e.requestID(), "EXPLICIT_DENY"));
        assertThat(lines[2]).isEmpty();
    }

    @Test
    void hostileValuesInARecordCannotBreakTheRowOrInjectAFormula() throws IOException {
        AuditEvent e = AuditEvent.builder()
                .userIdentity(UserIdentity.builder(IdentityType.UNKNOWN).build())
                .eventTime(t("10:00:00"))
                .eventSource("sagemaker.amazonaws.com")
                .eventName("InvokeEndpoint")
                .awsRegion("us-east-1")
                .sourceIPAddress("10.0.0.1")
                .userAgent("=cmd|' /C calc'!A0,\"x\"\r\nnext")
                .error("-Boom", "@SUM(1)")
                .requestParameters(EventData.empty())
                .requestID("+1")
                .eventCategory(EventCategory.DATA)
                .build();
        String csv = Records.render(ExportFormat.CSV, e.toJsonBytes());
        String row = csv.substring(csv.indexOf("\r\n") + 2);
        assertThat(row).contains(",\"'=cmd|' /C calc'!A0,\"\"x\"\"\r\nnext\",")
                .contains(",'-Boom,'@SUM(1),")
                .contains(",'+1,")
                .endsWith("\r\n");
        assertThat(row).contains(",,Unknown,,,,,"); // readOnly and identity fields absent -> empty cells
        assertThat(csv.getBytes(StandardCharsets.UTF_8)[0]).isEqualTo((byte) 'e'); // no BOM
    }
}
