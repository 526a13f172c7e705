package dev.portcullis.pgwire.message.copy;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/** CopyDone ({@code 'c'}, both directions): the sender has no more COPY data. */
public record CopyDone() implements FrontendMessage, BackendMessage {

    public static final CopyDone INSTANCE = new CopyDone();

    public static CopyDone decode(ByteBuf body) {
        Wire.requireEnd(body, "CopyDone");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, FrontendTag.COPY_DONE, 0);
    }
}
