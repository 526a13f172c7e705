package dev.portcullis.pgwire.frame;

import static dev.portcullis.pgwire.Hex.bytes;
import static dev.portcullis.pgwire.Hex.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.Feeder;
import dev.portcullis.pgwire.InvalidMessageLengthException;
import dev.portcullis.pgwire.MessageTooLargeException;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.Transcripts;
import dev.portcullis.pgwire.message.frontend.Bind;
import dev.portcullis.pgwire.message.frontend.FrontendMessages;
import dev.portcullis.pgwire.message.frontend.Query;
import dev.portcullis.pgwire.protocol.Direction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class FrameDecoderTest {

    static final List<ByteBufAllocator> ALLOCATORS = Feeder.ALLOCATORS;

    /** A message as an independent, naive parser sees it. */
    record Message(byte tag, byte[] body) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Message m && m.tag == tag && Arrays.equals(m.body, body);
        }

        @Override
        public int hashCode() {
            return tag;
        }

        @Override
        public String toString() {
            return (char) tag + "/" + body.length;
        }
    }

    static List<Message> parse(byte[] stream) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < stream.length; ) {
            int length = ((stream[i + 1] & 0xff) << 24)
                    | ((stream[i + 2] & 0xff) << 16)
                    | ((stream[i + 3] & 0xff) << 8)
                    | (stream[i + 4] & 0xff);
            messages.add(new Message(stream[i], Arrays.copyOfRange(stream, i + 5, i + 1 + length)));
            i += 1 + length;
        }
        return messages;
    }

    /**
     * Decodes {@code stream} delivered as {@code pieces}, checks the events against the naive parse,
     * that their contents are the original bytes in order, that bodies above the threshold were
     * streamed and others not, then releases everything and checks nothing leaked.
     */
    static void decodeAndCheck(
            ByteBufAllocator allocator, byte[] stream, List<byte[]> pieces, Direction direction, FrameLimits limits) {
        Feeder feeder = new Feeder(allocator);
        FrameDecoder decoder = new FrameDecoder(direction, limits);
        Feeder.Fed<FrameEvent> fed = feeder.feed(pieces, decoder::next);
        List<Message> messages = new ArrayList<>();
        ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
        ByteArrayOutputStream body = null;
        byte streamingTag = 0;
        int expectedBody = -1;
        for (FrameEvent event : fed.outputs()) {
            forwarded.writeBytes(ByteBufUtil.getBytes(event.content()));
            if (event instanceof Frame frame) {
                assertNull(body, "a whole frame in the middle of a streamed body");
                assertTrue(frame.bodyLength() <= limits.streamThreshold(frame.tag()));
                messages.add(new Message(frame.tag(), ByteBufUtil.getBytes(frame.body())));
            } else if (event instanceof FrameHeader header) {
                assertNull(body);
                assertTrue(header.bodyLength() > limits.streamThreshold(header.tag()), "small body was streamed");
                body = new ByteArrayOutputStream();
                streamingTag = header.tag();
                expectedBody = header.bodyLength();
            } else {
                FrameChunk chunk = (FrameChunk) event;
                assertEquals(streamingTag, chunk.tag());
                assertTrue(chunk.content().isReadable(), "empty chunk");
                body.writeBytes(ByteBufUtil.getBytes(chunk.content()));
                assertTrue(body.size() <= expectedBody, "chunk overran its message");
                assertEquals(body.size() == expectedBody, chunk.isLast());
                if (chunk.isLast()) {
                    messages.add(new Message(streamingTag, body.toByteArray()));
                    body = null;
                }
            }
        }
        assertNull(body, "stream ended inside a body");
        assertFalse(decoder.isStreaming());
        assertEquals(parse(stream), messages);
        assertArrayEquals(stream, forwarded.toByteArray());
        assertEquals(0, fed.leftover().length);
        fed.outputs().forEach(FrameEvent::release);
        for (FrameEvent event : fed.outputs()) {
            assertEquals(0, event.refCnt());
        }
        feeder.assertAllReleased();
    }

    @ParameterizedTest
    @FieldSource("ALLOCATORS")
    void pgjdbcPipelineAtEveryCut(ByteBufAllocator allocator) {
        byte[] stream = concat(Transcripts.PGJDBC_PIPELINE_FRONTEND);
        for (List<byte[]> pieces : Feeder.everyCut(stream)) {
            decodeAndCheck(allocator, stream, pieces, Direction.FRONTEND, FrameLimits.AFTER_AUTHENTICATION);
        }
    }

    @ParameterizedTest
    @FieldSource("ALLOCATORS")
    void psqlSessionFromTheServerAtEveryCutWholeAndStreamed(ByteBufAllocator allocator) {
        byte[] stream = concat(Transcripts.PSQL_ERRORS_BACKEND);
        for (List<byte[]> pieces : Feeder.everyCut(stream)) {
            decodeAndCheck(allocator, stream, pieces, Direction.BACKEND, FrameLimits.AFTER_AUTHENTICATION);
            // a tiny threshold streams most messages: exercises header/chunk at every position
            decodeAndCheck(allocator, stream, pieces, Direction.BACKEND, new FrameLimits(1 << 20, 8));
        }
    }

    @ParameterizedTest
    @FieldSource("ALLOCATORS")
    void copyInBothDirectionsAtEveryCut(ByteBufAllocator allocator) {
        byte[] frontend = concat(Transcripts.COPY_FRONTEND);
        byte[] backend = concat(Transcripts.COPY_BACKEND);
        for (List<byte[]> pieces : Feeder.everyCut(frontend)) {
            decodeAndCheck(allocator, frontend, pieces, Direction.FRONTEND, new FrameLimits(1 << 20, 4));
        }
        for (List<byte[]> pieces : Feeder.everyCut(backend)) {
            decodeAndCheck(allocator, backend, pieces, Direction.BACKEND, new FrameLimits(1 << 20, 4));
        }
    }

    /** psql's 100 KB DataRow: the header comes out at once, the body as it arrives, never whole. */
    @ParameterizedTest
    @FieldSource("ALLOCATORS")
    void bigDataRowIsStreamedAsItArrives(ByteBufAllocator allocator) {
        byte[] row = concat(
                bytes(Transcripts.BIG_DATA_ROW_HEADER), "x".repeat(100_000).getBytes());
        byte[] stream = concat(row, bytes("430000000d53454c454354203100"), bytes("5a0000000549"));
        Feeder feeder = new Feeder(allocator);
        FrameDecoder decoder = FrameDecoder.backend();
        Feeder.Fed<FrameEvent> fed = feeder.feed(Feeder.chunks(stream, 1460), decoder::next);
        FrameHeader header = assertInstanceOf(FrameHeader.class, fed.outputs().get(0));
        assertEquals('D', header.tag());
        assertEquals(100_006, header.bodyLength());
        for (FrameEvent event : fed.outputs()) {
            // nothing larger than one network read is ever held
            assertTrue(event.content().readableBytes() <= 1460);
        }
        assertEquals(2, fed.outputs().stream().filter(e -> e instanceof Frame).count());
        fed.outputs().forEach(FrameEvent::release);
        feeder.assertAllReleased();

        for (ByteBufAllocator each : ALLOCATORS) {
            // odd-sized pieces put the header and the value boundaries at every alignment
            decodeAndCheck(
                    each, stream, Feeder.chunks(stream, 997), Direction.BACKEND, FrameLimits.AFTER_AUTHENTICATION);
            decodeAndCheck(
                    each, stream, Feeder.chunks(stream, 65536), Direction.BACKEND, FrameLimits.AFTER_AUTHENTICATION);
        }
    }

    @Test
    void chunkIsYieldedAsSoonAsBodyBytesArrive() {
        FrameDecoder decoder = new FrameDecoder(Direction.BACKEND, new FrameLimits(1 << 20, 4));
        ByteBuf in = Unpooled.buffer().writeBytes(bytes("440000001400030000000131"));
        FrameHeader header = (FrameHeader) decoder.next(in);
        assertEquals(16, header.bodyLength());
        FrameChunk chunk = (FrameChunk) decoder.next(in);
        assertEquals(7, chunk.content().readableBytes());
        assertFalse(chunk.isLast());
        assertTrue(decoder.isStreaming());
        assertNull(decoder.next(in));
        in.writeBytes(bytes("0000000178ffffffff" + "5a0000000549"));
        FrameChunk last = (FrameChunk) decoder.next(in);
        assertTrue(last.isLast());
        assertEquals(9, last.content().readableBytes());
        Frame ready = (Frame) decoder.next(in);
        assertEquals('Z', ready.tag());
        assertNull(decoder.next(in));
        header.release();
        chunk.release();
        last.release();
        ready.release();
        in.release();
        assertEquals(0, in.refCnt());
    }

    @Test
    void oversizeLengthFailsOnTheHeaderBeforeAnyBodyIsBuffered() {
        FrameDecoder decoder = FrameDecoder.frontend();
        // a "password" announcing 8 KiB + 1 byte: only the 5 header bytes have arrived
        ByteBuf in = Unpooled.wrappedBuffer(bytes("7000002005"));
        MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> decoder.next(in));
        assertEquals(0x2005, e.length());
        assertEquals(8192, e.limit());
        assertEquals(SqlState.PROTOCOL_VIOLATION, e.sqlState());
        assertEquals(0, in.readerIndex(), "nothing consumed");
        in.release();
    }

    @Test
    void limitsCanBeRaisedAfterAuthentication() {
        FrameDecoder decoder = FrameDecoder.frontend();
        byte[] query = concat(bytes("5100002005"), "x".repeat(0x2000).getBytes(), bytes("00"));
        ByteBuf in = Unpooled.wrappedBuffer(query);
        assertThrows(MessageTooLargeException.class, () -> decoder.next(in));
        decoder.limits(FrameLimits.AFTER_AUTHENTICATION);
        Frame frame = (Frame) decoder.next(in);
        assertEquals(0x2001, frame.bodyLength());
        assertEquals(
                0x2000,
                ((Query) FrontendMessages.decode(frame.tag(), frame.body()))
                        .query()
                        .length());
        frame.release();
        in.release();
        assertEquals(0, in.refCnt());
    }

    @Test
    void negativeAndTooSmallLengthsAreRefused() {
        for (String header : List.of("53ffffffff", "5380000000", "5300000000", "5300000003")) {
            FrameDecoder decoder = FrameDecoder.frontend();
            ByteBuf in = Unpooled.wrappedBuffer(bytes(header));
            InvalidMessageLengthException e = assertThrows(InvalidMessageLengthException.class, () -> decoder.next(in));
            assertTrue(e.getMessage().contains("Sync"), e.getMessage());
            in.release();
        }
        // length 4 is the smallest legal message (an empty body)
        ByteBuf sync = Unpooled.wrappedBuffer(bytes("5300000004"));
        Frame frame = (Frame) FrameDecoder.frontend().next(sync);
        assertEquals(0, frame.bodyLength());
        frame.release();
    }

    @Test
    void tagsTheSenderNeverUsesAreRefusedOnTheFirstByte() {
        // a TLS ClientHello sent without SSLRequest, then a backend-only tag from a client
        for (String bytes : List.of("1603010200", "5a00000005")) {
            ByteBuf in = Unpooled.wrappedBuffer(bytes(bytes));
            ProtocolException e = assertThrows(
                    ProtocolException.class, () -> FrameDecoder.frontend().next(in));
            assertTrue(e.getMessage().startsWith("invalid message: unknown frontend message type"), e.getMessage());
            in.release();
        }
        // 'Z' is fine from a server
        ByteBuf ready = Unpooled.wrappedBuffer(bytes("5a0000000549"));
        FrameDecoder.backend().next(ready).release();
    }

    @Test
    void frameBodyDecodesWithoutDisturbingTheForwardableContent() {
        ByteBuf in = Unpooled.wrappedBuffer(concat(Transcripts.PGJDBC_PIPELINE_FRONTEND));
        FrameDecoder decoder = new FrameDecoder(Direction.FRONTEND, FrameLimits.AFTER_AUTHENTICATION);
        decoder.next(in).release();
        Frame bind = (Frame) decoder.next(in);
        Bind decoded = (Bind) FrontendMessages.decode(bind.tag(), bind.body());
        assertEquals(2, decoded.parameterValues().size());
        assertArrayEquals(bytes(Transcripts.PGJDBC_PIPELINE_FRONTEND.get(1)), ByteBufUtil.getBytes(bind.content()));
        assertEquals("Frame[B, 26 body bytes]", bind.toString());
        bind.release();
        decoder.decodeAvailable(in).forEach(FrameEvent::release);
        in.release();
        assertEquals(0, in.refCnt());
    }

    @Test
    void readFrameIsTheSimpleWholeMessageApi() {
        ByteBuf in = Unpooled.wrappedBuffer(bytes("5a0000000549" + "5a00"));
        Frame first = FrameDecoder.readFrame(in, Direction.BACKEND, 1024);
        assertEquals('Z', first.tag());
        assertNull(FrameDecoder.readFrame(in, Direction.BACKEND, 1024));
        assertEquals(2, in.readableBytes());
        first.release();
        in.release();
    }

    @Test
    void decodeAvailableReleasesWhatItDecodedWhenALaterMessageIsBad() {
        ByteBuf in = Unpooled.wrappedBuffer(bytes("5300000004" + "48000000045300000002"));
        assertThrows(
                InvalidMessageLengthException.class,
                () -> FrameDecoder.frontend().decodeAvailable(in));
        in.release();
        assertEquals(0, in.refCnt(), "the Sync and Flush frames were released");
    }

    @Test
    void limitsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new FrameLimits(3, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameLimits(Integer.MAX_VALUE, 0));
        assertThrows(IllegalArgumentException.class, () -> new FrameLimits(100, -1));
        assertEquals(new FrameLimits(100, 100), FrameLimits.wholeMessages(100));
        assertThrows(IllegalArgumentException.class, () -> FrameLimits.AFTER_AUTHENTICATION.wholeUpTo(-1, 'Q'));
    }

    /**
     * Statements a policy decides arrive whole up to their own limit while everything else streams
     * as before: a 100 KB Query is one frame, a 100 KB CopyData beside it streams, a Query past the
     * statement limit streams (so its reader can refuse it without holding it) — at every cut.
     */
    @Test
    void tagsWithTheirOwnThresholdArriveWholeUpToItAtEveryCut() {
        FrameLimits limits = new FrameLimits(1 << 20, 16).wholeUpTo(256, 'Q', 'P');
        assertEquals(256, limits.streamThreshold((byte) 'Q'));
        assertEquals(16, limits.streamThreshold((byte) 'd'));
        byte[] query = encoded(new Query("select '" + "x".repeat(200) + "'"));
        byte[] bigQuery = encoded(new Query("select '" + "y".repeat(300) + "'"));
        byte[] copyData = concat(bytes("64000000c8"), "z".repeat(196).getBytes());
        byte[] stream = concat(query, copyData, bigQuery, bytes("5300000004"));
        for (List<byte[]> pieces : Feeder.everyCut(stream)) {
            decodeAndCheck(ALLOCATORS.get(0), stream, pieces, Direction.FRONTEND, limits);
        }
        Feeder feeder = new Feeder(ALLOCATORS.get(0));
        Feeder.Fed<FrameEvent> fed = feeder.feed(List.of(stream), new FrameDecoder(Direction.FRONTEND, limits)::next);
        assertInstanceOf(Frame.class, fed.outputs().get(0), "a Query under its own limit is whole");
        assertInstanceOf(FrameHeader.class, fed.outputs().get(1), "CopyData keeps the common one");
        assertInstanceOf(FrameHeader.class, fed.outputs().get(3), "a Query over its limit streams");
        fed.outputs().forEach(FrameEvent::release);
        feeder.assertAllReleased();
    }

    private static byte[] encoded(dev.portcullis.pgwire.message.PgMessage message) {
        ByteBuf buf = message.encode(Unpooled.buffer().alloc());
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
