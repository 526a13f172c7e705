package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/**
 * Flush ({@code 'H'}): asks the server to send what it has buffered, without ending the cycle.
 */
public record Flush() implements FrontendMessage {

    public static final Flush INSTANCE = new Flush();

    public static Flush decode(ByteBuf body) {
        Wire.requireEnd(body, "Flush");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, FrontendTag.FLUSH, 0);
    }
}
