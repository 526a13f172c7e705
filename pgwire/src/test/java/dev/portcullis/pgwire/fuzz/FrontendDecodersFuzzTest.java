package dev.portcullis.pgwire.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.pgwire.Feeder;
import dev.portcullis.pgwire.LeakReportsFailProperties;
import dev.portcullis.pgwire.MessageTooLargeException;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameChunk;
import dev.portcullis.pgwire.frame.FrameDecoder;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameHeader;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.pgwire.frame.StartupPacketDecoder;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.message.frontend.FrontendMessages;
import dev.portcullis.pgwire.message.frontend.PasswordMessageKind;
import dev.portcullis.pgwire.message.frontend.StartupMessage;
import dev.portcullis.pgwire.message.frontend.StartupPacket;
import dev.portcullis.pgwire.protocol.Direction;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzing of everything that reads bytes from an unauthenticated client: the startup-packet
 * decoder, the frame decoder and the frontend message decoders, alone and chained in a Netty
 * pipeline. Inputs are pure random bytes and structure-aware mutations of valid traffic (lengths
 * and tags corrupted, strings unterminated, counts at their edges, truncation, splicing), cut at
 * random chunk boundaries. 115,000 inputs per run, about 30 s on two cores.
 *
 * <p>For every input: nothing but a {@link ProtocolException} escapes (inside Netty wrapped in a
 * {@link DecoderException}, the documented failure path); every buffer is released (explicit
 * reference counts here, Netty's PARANOID leak detector through {@link LeakReportsFailProperties});
 * decoding terminates ({@link Bounded}). Unmutated traffic must decode to exactly what was sent, so
 * the decoders cannot pass by refusing everything, and coverage checks make sure the inputs reach
 * past the first length check.
 */
@AddLifecycleHook(LeakReportsFailProperties.class)
class FrontendDecodersFuzzTest {

    private static final byte[] FRONTEND_TAGS = "BCdcfDEHFPpQSX".getBytes();

    // ---------------------------------------------------------------- startup packets

    @Property(tries = 25_000)
    void startupDecoderSurvivesRandomBytes(
            @ForAll("randomBytes") byte[] input,
            @ForAll("chunkSizes") List<Integer> chunks,
            @ForAll @IntRange(min = 8, max = 10_000) int maxLength,
            @ForAll("allocators") ByteBufAllocator allocator) {
        StartupOutcome outcome = Bounded.run(() -> feedStartup(input, chunks, maxLength, allocator));
        Statistics.label("outcome").collect(outcome.failure() == null ? "no error" : "ProtocolException");
    }

    @Property(tries = 20_000)
    void startupDecoderSurvivesMutatedPackets(
            @ForAll("startupPackets") List<StartupPacket> packets,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll("chunkSizes") List<Integer> chunks,
            @ForAll("allocators") ByteBufAllocator allocator) {
        WireStream stream = WireStream.of(packets);
        byte[] input = Mutation.applyAll(stream, mutations);
        StartupOutcome outcome =
                Bounded.run(() -> feedStartup(input, chunks, StartupCode.MAX_STARTUP_PACKET_LENGTH, allocator));
        if (mutations.isEmpty()) {
            // valid packets decode to themselves; only a protocol version other than 3 is refused
            int i = 0;
            for (; i < packets.size(); i++) {
                if (packets.get(i) instanceof StartupMessage m && m.majorVersion() != 3) {
                    break;
                }
                assertTrue(i < outcome.packets().size(), () -> "packet missing: " + outcome);
                assertArrayEquals(
                        stream.encoded().get(i),
                        WireStream.encode(outcome.packets().get(i)));
            }
            assertEquals(i, outcome.packets().size());
            if (i < packets.size()) {
                assertNotNull(outcome.failure(), "an unsupported protocol version was accepted");
                assertEquals(SqlState.FEATURE_NOT_SUPPORTED, outcome.failure().sqlState());
            } else {
                assertNull(outcome.failure());
            }
        }
        Statistics.label("outcome").collect(outcome.failure() == null ? "no error" : "ProtocolException");
        Statistics.label("outcome").coverage(c -> {
            c.check("no error").percentage(p -> p > 5);
            c.check("ProtocolException").percentage(p -> p > 30);
        });
    }

    private record StartupOutcome(List<StartupPacket> packets, ProtocolException failure) {}

    private static StartupOutcome feedStartup(
            byte[] input, List<Integer> chunks, int maxLength, ByteBufAllocator allocator) {
        StartupPacketDecoder decoder = new StartupPacketDecoder(maxLength);
        Feeder feeder = new Feeder(allocator);
        List<StartupPacket> packets = new ArrayList<>();
        ProtocolException failure = null;
        try {
            feeder.feed(pieces(input, chunks), in -> {
                int start = in.readerIndex();
                StartupPacket packet = decoder.next(in);
                if (packet == null) {
                    assertEquals(start, in.readerIndex(), "returned null but consumed bytes");
                } else {
                    int consumed = in.readerIndex() - start;
                    assertTrue(
                            consumed >= StartupCode.MIN_STARTUP_PACKET_LENGTH && consumed <= maxLength,
                            "consumed " + consumed + " bytes");
                    packets.add(packet);
                }
                return packet;
            });
        } catch (ProtocolException e) {
            failure = e;
            checkReportable(e);
        }
        feeder.assertAllReleased();
        return new StartupOutcome(packets, failure);
    }

    // ---------------------------------------------------------------- frames

    @Property(tries = 25_000)
    void frameDecoderSurvivesRandomAndMisframedBytes(
            @ForAll("frameInputs") byte[] input,
            @ForAll("limits") FrameLimits limits,
            @ForAll("chunkSizes") List<Integer> chunks,
            @ForAll("allocators") ByteBufAllocator allocator) {
        int frames = Bounded.run(() -> feedFrames(input, limits, chunks, allocator));
        Statistics.label("frames").collect(frames == 0 ? "none" : "some");
        Statistics.label("frames").coverage(c -> c.check("some").percentage(p -> p > 20));
    }

    /** Decodes {@code input}; checks the events are the input's bytes, verbatim and consistent. */
    private static int feedFrames(byte[] input, FrameLimits limits, List<Integer> chunks, ByteBufAllocator allocator) {
        FrameDecoder decoder = new FrameDecoder(Direction.FRONTEND, limits);
        Feeder feeder = new Feeder(allocator);
        List<FrameEvent> events = new ArrayList<>();
        try {
            try {
                feeder.feed(pieces(input, chunks), in -> {
                    int start = in.readerIndex();
                    FrameEvent event = decoder.next(in);
                    if (event == null) {
                        assertEquals(start, in.readerIndex(), "returned null but consumed bytes");
                    } else {
                        events.add(event);
                        assertEquals(
                                in.readerIndex() - start,
                                event.content().readableBytes(),
                                "an event must hold exactly the bytes it consumed");
                    }
                    return event;
                });
            } catch (ProtocolException e) {
                checkReportable(e);
            }
            ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
            int whole = 0;
            long streamedLeft = -1;
            for (FrameEvent event : events) {
                ByteBuf content = event.content();
                assertTrue(content.readableBytes() <= limits.maxMessageLength() + 1, "over the cap");
                if (event instanceof Frame frame) {
                    assertTrue(streamedLeft < 0, "frame inside a streamed body");
                    assertTrue(frame.bodyLength() <= limits.streamThreshold(), "whole above the threshold");
                    assertTrue(Direction.FRONTEND.isKnownTag(frame.tag()));
                    whole++;
                } else if (event instanceof FrameHeader header) {
                    assertTrue(streamedLeft < 0, "header inside a streamed body");
                    assertTrue(header.bodyLength() > limits.streamThreshold(), "streamed below threshold");
                    streamedLeft = header.bodyLength();
                } else {
                    FrameChunk chunk = (FrameChunk) event;
                    assertTrue(streamedLeft > 0 && content.isReadable(), "stray or empty chunk");
                    streamedLeft -= content.readableBytes();
                    assertTrue(streamedLeft >= 0, "chunk past the announced length");
                    assertEquals(streamedLeft == 0, chunk.isLast());
                    if (chunk.isLast()) {
                        streamedLeft = -1;
                    }
                }
                forwarded.writeBytes(ByteBufUtil.getBytes(content));
            }
            // forwarding the events in order reproduces what the client sent, byte for byte
            byte[] out = forwarded.toByteArray();
            assertArrayEquals(Arrays.copyOf(input, out.length), out);
            return whole;
        } finally {
            events.forEach(FrameEvent::release);
            feeder.assertAllReleased();
        }
    }

    // ---------------------------------------------------------------- message bodies

    @Property(tries = 30_000)
    void frontendMessageDecodersSurviveCorruptBodies(
            @ForAll("bodies") Body input,
            @ForAll PasswordMessageKind kind,
            @ForAll("allocators") ByteBufAllocator allocator) {
        ByteBuf body = allocator.buffer(input.body().length).writeBytes(input.body());
        try {
            FrontendMessage decoded = Bounded.run(() -> {
                try {
                    return FrontendMessages.decode(input.tag(), body, kind);
                } catch (ProtocolException e) {
                    checkReportable(e);
                    return null;
                }
            });
            assertEquals(1, body.refCnt(), "a decoder released or retained the body it was lent");
            FrontendMessage original = input.original();
            if (original != null && input.tag() == tagOf(original) && (input.tag() != 'p' || input.kind() == kind)) {
                assertNotNull(decoded, () -> "a valid " + original.getClass().getSimpleName() + " was refused");
                assertArrayEquals(WireStream.encode(original), WireStream.encode(decoded));
            } else if (decoded != null) {
                // whatever was accepted can be written back (the proxy re-encodes what it rewrites)
                WireStream.encode(decoded);
            }
            Statistics.label("outcome").collect(decoded == null ? "ProtocolException" : "decoded");
            Statistics.label("outcome").coverage(c -> {
                c.check("decoded").percentage(p -> p > 10);
                c.check("ProtocolException").percentage(p -> p > 30);
            });
        } finally {
            body.release();
        }
    }

    /**
     * A message body to decode with {@code tag}; {@code original} is the valid message it was made
     * from when it went unmutated (decoded with {@code kind}, it must come back the same).
     */
    record Body(byte tag, byte[] body, FrontendMessage original, PasswordMessageKind kind) {
        @Override
        public String toString() {
            return "Body[" + (char) tag + ", " + ByteBufUtil.hexDump(body)
                    + (original == null ? "" : ", from " + original) + "]";
        }
    }

    // ---------------------------------------------------------------- the whole client stream

    @Property(tries = 15_000)
    void clientStreamThroughNettyPipeline(
            @ForAll("connections") Connection connection,
            @ForAll("mutations") List<Mutation> mutations,
            @ForAll("limits") FrameLimits limits,
            @ForAll("chunkSizes") List<Integer> chunks,
            @ForAll("allocators") ByteBufAllocator allocator) {
        WireStream stream = WireStream.of(connection.messages());
        byte[] input = Mutation.applyAll(stream, mutations);
        PipelineOutcome outcome = Bounded.run(() -> feedPipeline(input, limits, connection.kind(), chunks, allocator));
        if (mutations.isEmpty()) {
            expectDecodedAsSent(stream, limits, outcome);
        }
        boolean reachedMessages = outcome.decoded().stream().anyMatch(m -> m instanceof StartupMessage);
        Statistics.label("outcome")
                .collect(
                        outcome.failure() == null ? "no error" : "ProtocolException",
                        reachedMessages ? "past startup" : "in startup");
        Statistics.label("outcome").coverage(c -> {
            c.check("no error", "past startup").percentage(p -> p > 5);
            c.check("ProtocolException", "past startup").percentage(p -> p > 5);
        });
    }

    record Connection(PasswordMessageKind kind, List<FrontendMessage> messages) {}

    private record PipelineOutcome(List<PgMessage> decoded, ProtocolException failure) {}

    private static PipelineOutcome feedPipeline(
            byte[] input,
            FrameLimits limits,
            PasswordMessageKind kind,
            List<Integer> chunks,
            ByteBufAllocator allocator) {
        EmbeddedChannel channel = new EmbeddedChannel(new ClientStreamDecoder(limits, kind));
        List<ByteBuf> fed = new ArrayList<>();
        List<PgMessage> decoded = new ArrayList<>();
        ProtocolException failure = null;
        try {
            for (byte[] piece : pieces(input, chunks)) {
                ByteBuf buffer = allocator.buffer(piece.length).writeBytes(piece);
                fed.add(buffer);
                try {
                    channel.writeInbound(buffer);
                } catch (DecoderException e) {
                    failure = protocolFailure(e);
                    break; // the proxy answers with an ErrorResponse and closes: nothing more is read
                } finally {
                    drain(channel, decoded);
                }
            }
        } finally {
            try {
                channel.finishAndReleaseAll();
            } catch (DecoderException e) {
                // the close makes the decoder look at what is left once more; it may refuse it again
                ProtocolException again = protocolFailure(e);
                failure = failure == null ? again : failure;
            }
            drain(channel, decoded);
        }
        for (ByteBuf buffer : fed) {
            assertEquals(0, buffer.refCnt(), "an input buffer leaked");
        }
        return new PipelineOutcome(decoded, failure);
    }

    private static ProtocolException protocolFailure(DecoderException e) {
        if (e.getCause() instanceof ProtocolException p) {
            checkReportable(p);
            return p;
        }
        throw new AssertionError("not a ProtocolException: " + e, e);
    }

    private static void drain(EmbeddedChannel channel, List<PgMessage> decoded) {
        for (Object m; (m = channel.readInbound()) != null; ) {
            decoded.add((PgMessage) m);
        }
    }

    /** Unmutated traffic decodes to what was sent, up to the first message over the length cap. */
    private static void expectDecodedAsSent(WireStream stream, FrameLimits limits, PipelineOutcome outcome) {
        List<PgMessage> sent = stream.messages();
        int i = 0;
        for (; i < sent.size(); i++) {
            if (!(sent.get(i) instanceof StartupPacket) && stream.declaredLength(i) > limits.maxMessageLength()) {
                break;
            }
            PgMessage expected = sent.get(i);
            assertTrue(i < outcome.decoded().size(), () -> "message " + expected + " missing");
            assertArrayEquals(
                    stream.encoded().get(i),
                    WireStream.encode(outcome.decoded().get(i)),
                    "decoded differently: " + sent.get(i));
        }
        assertEquals(i, outcome.decoded().size(), "more decoded than sent");
        if (i < sent.size()) {
            assertInstanceOf(MessageTooLargeException.class, outcome.failure());
        } else {
            assertNull(outcome.failure(), "valid traffic refused");
        }
    }

    // ---------------------------------------------------------------- inputs

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }

    /** Random bytes, or a run of headers with plausible tags and lengths around the truth. */
    @Provide
    Arbitrary<byte[]> frameInputs() {
        Arbitrary<Byte> tags = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(toList(FRONTEND_TAGS))), Tuple.of(1, Arbitraries.bytes()));
        Arbitrary<byte[]> message = Combinators.combine(
                        tags,
                        FrontendArbitraries.bytes(200),
                        Arbitraries.integers().between(-5, 5))
                .as((tag, body, delta) -> {
                    int length = body.length + 4 + (Math.abs(delta) <= 2 ? 0 : delta);
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(tag);
                    out.write(length >>> 24);
                    out.write(length >>> 16);
                    out.write(length >>> 8);
                    out.write(length);
                    out.writeBytes(body);
                    return out.toByteArray();
                });
        Arbitrary<byte[]> misframed = message.list().ofMaxSize(6).map(list -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            list.forEach(out::writeBytes);
            return out.toByteArray();
        });
        return Arbitraries.frequencyOf(Tuple.of(1, randomBytes()), Tuple.of(3, misframed));
    }

    @Provide
    Arbitrary<List<StartupPacket>> startupPackets() {
        return FrontendArbitraries.startupPacket().list().ofMinSize(1).ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Mutation.some(4);
    }

    @Provide
    Arbitrary<Connection> connections() {
        return Arbitraries.of(PasswordMessageKind.class)
                .flatMap(kind -> FrontendArbitraries.connection(kind).map(messages -> new Connection(kind, messages)));
    }

    /** Valid bodies (mutated or not), bodies under the wrong tag, and random bytes. */
    @Provide
    Arbitrary<Body> bodies() {
        Arbitrary<Body> fromMessages = Arbitraries.of(PasswordMessageKind.class)
                .flatMap(kind -> Combinators.combine(
                                FrontendArbitraries.message(kind),
                                Mutation.some(3),
                                Arbitraries.integers().between(0, 3 * FRONTEND_TAGS.length - 1))
                        .as((message, mutations, retag) -> {
                            WireStream stream = WireStream.of(List.of(message));
                            byte[] bytes = Mutation.applyAll(stream, mutations);
                            // a third of the bodies go to a decoder of another message type
                            byte tag = retag < FRONTEND_TAGS.length ? FRONTEND_TAGS[retag] : tagOf(message);
                            byte[] body = bytes.length <= 5 ? new byte[0] : Arrays.copyOfRange(bytes, 5, bytes.length);
                            return new Body(tag, body, mutations.isEmpty() ? message : null, kind);
                        }));
        Arbitrary<Body> random = Combinators.combine(
                        Arbitraries.frequencyOf(
                                Tuple.of(5, Arbitraries.of(toList(FRONTEND_TAGS))), Tuple.of(1, Arbitraries.bytes())),
                        FrontendArbitraries.bytes(120))
                .as((tag, body) -> new Body(tag, body, null, null));
        return Arbitraries.frequencyOf(Tuple.of(3, fromMessages), Tuple.of(1, random));
    }

    /** Caps as before and after authentication, and small ones so that streaming happens often. */
    @Provide
    Arbitrary<FrameLimits> limits() {
        Arbitrary<Integer> max = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(FrameLimits.BEFORE_AUTHENTICATION.maxMessageLength())),
                Tuple.of(2, Arbitraries.just(FrameLimits.AFTER_AUTHENTICATION.maxMessageLength())),
                Tuple.of(3, Arbitraries.integers().between(4, 600)));
        return max.flatMap(m -> Arbitraries.frequencyOf(
                        Tuple.of(2, Arbitraries.just(m)),
                        Tuple.of(3, Arbitraries.integers().between(0, Math.min(m, 300))))
                .map(threshold -> new FrameLimits(m, threshold)));
    }

    /** How the bytes arrive: in one piece, byte by byte, or in pieces of random sizes. */
    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        // byte by byte is the costliest (a buffer per byte, each tracked by the leak detector) and
        // every offset is already cut in the decoders' unit tests, so it is the rarest here
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(List.<Integer>of())),
                Tuple.of(1, Arbitraries.just(List.of(1))),
                Tuple.of(
                        9,
                        Arbitraries.integers()
                                .between(1, 128)
                                .list()
                                .ofMinSize(1)
                                .ofMaxSize(12)));
    }

    @Provide
    Arbitrary<ByteBufAllocator> allocators() {
        return Arbitraries.of(Feeder.ALLOCATORS);
    }

    // ---------------------------------------------------------------- helpers

    /** The proxy sends a ProtocolException's message and SQLSTATE to the client. */
    private static void checkReportable(ProtocolException e) {
        assertNotNull(e.sqlState(), "no SQLSTATE");
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "no message");
    }

    /** {@code data} cut into pieces of the given sizes, repeated; no sizes: one piece. */
    static List<byte[]> pieces(byte[] data, List<Integer> sizes) {
        if (sizes.isEmpty() || data.length == 0) {
            return List.of(data);
        }
        List<byte[]> pieces = new ArrayList<>();
        for (int at = 0, k = 0; at < data.length; k++) {
            int n = Math.min(sizes.get(k % sizes.size()), data.length - at);
            pieces.add(Arrays.copyOfRange(data, at, at + n));
            at += n;
        }
        return pieces;
    }

    private static byte tagOf(FrontendMessage message) {
        return WireStream.encode(message)[0];
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }
}
