package dev.portcullis.pgwire.message.backend;

import static dev.portcullis.pgwire.Hex.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.Transcripts;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.message.copy.CopyData;
import dev.portcullis.pgwire.message.copy.CopyDone;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackendMessagesTest {

    static List<String> realMessages() {
        List<String> all = new ArrayList<>();
        for (List<String> transcript : List.of(
                Transcripts.PSQL_BACKEND,
                Transcripts.PSQL_PREFER_BACKEND,
                Transcripts.PSQL_ERRORS_BACKEND,
                Transcripts.MD5_BACKEND,
                Transcripts.CLEARTEXT_BACKEND,
                Transcripts.COPY_BACKEND,
                Transcripts.PGJDBC_SCRAM_BACKEND,
                Transcripts.PGJDBC_FETCH_BACKEND,
                Transcripts.PGJDBC_FASTPATH_BACKEND,
                Transcripts.PGJDBC_PIPELINE_BACKEND,
                Transcripts.NOTIFY_BACKEND)) {
            all.addAll(transcript);
        }
        return all;
    }

    static BackendMessage decode(String hex) {
        byte[] message = bytes(hex);
        ByteBuf body = Unpooled.wrappedBuffer(message, 5, message.length - 5);
        try {
            return BackendMessages.decode(message[0], body);
        } finally {
            body.release();
        }
    }

    static byte[] encode(BackendMessage message) {
        ByteBuf out = message.encode(ByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    static void assertRoundTrip(BackendMessage message) {
        assertEquals(message, decode(ByteBufUtil.hexDump(encode(message))));
    }

    @Test
    void everyRecordedMessageReEncodesByteForByte() {
        for (String hex : realMessages()) {
            BackendMessage decoded = decode(hex);
            assertArrayEquals(bytes(hex), encode(decoded), decoded.toString());
            assertEquals(decoded, decode(hex));
        }
    }

    @Test
    void scramLoginAsPostgresSendsIt() {
        List<String> login = Transcripts.PSQL_BACKEND;
        assertEquals(new AuthenticationSASL(List.of("SCRAM-SHA-256")), decode(login.get(0)));
        AuthenticationSASLContinue serverFirst = (AuthenticationSASLContinue) decode(login.get(1));
        assertEquals(
                "r=S66GJzPKsrWptriSHTwXP0U+BcNTf+sfOrEbwvw1Kr7+1EhG,s=u86zucbMK2gVCjpP41ZZeQ==," + "i=4096",
                new String(serverFirst.data(), UTF_8));
        AuthenticationSASLFinal serverFinal = (AuthenticationSASLFinal) decode(login.get(2));
        assertEquals("v=QyzgZMPeIONn67txX+petO0K6BwK0WXDwvV2hgeBz3Q=", new String(serverFinal.data(), UTF_8));
        assertEquals(AuthenticationOk.INSTANCE, decode(login.get(3)));
        assertEquals(new ParameterStatus("application_name", "psql"), decode(login.get(4)));
        assertEquals(new ParameterStatus("server_version", "15.18 (Debian 15.18-0+deb12u1)"), decode(login.get(13)));
        BackendKeyData key = (BackendKeyData) decode(login.get(17));
        assertEquals(new BackendKeyData(0x1b42, bytes("6e84ddaa")), key);
        assertEquals(ReadyForQuery.IDLE, decode(login.get(18)));
        assertEquals(EmptyQueryResponse.INSTANCE, decode(login.get(19)));
    }

    @Test
    void otherLoginMethods() {
        AuthenticationMD5Password md5 = (AuthenticationMD5Password) decode(Transcripts.MD5_BACKEND.get(0));
        assertArrayEquals(bytes("95710b24"), md5.salt());
        assertEquals(AuthenticationCode.MD5_PASSWORD, md5.code());
        assertEquals(AuthenticationCleartextPassword.INSTANCE, decode(Transcripts.CLEARTEXT_BACKEND.get(0)));
        // over TLS PostgreSQL offers the channel-bound variant first (constructed, same layout)
        AuthenticationSASL plus = new AuthenticationSASL(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"));
        assertEquals(
                "520000002a0000000a" + ByteBufUtil.hexDump("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0".getBytes(UTF_8)),
                ByteBufUtil.hexDump(encode(plus)));
        assertRoundTrip(plus);
        // GSSAPI (code 7), which Portcullis cannot do, decodes so the refusal can name it
        AuthenticationUnsupported gss = (AuthenticationUnsupported) decode("520000000800000007");
        assertEquals("AuthenticationGSS", gss.name());
        assertRoundTrip(gss);
    }

    @Test
    void rowsErrorsAndNotices() {
        List<String> session = Transcripts.PSQL_ERRORS_BACKEND;
        RowDescription columns = (RowDescription) decode(session.get(19));
        assertEquals(
                List.of(
                        new RowDescription.Field("one", 0, 0, 23, 4, -1, 0),
                        new RowDescription.Field("t", 0, 0, 25, -1, -1, 0),
                        new RowDescription.Field("n", 0, 0, 23, 4, -1, 0)),
                columns.fields());
        DataRow row = (DataRow) decode(session.get(20));
        assertArrayEquals("1".getBytes(UTF_8), row.values().get(0));
        assertArrayEquals("x".getBytes(UTF_8), row.values().get(1));
        assertEquals(null, row.values().get(2));
        assertEquals("DataRow[1 bytes, 1 bytes, NULL]", row.toString());
        assertEquals(new CommandComplete("SELECT 1"), decode(session.get(21)));

        ErrorResponse error = (ErrorResponse) decode(session.get(23));
        assertEquals(SqlState.of("22012"), error.sqlState());
        assertEquals("division by zero", error.message());
        assertEquals("ERROR", error.fields().severity());
        assertEquals("int.c", error.fields().get((byte) 'F'));
        assertFalse(error.isFatal());

        NoticeResponse notice = (NoticeResponse) decode(session.get(25));
        assertEquals("hello", notice.message());
        assertEquals("NOTICE", notice.fields().severityNonLocalized());
        assertEquals(
                "PL/pgSQL function inline_code_block line 1 at RAISE",
                notice.fields().where());

        ErrorResponse fatal = (ErrorResponse) decode(Transcripts.PSQL_PREFER_BACKEND.get(2));
        assertTrue(fatal.isFatal());
        assertEquals(SqlState.INVALID_PASSWORD, fatal.sqlState());
        assertEquals("password authentication failed for user \"alice\"", fatal.message());
    }

    @Test
    void extendedProtocolReplies() {
        List<String> replies = Transcripts.PGJDBC_PIPELINE_BACKEND;
        assertEquals(ParseComplete.INSTANCE, decode(replies.get(0)));
        assertEquals(BindComplete.INSTANCE, decode(replies.get(1)));
        assertEquals(2, ((RowDescription) decode(replies.get(2))).fields().size());
        assertEquals(2, DataRow.fieldCount(Unpooled.wrappedBuffer(bytes(replies.get(3)), 5, 2)));
        List<String> fetch = Transcripts.PGJDBC_FETCH_BACKEND;
        assertEquals(new ReadyForQuery(TransactionStatus.IN_TRANSACTION), decode(fetch.get(5)));
        assertEquals(PortalSuspended.INSTANCE, decode(fetch.get(11)));
        assertEquals(CloseComplete.INSTANCE, decode(fetch.get(20)));
        assertEquals(new FunctionCallResponse(bytes("0000400e")), decode(Transcripts.PGJDBC_FASTPATH_BACKEND.get(0)));
    }

    @Test
    void copyAndNotifications() {
        List<String> copy = Transcripts.COPY_BACKEND;
        assertEquals(new CopyInResponse(0, List.of(0, 0)), decode(copy.get(17)));
        assertEquals(new CopyOutResponse(0, List.of(0, 0)), decode(copy.get(20)));
        assertEquals(new CopyData("1\tone\n".getBytes(UTF_8)), decode(copy.get(21)));
        assertEquals(CopyDone.INSTANCE, decode(copy.get(23)));
        assertEquals(new NotificationResponse(0x1ba9, "ch", "payload"), decode(Transcripts.NOTIFY_BACKEND.get(0)));
    }

    @Test
    void messagesNoRecordedSessionContained() {
        assertRoundTrip(NoData.INSTANCE);
        assertEquals("6e00000004", ByteBufUtil.hexDump(encode(NoData.INSTANCE)));
        assertRoundTrip(new ParameterDescription(List.of(23, 25, -1)));
        assertRoundTrip(new NegotiateProtocolVersion(0, List.of("_pq_.compression")));
        assertRoundTrip(new CopyBothResponse(1, List.of()));
        assertRoundTrip(new FunctionCallResponse(null));
        byte[] longKey = new byte[32];
        Arrays.fill(longKey, (byte) 7);
        assertRoundTrip(new BackendKeyData(42, longKey));
        assertRoundTrip(NoticeResponse.of(Severity.WARNING, SqlState.WARNING, "careful", "a hint"));
    }

    @Test
    void secretsNeverReachToString() {
        List<BackendMessage> secret = List.of(
                decode(Transcripts.PSQL_BACKEND.get(1)),
                decode(Transcripts.PSQL_BACKEND.get(2)),
                decode(Transcripts.PSQL_BACKEND.get(17)),
                decode(Transcripts.MD5_BACKEND.get(0)));
        for (BackendMessage message : secret) {
            String text = message.toString();
            assertTrue(text.contains("<not shown>"), text);
            assertFalse(text.contains("r=") || text.contains("v=") || text.contains("1852104106"), text);
        }
    }

    @Test
    void everyTruncationIsAProtocolViolationNotAnIndexError() {
        for (String hex : realMessages()) {
            byte[] message = bytes(hex);
            boolean takesTheRest = message[0] == 'd'
                    || (message[0] == 'R'
                            && message.length > 8
                            && (message[8] == AuthenticationCode.SASL_CONTINUE
                                    || message[8] == AuthenticationCode.SASL_FINAL));
            if (takesTheRest || message.length == 5) {
                continue;
            }
            for (int cut = 5; cut < message.length; cut++) {
                String truncated = ByteBufUtil.hexDump(Arrays.copyOf(message, cut));
                assertThrows(ProtocolException.class, () -> decode(truncated), () -> truncated);
            }
        }
    }

    @Test
    void randomBodiesNeverEscapeAsAnythingButProtocolException() {
        Random random = new Random(7677);
        byte[] tags = "RK23CdcGHWDIEVvnNAtS1sZT".getBytes(UTF_8);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[random.nextInt(24)];
            random.nextBytes(body);
            if (random.nextBoolean() && body.length > 4) {
                body[0] = 0;
                body[1] = 0;
                body[2] = 0;
                body[3] = (byte) random.nextInt(13);
            }
            ByteBuf buffer = Unpooled.wrappedBuffer(body);
            try {
                BackendMessages.decode(tags[random.nextInt(tags.length)], buffer);
            } catch (ProtocolException expected) {
                // the only acceptable failure
            } finally {
                buffer.release();
            }
        }
    }

    @Test
    void malformedMessages() {
        // ReadyForQuery with an unknown status
        assertRefused("5a0000000558", "transaction status 88");
        // an error field list without its final terminator
        assertRefused("450000000b53455252".concat("4f5200"), "field type is truncated");
        // BackendKeyData with a 3-byte key
        assertRefused("4b0000000b00000001aabbcc", "secret key of 3 bytes");
        // an MD5 request with a 3-byte salt
        assertRefused("520000000b00000005aabbcc", "MD5 salt is truncated");
        // AuthenticationSASL whose list is not terminated
        assertRefused("52000000160000000a534352414d2d5348412d32353600", "not terminated");
        // NegotiateProtocolVersion claiming more options than bytes
        assertRefused("760000000c" + "00000000" + "00000001", "lists 1 options");
        // CopyOutResponse with overall format 2
        assertRefused("4800000007020000", "overall format 2");
        // a frontend-only tag
        assertRefused("5100000004", "unknown backend message type 'Q'");
        assertInstanceOf(
                ProtocolException.class,
                assertThrows(ProtocolException.class, () -> DataRow.fieldCount(Unpooled.buffer())));
    }

    private static void assertRefused(String hex, String messagePart) {
        byte[] message = bytes(hex);
        assertEquals(message.length - 1, Unpooled.wrappedBuffer(message).getInt(1), "test bytes");
        ProtocolException e = assertThrows(ProtocolException.class, () -> decode(hex));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
