package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * EmptyQueryResponse: the query string was empty (answers an empty Query instead of
 * CommandComplete).
 */
public record EmptyQueryResponse() implements BackendMessage {

    public static final EmptyQueryResponse INSTANCE = new EmptyQueryResponse();

    public static EmptyQueryResponse decode(ByteBuf body) {
        Wire.requireEnd(body, "EmptyQueryResponse");
        return INSTANCE;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, BackendTag.EMPTY_QUERY_RESPONSE, 0);
    }
}
