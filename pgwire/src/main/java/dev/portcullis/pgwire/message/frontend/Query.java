package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/** Query ({@code 'Q'}): simple query protocol, one string that may hold several statements. */
public record Query(String query) implements FrontendMessage {

    public static Query decode(ByteBuf body) {
        String query = Wire.readCString(body, "query string");
        Wire.requireEnd(body, "Query");
        return new Query(query);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.QUERY);
        Wire.writeCString(out, query);
        Wire.endMessage(out, lengthIndex);
    }
}
