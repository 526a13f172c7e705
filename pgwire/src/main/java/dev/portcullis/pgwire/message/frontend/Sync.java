package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/**
 * Sync ({@code 'S'}): ends an extended-query cycle; the server answers ReadyForQuery (and,
 * after an error, skips everything until it).
 */
public record Sync() implements FrontendMessage {

    public static final Sync INSTANCE = new Sync();

    public static Sync decode(ByteBuf body) {
        Wire.requireEnd(body, "Sync");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, FrontendTag.SYNC, 0);
    }
}
