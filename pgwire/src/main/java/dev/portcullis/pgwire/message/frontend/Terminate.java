package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/**
 * Terminate ({@code 'X'}): the client is closing the connection.
 */
public record Terminate() implements FrontendMessage {

    public static final Terminate INSTANCE = new Terminate();

    public static Terminate decode(ByteBuf body) {
        Wire.requireEnd(body, "Terminate");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, FrontendTag.TERMINATE, 0);
    }
}
