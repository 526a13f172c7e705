package dev.portcullis.pgwire.message.frontend;

import static dev.portcullis.pgwire.Hex.bytes;
import static dev.portcullis.pgwire.message.frontend.PasswordMessageKind.PASSWORD;
import static dev.portcullis.pgwire.message.frontend.PasswordMessageKind.SASL_INITIAL_RESPONSE;
import static dev.portcullis.pgwire.message.frontend.PasswordMessageKind.SASL_RESPONSE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.Transcripts;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.copy.CopyData;
import dev.portcullis.pgwire.message.copy.CopyDone;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontendMessagesTest {

    /** A real message and how its {@code 'p'} tag is to be read. */
    record Sample(String hex, PasswordMessageKind kind) {}

    /** Every frontend message recorded from psql and pgjdbc. */
    static List<Sample> realMessages() {
        List<Sample> samples = new ArrayList<>();
        for (List<String> scram : List.of(Transcripts.PSQL_FRONTEND, Transcripts.PGJDBC_SCRAM_FRONTEND)) {
            samples.add(new Sample(scram.get(0), SASL_INITIAL_RESPONSE));
            samples.add(new Sample(scram.get(1), SASL_RESPONSE));
            scram.stream().skip(2).forEach(hex -> samples.add(new Sample(hex, PASSWORD)));
        }
        for (List<String> transcript : List.of(
                Transcripts.MD5_FRONTEND,
                Transcripts.CLEARTEXT_FRONTEND,
                Transcripts.COPY_FRONTEND,
                Transcripts.PGJDBC_PIPELINE_FRONTEND,
                Transcripts.PGJDBC_FETCH_FRONTEND,
                Transcripts.PGJDBC_FASTPATH_FRONTEND)) {
            transcript.forEach(hex -> samples.add(new Sample(hex, PASSWORD)));
        }
        return samples;
    }

    static FrontendMessage decode(String hex, PasswordMessageKind kind) {
        byte[] message = bytes(hex);
        ByteBuf body = Unpooled.wrappedBuffer(message, 5, message.length - 5);
        try {
            return FrontendMessages.decode(message[0], body, kind);
        } finally {
            body.release();
        }
    }

    static FrontendMessage decode(String hex) {
        return decode(hex, PASSWORD);
    }

    static byte[] encode(FrontendMessage message) {
        ByteBuf out = message.encode(ByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    @Test
    void everyRecordedMessageReEncodesByteForByte() {
        for (Sample sample : realMessages()) {
            FrontendMessage decoded = decode(sample.hex(), sample.kind());
            assertArrayEquals(bytes(sample.hex()), encode(decoded), decoded.toString());
            assertEquals(decoded, decode(sample.hex(), sample.kind()), "equals is by value");
        }
    }

    @Test
    void pgjdbcExtendedQueryPipeline() {
        List<String> pipeline = Transcripts.PGJDBC_PIPELINE_FRONTEND;
        assertEquals(
                new Parse("", "select $1::int + 1 as n, $2::text as t", List.of(23, 1043)), decode(pipeline.get(0)));
        Bind bind = (Bind) decode(pipeline.get(1));
        assertEquals("", bind.portal());
        assertEquals("", bind.statement());
        assertEquals(List.of(1, 0), bind.parameterFormats());
        assertEquals(1, bind.parameterFormat(0));
        assertArrayEquals(new byte[] {0, 0, 0, 41}, bind.parameterValues().get(0));
        assertArrayEquals("hi".getBytes(UTF_8), bind.parameterValues().get(1));
        assertEquals(List.of(), bind.resultFormats());
        assertEquals(new Describe(Target.PORTAL, ""), decode(pipeline.get(2)));
        assertEquals(new Execute("", 0), decode(pipeline.get(3)));
        assertEquals(Sync.INSTANCE, decode(pipeline.get(4)));
        Bind withNull = (Bind) decode(pipeline.get(6));
        assertNull(withNull.parameterValues().get(0), "SQL NULL is length -1");
        assertArrayEquals("x".getBytes(UTF_8), withNull.parameterValues().get(1));
        assertEquals(Terminate.INSTANCE, decode(pipeline.get(10)));
    }

    @Test
    void pgjdbcNamedPortalWithRowLimit() {
        List<String> fetch = Transcripts.PGJDBC_FETCH_FRONTEND;
        assertEquals(new Query("BEGIN"), decode(fetch.get(1)));
        Bind bind = (Bind) decode(fetch.get(3));
        assertEquals("C_1", bind.portal());
        assertEquals(0, bind.parameterFormat(5), "no formats means text");
        assertEquals(new Describe(Target.PORTAL, "C_1"), decode(fetch.get(4)));
        assertEquals(new Execute("C_1", 2), decode(fetch.get(5)));
        assertEquals(new Close(Target.PORTAL, "C_1"), decode(fetch.get(11)));
        assertEquals(new Parse("S_2", "COMMIT", List.of()), decode(fetch.get(12)));
    }

    @Test
    void pgjdbcLargeObjectFastPath() {
        List<String> calls = Transcripts.PGJDBC_FASTPATH_FRONTEND;
        FunctionCall create = (FunctionCall) decode(calls.get(0));
        assertEquals(957, create.functionOid(), "lo_creat");
        assertEquals(List.of(1), create.argumentFormats());
        assertArrayEquals(new byte[] {0, 6, 0, 0}, create.arguments().get(0));
        assertEquals(1, create.resultFormat());
        FunctionCall write = (FunctionCall) decode(calls.get(2));
        assertEquals(955, write.functionOid(), "lowrite");
        assertArrayEquals(new byte[] {1, 2, 3}, write.arguments().get(1));
        assertEquals(
                "FunctionCall[functionOid=955, argumentFormats=[1, 1], arguments=[4 bytes, "
                        + "3 bytes], resultFormat=1]",
                write.toString());
    }

    @Test
    void psqlSimpleQueriesAndCopy() {
        assertEquals(new Query(""), decode(Transcripts.PSQL_FRONTEND.get(2)));
        assertEquals(new Query("select 1 as one"), decode(Transcripts.PSQL_FRONTEND.get(3)));
        List<String> copy = Transcripts.COPY_FRONTEND;
        assertEquals(new Query("COPY  t FROM STDIN "), decode(copy.get(1)));
        assertEquals(new CopyData("1\tone\n2\ttwo\n".getBytes(UTF_8)), decode(copy.get(2)));
        assertEquals(CopyDone.INSTANCE, decode(copy.get(3)));
        assertEquals("CopyData[12 bytes]", decode(copy.get(2)).toString());
    }

    @Test
    void passwordFamilyIsReadAsTheExchangeSays() {
        assertEquals(new PasswordMessage("clearpass"), decode(Transcripts.CLEARTEXT_FRONTEND.get(0)));
        assertEquals(
                new PasswordMessage("md5e95b8e7cd2d87d641d3f91876950cec8"), decode(Transcripts.MD5_FRONTEND.get(0)));
        SASLInitialResponse initial =
                (SASLInitialResponse) decode(Transcripts.PSQL_FRONTEND.get(0), SASL_INITIAL_RESPONSE);
        assertEquals("SCRAM-SHA-256", initial.mechanism());
        assertEquals("n,,n=,r=S66GJzPKsrWptriSHTwXP0U+", new String(initial.data(), UTF_8));
        SASLResponse response = (SASLResponse) decode(Transcripts.PSQL_FRONTEND.get(1), SASL_RESPONSE);
        assertTrue(new String(response.data(), UTF_8).startsWith("c=biws,r=S66GJzPKsrWptriSHTwXP0U+"));
        // a SASLInitialResponse without data (length -1) is legal
        SASLInitialResponse empty = new SASLInitialResponse("SCRAM-SHA-256", null);
        assertEquals(empty, decode(ByteBufUtil.hexDump(encode(empty)), SASL_INITIAL_RESPONSE));
    }

    @Test
    void secretsNeverReachToString() {
        String[] shown = {
            new PasswordMessage("clearpass").toString(),
            decode(Transcripts.PSQL_FRONTEND.get(0), SASL_INITIAL_RESPONSE).toString(),
            decode(Transcripts.PSQL_FRONTEND.get(1), SASL_RESPONSE).toString(),
        };
        for (String text : shown) {
            assertTrue(text.contains("<not shown>"), text);
            assertFalse(text.contains("clearpass") || text.contains("r=") || text.contains("p="), text);
        }
        assertEquals(
                "Bind[portal=, statement=, parameterFormats=[1, 0], parameterValues=[4 bytes, "
                        + "2 bytes], resultFormats=[]]",
                decode(Transcripts.PGJDBC_PIPELINE_FRONTEND.get(1)).toString());
    }

    /** Any strict prefix of a body that does not end in "the rest" must fail cleanly. */
    @Test
    void everyTruncationIsAProtocolViolationNotAnIndexError() {
        for (Sample sample : realMessages()) {
            byte[] message = bytes(sample.hex());
            byte tag = message[0];
            boolean takesTheRest = tag == 'd' || (tag == 'p' && sample.kind() == SASL_RESPONSE);
            if (takesTheRest || message.length == 5) {
                continue;
            }
            for (int cut = 5; cut < message.length; cut++) {
                String truncated = ByteBufUtil.hexDump(Arrays.copyOf(message, cut));
                ProtocolException e = assertThrows(
                        ProtocolException.class,
                        () -> decode(truncated, sample.kind()),
                        () -> sample + " cut at " + truncated);
                assertTrue(e.getMessage().startsWith("invalid"), e.getMessage());
            }
        }
    }

    @Test
    void randomBodiesNeverEscapeAsAnythingButProtocolException() {
        Random random = new Random(20240607);
        byte[] tags = "BCdcfDEHFPpQSX".getBytes(UTF_8);
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[random.nextInt(24)];
            random.nextBytes(body);
            if (random.nextBoolean() && body.length > 0) {
                body[body.length - 1] = 0;
            }
            ByteBuf buffer = Unpooled.wrappedBuffer(body);
            try {
                FrontendMessages.decode(
                        tags[random.nextInt(tags.length)], buffer, PasswordMessageKind.values()[random.nextInt(3)]);
            } catch (ProtocolException expected) {
                // the only acceptable failure
            } finally {
                buffer.release();
            }
        }
    }

    @Test
    void malformedMessages() {
        // Bind: a parameter length of -2
        assertRefused("42000000100000" + "0000" + "0001" + "fffffffe" + "0000", "has length -2");
        // Bind: a parameter longer than the message
        assertRefused("42000000120000" + "0000" + "0001" + "00000010" + "6162" + "0000", "is truncated");
        // Bind: 2 formats for 3 parameters (PostgreSQL: protocol violation too)
        assertRefused("420000000e0000" + "0002" + "00010001" + "0003", "2 parameter formats but 3 parameters");
        // Describe with an unknown kind
        assertRefused("44000000065800", "invalid DESCRIBE message subtype 88");
        assertRefused("43000000065800", "invalid CLOSE message subtype 88");
        // Sync with a body
        assertRefused("530000000500", "unexpected bytes at the end of Sync");
        // Query followed by junk after its NUL
        assertRefused("510000000841004200", "unexpected bytes at the end of Query");
        // FunctionCall: 2 formats for 1 argument
        assertRefused(
                "4600000014" + "00000001" + "0002" + "00000000" + "0001" + "00000000", "2 argument formats but 1");
        // a backend-only tag
        assertRefused("5a0000000549", "unknown frontend message type 'Z'");
    }

    @Test
    void encodersRefuseWhatTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> encode(new Query("select '\0'")));
        assertThrows(
                IllegalArgumentException.class, () -> new Bind("", "", List.of(0, 1), List.of(new byte[0]), List.of()));
        List<Integer> tooMany = new ArrayList<>();
        for (int i = 0; i < 65536; i++) {
            tooMany.add(23);
        }
        assertThrows(IllegalArgumentException.class, () -> encode(new Parse("", "x", tooMany)));
        // 65535 parameters is the protocol maximum and must survive a round trip
        Parse max = new Parse("", "x", tooMany.subList(0, 65535));
        assertEquals(max, decode(ByteBufUtil.hexDump(encode(max))));
    }

    private static void assertRefused(String hex, String messagePart) {
        byte[] message = bytes(hex);
        assertEquals(message.length - 1, Unpooled.wrappedBuffer(message).getInt(1), "test bytes");
        ProtocolException e = assertThrows(ProtocolException.class, () -> decode(hex));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
