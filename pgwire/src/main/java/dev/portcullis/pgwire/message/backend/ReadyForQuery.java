package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * ReadyForQuery ({@code 'Z'}): the server is ready for a new query cycle. Ends login, every simple
 * Query, and every extended-protocol cycle (after Sync).
 */
public record ReadyForQuery(TransactionStatus status) implements BackendMessage {

    public static final ReadyForQuery IDLE = new ReadyForQuery(TransactionStatus.IDLE);

    public ReadyForQuery {
        Objects.requireNonNull(status, "status");
    }

    public static ReadyForQuery decode(ByteBuf body) {
        TransactionStatus status = TransactionStatus.of(Wire.readByte(body, "transaction status"));
        Wire.requireEnd(body, "ReadyForQuery");
        return new ReadyForQuery(status);
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, BackendTag.READY_FOR_QUERY, 1);
        out.writeByte(status.code());
    }
}
