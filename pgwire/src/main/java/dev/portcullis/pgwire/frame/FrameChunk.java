package dev.portcullis.pgwire.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A piece of the body of a streamed message: whatever bytes had arrived, never more than the
 * message has left. {@link #isLast()} marks the chunk that completes the body.
 */
public final class FrameChunk extends DefaultByteBufHolder implements FrameEvent {

    private final byte tag;
    private final boolean last;

    /**
     * @param tag the type byte of the message this chunk belongs to
     * @param bytes body bytes; ownership passes to this event
     * @param last whether these are the message's final bytes
     */
    public FrameChunk(byte tag, ByteBuf bytes, boolean last) {
        super(bytes);
        this.tag = tag;
        this.last = last;
    }

    @Override
    public byte tag() {
        return tag;
    }

    public boolean isLast() {
        return last;
    }

    @Override
    public FrameChunk replace(ByteBuf content) {
        return new FrameChunk(tag, content, last);
    }

    @Override
    public FrameChunk copy() {
        return replace(content().copy());
    }

    @Override
    public FrameChunk duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public FrameChunk retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public FrameChunk retain() {
        super.retain();
        return this;
    }

    @Override
    public FrameChunk retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FrameChunk touch() {
        super.touch();
        return this;
    }

    @Override
    public FrameChunk touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "FrameChunk[" + (char) tag + ", " + content().readableBytes() + " bytes" + (last ? ", last]" : "]");
    }
}
