package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * CopyBothResponse: bidirectional copy begins (streaming replication only, which Portcullis
 * refuses).
 *
 * @param overallFormat 0 textual, 1 binary
 * @param columnFormats one format code per column
 */
public record CopyBothResponse(int overallFormat, List<Integer> columnFormats) implements BackendMessage {

    public CopyBothResponse {
        columnFormats = List.copyOf(columnFormats);
    }

    public static CopyBothResponse decode(ByteBuf body) {
        CopyResponseFormat format = CopyResponseFormat.decode(body, "CopyBothResponse");
        return new CopyBothResponse(format.overallFormat(), format.columnFormats());
    }

    @Override
    public void encode(ByteBuf out) {
        CopyResponseFormat.encode(out, BackendTag.COPY_BOTH_RESPONSE, overallFormat, columnFormats);
    }
}
