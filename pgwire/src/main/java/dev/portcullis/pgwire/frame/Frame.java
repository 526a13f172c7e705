package dev.portcullis.pgwire.frame;

import dev.portcullis.pgwire.codec.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One whole tagged message. {@link #content()} is the message as sent (tag, length, body) so it
 * can be forwarded with a single write; {@link #body()} is a view of the body for decoding.
 */
public final class Frame extends DefaultByteBufHolder implements FrameEvent {

    private final byte tag;

    /**
     * @param message the whole message, tag and length included; ownership passes to the frame
     */
    public Frame(ByteBuf message) {
        super(message);
        if (message.readableBytes() < Wire.HEADER_LENGTH
                || message.getInt(message.readerIndex() + 1) != message.readableBytes() - 1) {
            throw new IllegalArgumentException("not exactly one message: length field and size disagree");
        }
        this.tag = message.getByte(message.readerIndex());
    }

    @Override
    public byte tag() {
        return tag;
    }

    /** Number of body bytes (the length field minus 4). */
    public int bodyLength() {
        return content().readableBytes() - Wire.HEADER_LENGTH;
    }

    /**
     * A view of the body with its own reader index; not retained, so it is valid as long as this
     * frame is. Decoders read from it without disturbing {@link #content()}.
     */
    public ByteBuf body() {
        ByteBuf content = content();
        return content.slice(content.readerIndex() + Wire.HEADER_LENGTH, bodyLength());
    }

    @Override
    public Frame replace(ByteBuf content) {
        return new Frame(content);
    }

    @Override
    public Frame copy() {
        return replace(content().copy());
    }

    @Override
    public Frame duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public Frame retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public Frame retain() {
        super.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Frame touch() {
        super.touch();
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    /** Shows the type and size only: bodies may hold passwords or row data. */
    @Override
    public String toString() {
        return "Frame[" + (char) tag + ", " + bodyLength() + " body bytes]";
    }
}
