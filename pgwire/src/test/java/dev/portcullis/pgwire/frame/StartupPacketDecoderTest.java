package dev.portcullis.pgwire.frame;

import static dev.portcullis.pgwire.Hex.bytes;
import static dev.portcullis.pgwire.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.Feeder;
import dev.portcullis.pgwire.InvalidMessageLengthException;
import dev.portcullis.pgwire.MessageTooLargeException;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.Transcripts;
import dev.portcullis.pgwire.message.backend.NegotiateProtocolVersion;
import dev.portcullis.pgwire.message.frontend.CancelRequest;
import dev.portcullis.pgwire.message.frontend.GSSENCRequest;
import dev.portcullis.pgwire.message.frontend.SSLRequest;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.pgwire.message.frontend.StartupPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupPacketDecoderTest {

    /** Decodes {@code stream} at every cut with every allocator; all must give {@code expected}. */
    static void assertDecodesAtEveryCut(byte[] stream, List<StartupPacket> expected) {
        for (ByteBufAllocator allocator : Feeder.ALLOCATORS) {
            for (List<byte[]> pieces : Feeder.everyCut(stream)) {
                Feeder feeder = new Feeder(allocator);
                StartupPacketDecoder decoder = new StartupPacketDecoder();
                Feeder.Fed<StartupPacket> fed = feeder.feed(pieces, decoder::next);
                assertEquals(expected, fed.outputs());
                assertEquals(0, fed.leftover().length);
                feeder.assertAllReleased();
            }
        }
    }

    @Test
    void psql15StartupMessageKeepsParameterOrder() {
        byte[] packet = bytes(Transcripts.PSQL_STARTUP.get(0));
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", "alice");
        parameters.put("database", "db01");
        parameters.put("application_name", "psql");
        parameters.put("client_encoding", "UTF8");
        StartupMessage expected = StartupMessage.of(parameters);
        assertDecodesAtEveryCut(packet, List.of(expected));

        StartupMessage decoded = decode(packet);
        assertEquals(
                List.of("user", "database", "application_name", "client_encoding"),
                List.copyOf(decoded.parameters().keySet()));
        assertEquals(3, decoded.majorVersion());
        assertEquals(0, decoded.minorVersion());
        assertEquals("alice", decoded.user());
        assertEquals("db01", decoded.databaseOrUser());
        assertEquals("psql", decoded.applicationName());
        assertTrue(NegotiateProtocolVersion.required(decoded).isEmpty());
        assertArrayEquals(packet, encode(decoded));
    }

    @Test
    void pgjdbcStartupMessage() {
        byte[] packet = bytes(Transcripts.PGJDBC_STARTUP.get(0));
        StartupMessage decoded = decode(packet);
        assertEquals(
                Map.of(
                        "user",
                        "alice",
                        "database",
                        "db01",
                        "client_encoding",
                        "UTF8",
                        "DateStyle",
                        "ISO",
                        "TimeZone",
                        "Etc/UTC"),
                decoded.parameters());
        assertNull(decoded.applicationName());
        assertArrayEquals(packet, encode(decoded));
        assertDecodesAtEveryCut(packet, List.of(decoded));
    }

    @Test
    void databaseDefaultsToTheUserAsInPostgres() {
        StartupMessage noDatabase = StartupMessage.of(Map.of("user", "bob"));
        assertNull(noDatabase.database());
        assertEquals("bob", noDatabase.databaseOrUser());
    }

    @Test
    void sslRequestThenStartupMessageCoalescedOrSplitAnywhere() {
        // psql with sslmode=prefer: SSLRequest, and after the server's 'N', the StartupMessage
        byte[] stream = concat(Transcripts.PSQL_PREFER_STARTUP);
        assertEquals("0000000804d2162f", Transcripts.PSQL_PREFER_STARTUP.get(0));
        assertDecodesAtEveryCut(
                stream, List.of(SSLRequest.INSTANCE, decode(bytes(Transcripts.PSQL_PREFER_STARTUP.get(1)))));
    }

    @Test
    void sslRequestLeavesPipelinedBytesForTheCallerToRefuse() {
        // CVE-2021-23214: the caller must see that plaintext followed the request
        ByteBuf in = Unpooled.wrappedBuffer(concat(Transcripts.PSQL_PREFER_STARTUP));
        assertSame(SSLRequest.INSTANCE, new StartupPacketDecoder().next(in));
        assertTrue(in.isReadable());
        in.release();
    }

    @Test
    void gssencRequest() {
        // libpq sends this with gssencmode=prefer when built with GSSAPI (constructed: 8, 1234.5680)
        byte[] packet = bytes("0000000804d21630");
        assertDecodesAtEveryCut(packet, List.of(GSSENCRequest.INSTANCE));
        assertArrayEquals(packet, encode(GSSENCRequest.INSTANCE));
    }

    @Test
    void pgjdbcCancelRequest() {
        byte[] packet = bytes(Transcripts.PGJDBC_CANCEL.get(0));
        CancelRequest expected = new CancelRequest(0x1b60, bytes("f62c04c5"));
        assertDecodesAtEveryCut(packet, List.of(expected));
        assertArrayEquals(packet, encode(expected));
        assertFalse(expected.toString().contains("f62c04c5"), "cancel key printed");
        assertFalse(expected.toString().contains(Integer.toString(0xf62c04c5)));
    }

    @Test
    void postgres18CancelRequestWithALongKey() {
        // protocol 3.2 keys are up to 256 bytes; constructed: length 8+4+32 = 44
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (0xa0 + i);
        }
        byte[] packet = concat(bytes("0000002c04d2162e000004d2"), key);
        CancelRequest expected = new CancelRequest(1234, key);
        assertDecodesAtEveryCut(packet, List.of(expected));
        assertArrayEquals(packet, encode(expected));

        assertEquals(
                256,
                StartupPacketDecoderTest.<CancelRequest>decode(cancelWithKeyLength(256))
                        .secretKey()
                        .length);
        assertRefused(cancelWithKeyLength(3), "secret key of 3 bytes");
        assertRefused(cancelWithKeyLength(257), "secret key of 257 bytes");
    }

    private static byte[] cancelWithKeyLength(int keyLength) {
        ByteBuf out = Unpooled.buffer();
        out.writeInt(12 + keyLength).writeInt(80877102).writeInt(42).writeZero(keyLength);
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    @Test
    void protocol32IsAcceptedAndNegotiatedDown() {
        StartupMessage requested = new StartupMessage(3 << 16 | 2, Map.of("user", "alice", "_pq_.test_option", "on"));
        StartupMessage decoded = decode(encode(requested));
        assertEquals(2, decoded.minorVersion());
        NegotiateProtocolVersion negotiation =
                NegotiateProtocolVersion.required(decoded).orElseThrow();
        assertEquals(0, negotiation.newestMinorVersion());
        assertEquals(List.of("_pq_.test_option"), negotiation.unrecognizedOptions());
    }

    @Test
    void protocol2IsRefusedWithFeatureNotSupported() {
        // a version 2.0 startup packet, as pre-7.4 clients sent
        ProtocolException e =
                assertRefused(bytes("0000000d00020000" + "7573657200"), "unsupported frontend protocol 2.0");
        assertEquals(SqlState.FEATURE_NOT_SUPPORTED, e.sqlState());
        // and a request code nobody defined
        assertRefused(bytes("0000000804d21631"), "unsupported frontend protocol 1234.5681");
    }

    @Test
    void lengthsOutsideEightToTenThousandAreRefusedBeforeTheBodyArrives() {
        for (String length : List.of("00000007", "00000000", "ffffffff", "80000000")) {
            ByteBuf in = Unpooled.wrappedBuffer(bytes(length));
            assertThrows(InvalidMessageLengthException.class, () -> new StartupPacketDecoder().next(in));
            in.release();
        }
        ByteBuf in = Unpooled.wrappedBuffer(bytes("00002711"));
        MessageTooLargeException e =
                assertThrows(MessageTooLargeException.class, () -> new StartupPacketDecoder().next(in));
        assertEquals(10001, e.length());
        assertEquals(10000, e.limit());
        in.release();
        // 10000 is still fine
        Map<String, String> big = Map.of("user", "u", "options", "x".repeat(10000 - 25));
        assertEquals(10000, encode(StartupMessage.of(big)).length);
        assertEquals(
                big,
                StartupPacketDecoderTest.<StartupMessage>decode(encode(StartupMessage.of(big)))
                        .parameters());
    }

    @Test
    void malformedLayoutsAreProtocolViolations() {
        // missing final terminator: user\0alice\0 then the packet ends
        assertRefused(packet("7573657200616c69636500"), "expected terminator as last byte");
        // value cut off before its NUL
        assertRefused(packet("7573657200616c696365"), "not NUL-terminated");
        // name cut off before its NUL
        assertRefused(packet("75736572"), "not NUL-terminated");
        // bytes after the terminator
        assertRefused(packet("7573657200616c696365000041"), "expected terminator as last byte");
        // no parameters and no terminator at all
        assertRefused(packet(""), "expected terminator as last byte");
        // the same parameter twice: which user was authorized?
        assertRefused(packet("7573657200616c69636500757365720065766500" + "00"), "appears twice");
        // SSLRequest with trailing bytes
        assertRefused(bytes("0000000904d2162f00"), "unexpected bytes at the end of SSLRequest");
    }

    @Test
    void refusedPacketLeavesTheInputWhereItWas() {
        ByteBuf in = Unpooled.wrappedBuffer(packet("75736572"));
        assertThrows(ProtocolException.class, () -> new StartupPacketDecoder().next(in));
        assertEquals(0, in.readerIndex());
        in.release();
    }

    @Test
    void startupMessageRefusesWhatCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class, () -> StartupMessage.of(Map.of("", "x")));
        StartupMessage withNul = StartupMessage.of(Map.of("user", "a\0b"));
        assertThrows(IllegalArgumentException.class, () -> encode(withNul));
    }

    /** A 3.0 StartupMessage packet around {@code hexParameters}. */
    private static byte[] packet(String hexParameters) {
        byte[] parameters = bytes(hexParameters);
        ByteBuf out = Unpooled.buffer();
        out.writeInt(8 + parameters.length).writeInt(196608).writeBytes(parameters);
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    private static ProtocolException assertRefused(byte[] packet, String messagePart) {
        ByteBuf in = Unpooled.wrappedBuffer(packet);
        try {
            ProtocolException e = assertThrows(ProtocolException.class, () -> new StartupPacketDecoder().next(in));
            assertTrue(e.getMessage().contains(messagePart), e.getMessage());
            return e;
        } finally {
            in.release();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends StartupPacket> T decode(byte[] packet) {
        ByteBuf in = Unpooled.wrappedBuffer(packet);
        try {
            T decoded = (T) new StartupPacketDecoder().next(in);
            assertFalse(in.isReadable());
            return decoded;
        } finally {
            in.release();
        }
    }

    private static byte[] encode(StartupPacket packet) {
        ByteBuf out = packet.encode(ByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
