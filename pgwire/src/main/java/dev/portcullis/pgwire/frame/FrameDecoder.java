package dev.portcullis.pgwire.frame;

import dev.portcullis.pgwire.InvalidMessageLengthException;
import dev.portcullis.pgwire.MessageTooLargeException;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.protocol.Direction;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits a stream of tagged messages ({@code Byte1 tag, Int32 length, body}) into
 * {@link FrameEvent}s without copying: every event is a retained slice of the input.
 *
 * <p>The decoder is a two-state machine. Reading headers, it waits until a whole message is
 * buffered and yields it as one {@link Frame} when the body is at most
 * {@link FrameLimits#streamThreshold()}; for a larger body it yields a {@link FrameHeader} at once
 * and switches to streaming, where each call yields the body bytes that have arrived as a
 * {@link FrameChunk} (like PgBouncer: parse the header, stream the body). A 500 MB DataRow or
 * CopyData therefore never sits in memory whole.
 *
 * <p>Driving it: call {@link #next(ByteBuf)} with the accumulated input until it returns
 * {@code null}, which means "need more bytes" and leaves the input untouched. This is exactly the
 * loop of a Netty {@code ByteToMessageDecoder.decode}, whose cumulation is the input. Length
 * checks happen when the 5 header bytes are there, before any body byte is waited for; after a
 * {@link ProtocolException} the stream cannot be resynchronised and the connection must close.
 *
 * <p>Not thread-safe: one decoder per connection direction, used from its event loop.
 */
public final class FrameDecoder {

    private final Direction direction;
    private FrameLimits limits;
    /** Body bytes still to stream; -1 while reading headers. */
    private int remaining = -1;

    private byte streamingTag;

    /**
     * @param direction who sends the bytes: unknown tags for that side are refused at once (a TLS
     *     ClientHello or an HTTP request fails on its first byte instead of as a bogus length)
     * @param limits the caps in force until {@link #limits(FrameLimits)} changes them
     */
    public FrameDecoder(Direction direction, FrameLimits limits) {
        this.direction = Objects.requireNonNull(direction, "direction");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Client-to-server decoder with the pre-authentication caps. */
    public static FrameDecoder frontend() {
        return new FrameDecoder(Direction.FRONTEND, FrameLimits.BEFORE_AUTHENTICATION);
    }

    /** Server-to-client decoder with the post-authentication caps. */
    public static FrameDecoder backend() {
        return new FrameDecoder(Direction.BACKEND, FrameLimits.AFTER_AUTHENTICATION);
    }

    /** Changes the caps, e.g. once the client has authenticated; applies from the next header. */
    public void limits(FrameLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public FrameLimits limits() {
        return limits;
    }

    /** Whether a streamed body is in progress (a header was yielded, its last chunk not yet). */
    public boolean isStreaming() {
        return remaining >= 0;
    }

    /**
     * Yields the next event from {@code in}, advancing its reader index past the bytes the event
     * holds, or returns {@code null} (consuming nothing) if more bytes are needed.
     *
     * @throws InvalidMessageLengthException for a length field below 4 (negative included)
     * @throws MessageTooLargeException for a length field above {@link
     * FrameLimits#maxMessageLength()}
     * @throws ProtocolException for a tag the sending side never uses
     */
    public FrameEvent next(ByteBuf in) {
        if (remaining >= 0) {
            return nextChunk(in);
        }
        if (in.readableBytes() < Wire.HEADER_LENGTH) {
            return null;
        }
        int start = in.readerIndex();
        byte tag = in.getByte(start);
        if (!direction.isKnownTag(tag)) {
            throw new ProtocolException("invalid message: " + direction.tagName(tag));
        }
        int length = in.getInt(start + 1);
        if (length < 4) {
            throw new InvalidMessageLengthException(direction.tagName(tag) + " message", length, 4);
        }
        if (length > limits.maxMessageLength()) {
            throw new MessageTooLargeException(direction.tagName(tag) + " message", length, limits.maxMessageLength());
        }
        int bodyLength = length - 4;
        if (bodyLength <= limits.streamThreshold(tag)) {
            // 1 + length cannot overflow: FrameLimits keeps maxMessageLength below Integer.MAX_VALUE
            if (in.readableBytes() < 1 + length) {
                return null;
            }
            return new Frame(in.readRetainedSlice(1 + length));
        }
        FrameHeader header = new FrameHeader(in.readRetainedSlice(Wire.HEADER_LENGTH));
        remaining = bodyLength;
        streamingTag = tag;
        return header;
    }

    private FrameChunk nextChunk(ByteBuf in) {
        int available = Math.min(in.readableBytes(), remaining);
        if (available == 0) {
            return null;
        }
        ByteBuf bytes = in.readRetainedSlice(available);
        remaining -= available;
        boolean last = remaining == 0;
        if (last) {
            remaining = -1;
        }
        return new FrameChunk(streamingTag, bytes, last);
    }

    /** Every event {@code in} holds now, in order: the convenience form of {@link #next(ByteBuf)}. */
    public List<FrameEvent> decodeAvailable(ByteBuf in) {
        List<FrameEvent> events = new ArrayList<>();
        try {
            for (FrameEvent event = next(in); event != null; event = next(in)) {
                events.add(event);
            }
        } catch (RuntimeException e) {
            events.forEach(FrameEvent::release);
            throw e;
        }
        return events;
    }

    /**
     * One whole message from {@code in}, or {@code null} if it has not fully arrived: the simple
     * API for clients and tests that never stream. The caller releases the frame.
     */
    public static Frame readFrame(ByteBuf in, Direction direction, int maxMessageLength) {
        FrameDecoder decoder = new FrameDecoder(direction, FrameLimits.wholeMessages(maxMessageLength));
        return (Frame) decoder.next(in);
    }
}
