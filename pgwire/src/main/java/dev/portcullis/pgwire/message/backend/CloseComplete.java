package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * CloseComplete: a Close succeeded.
 */
public record CloseComplete() implements BackendMessage {

    public static final CloseComplete INSTANCE = new CloseComplete();

    public static CloseComplete decode(ByteBuf body) {
        Wire.requireEnd(body, "CloseComplete");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, BackendTag.CLOSE_COMPLETE, 0);
    }
}
