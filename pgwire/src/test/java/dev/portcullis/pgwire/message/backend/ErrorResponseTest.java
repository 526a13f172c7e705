package dev.portcullis.pgwire.message.backend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.protocol.ErrorField;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorResponseTest {

    /** The bytes PostgreSQL would send for these fields, assembled by hand. */
    private static byte[] expected(char tag, String... typeAndValue) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String field : typeAndValue) {
            body.writeBytes(field.getBytes(UTF_8));
            body.write(0);
        }
        body.write(0);
        ByteBuf out = Unpooled.buffer().writeByte(tag).writeInt(body.size() + 4).writeBytes(body.toByteArray());
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    private static byte[] encode(Encoder message) {
        ByteBuf out = Unpooled.buffer();
        message.encode(out);
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    private interface Encoder {
        void encode(ByteBuf out);
    }

    @Test
    void fatalCarriesSeverityTwiceCodeMessageAndHint() {
        ErrorResponse error = ErrorResponse.fatal(
                SqlState.INVALID_PASSWORD,
                "the access token is not valid",
                "run \"portcullis create session\" for a new one");
        assertEquals(
                ByteBufUtil.hexDump(expected(
                        'E',
                        "SFATAL",
                        "VFATAL",
                        "C28P01",
                        "Mthe access token is not valid",
                        "Hrun \"portcullis create session\" for a new one")),
                ByteBufUtil.hexDump(encode(error::encode)));
        assertTrue(error.isFatal());
        assertSame(SqlState.INVALID_PASSWORD, error.sqlState());
    }

    @Test
    void errorWithoutHintOmitsTheField() {
        ErrorResponse error =
                ErrorResponse.error(SqlState.INSUFFICIENT_PRIVILEGE, "policy dba-only denies this query", null);
        assertEquals(
                ByteBufUtil.hexDump(expected('E', "SERROR", "VERROR", "C42501", "Mpolicy dba-only denies this query")),
                ByteBufUtil.hexDump(encode(error::encode)));
        assertNull(error.fields().hint());
        assertEquals(false, error.isFatal());
    }

    @Test
    void detailAndExtraFieldsKeepTheirOrder() {
        ErrorResponse error = ErrorResponse.of(
                Severity.FATAL,
                SqlState.TOO_MANY_CONNECTIONS,
                "too many connections for service pg-db",
                "limit is 100",
                "try again later");
        assertEquals(
                ByteBufUtil.hexDump(expected(
                        'E',
                        "SFATAL",
                        "VFATAL",
                        "C53300",
                        "Mtoo many connections for service pg-db",
                        "Dlimit is 100",
                        "Htry again later")),
                ByteBufUtil.hexDump(encode(error::encode)));
        NoticeResponse notice =
                NoticeResponse.of(Severity.NOTICE, SqlState.SUCCESSFUL_COMPLETION, "session ends in 5 minutes", null);
        assertEquals(
                ByteBufUtil.hexDump(expected('N', "SNOTICE", "VNOTICE", "C00000", "Msession ends in 5 minutes")),
                ByteBufUtil.hexDump(encode(notice::encode)));
    }

    @Test
    void relayedFieldsRoundTripIncludingUnknownTypes() {
        Map<Byte, String> fields = new LinkedHashMap<>();
        fields.put(ErrorField.SEVERITY, "ERREUR");
        fields.put(ErrorField.SEVERITY_NON_LOCALIZED, "ERROR");
        fields.put(ErrorField.CODE, "23505");
        fields.put(ErrorField.MESSAGE, "la valeur d'une clé dupliquée rompt la contrainte unique");
        fields.put((byte) 'Z', "a field type from a future server");
        ErrorResponse relayed = new ErrorResponse(ErrorFields.of(fields));
        byte[] bytes = encode(relayed::encode);
        ByteBuf body = Unpooled.wrappedBuffer(bytes, 5, bytes.length - 5);
        ErrorResponse decoded = ErrorResponse.decode(body);
        body.release();
        assertEquals(relayed, decoded);
        assertEquals("ERROR", decoded.fields().severityNonLocalized());
        assertEquals(
                List.copyOf(fields.keySet()),
                List.copyOf(decoded.fields().asMap().keySet()));
        assertEquals(SqlState.of("23505"), decoded.sqlState());
    }

    @Test
    void builderRequiresTheThreeAlwaysPresentFields() {
        assertThrows(
                IllegalStateException.class,
                () -> ErrorFields.builder()
                        .severity(Severity.ERROR)
                        .message("no code")
                        .build());
        assertThrows(IllegalArgumentException.class, () -> ErrorFields.builder().field(ErrorField.TERMINATOR, "x"));
        ErrorResponse withNul = ErrorResponse.error(SqlState.INTERNAL_ERROR, "a\0b", null);
        assertThrows(IllegalArgumentException.class, () -> encode(withNul::encode));
    }

    @Test
    void sqlStates() {
        assertEquals("08P01", SqlState.PROTOCOL_VIOLATION.code());
        assertEquals("protocol_violation", SqlState.PROTOCOL_VIOLATION.conditionName());
        assertEquals("28", SqlState.INVALID_PASSWORD.sqlClass());
        assertSame(SqlState.ADMIN_SHUTDOWN, SqlState.of("57P01"));
        assertEquals(new SqlState("57014", ""), SqlState.QUERY_CANCELED, "equal by code");
        assertNotEquals(SqlState.QUERY_CANCELED, SqlState.ADMIN_SHUTDOWN);
        assertEquals("22012", SqlState.of("22012").toString());
        assertEquals("53300 too_many_connections", SqlState.TOO_MANY_CONNECTIONS.toString());
        for (String bad : List.of("2800", "280001", "28p01", "28 01")) {
            assertThrows(IllegalArgumentException.class, () -> SqlState.of(bad));
        }
        // a garbage code from a server does not break decoding, it just has no SqlState
        ErrorFields garbage = ErrorFields.of(Map.of(ErrorField.CODE, "oops"));
        assertNull(garbage.sqlState());
    }
}
