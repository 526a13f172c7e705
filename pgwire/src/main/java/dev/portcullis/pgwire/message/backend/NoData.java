package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * NoData: the described statement or portal returns no rows.
 */
public record NoData() implements BackendMessage {

    public static final NoData INSTANCE = new NoData();

    public static NoData decode(ByteBuf body) {
        Wire.requireEnd(body, "NoData");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, BackendTag.NO_DATA, 0);
    }
}
