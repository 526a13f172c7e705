package dev.portcullis.pgwire.frame;

import dev.portcullis.pgwire.codec.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * The start of a message too large to deliver whole: its 5 header bytes as sent. The body follows
 * as {@link FrameChunk}s, the last one flagged, adding up to {@link #bodyLength()} bytes.
 */
public final class FrameHeader extends DefaultByteBufHolder implements FrameEvent {

    private final byte tag;
    private final int bodyLength;

    /**
     * @param header exactly the tag byte and the Int32 length; ownership passes to this event
     */
    public FrameHeader(ByteBuf header) {
        super(header);
        if (header.readableBytes() != Wire.HEADER_LENGTH) {
            throw new IllegalArgumentException("a header is exactly 5 bytes");
        }
        this.tag = header.getByte(header.readerIndex());
        this.bodyLength = header.getInt(header.readerIndex() + 1) - 4;
    }

    @Override
    public byte tag() {
        return tag;
    }

    /** Total body bytes the chunks will carry. */
    public int bodyLength() {
        return bodyLength;
    }

    @Override
    public FrameHeader replace(ByteBuf content) {
        return new FrameHeader(content);
    }

    @Override
    public FrameHeader copy() {
        return replace(content().copy());
    }

    @Override
    public FrameHeader duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public FrameHeader retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public FrameHeader retain() {
        super.retain();
        return this;
    }

    @Override
    public FrameHeader retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FrameHeader touch() {
        super.touch();
        return this;
    }

    @Override
    public FrameHeader touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "FrameHeader[" + (char) tag + ", " + bodyLength + " body bytes follow]";
    }
}
