package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * BindComplete: a Bind succeeded.
 */
public record BindComplete() implements BackendMessage {

    public static final BindComplete INSTANCE = new BindComplete();

    public static BindComplete decode(ByteBuf body) {
        Wire.requireEnd(body, "BindComplete");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, BackendTag.BIND_COMPLETE, 0);
    }
}
