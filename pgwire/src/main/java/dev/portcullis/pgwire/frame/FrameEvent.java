package dev.portcullis.pgwire.frame;

import io.netty.buffer.ByteBufHolder;

/**
 * What {@link FrameDecoder} yields. Each event holds a retained slice of the input whose bytes are
 * exactly what the peer sent, so forwarding a message verbatim is writing the events' contents in
 * order. The receiver owns the event and must release it.
 */
public sealed interface FrameEvent extends ByteBufHolder permits Frame, FrameHeader, FrameChunk {

    /** The type byte of the message this event belongs to. */
    byte tag();
}
