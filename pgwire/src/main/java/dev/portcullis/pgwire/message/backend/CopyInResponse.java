package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * CopyInResponse: the server is ready for COPY FROM STDIN data; the client sends CopyData then
 * CopyDone (or CopyFail).
 *
 * @param overallFormat 0 textual, 1 binary
 * @param columnFormats one format code per column
 */
public record CopyInResponse(int overallFormat, List<Integer> columnFormats) implements BackendMessage {

    public CopyInResponse {
        columnFormats = List.copyOf(columnFormats);
    }

    public static CopyInResponse decode(ByteBuf body) {
        CopyResponseFormat format = CopyResponseFormat.decode(body, "CopyInResponse");
        return new CopyInResponse(format.overallFormat(), format.columnFormats());
    }

    @Override
    public void encode(ByteBuf out) {
        CopyResponseFormat.encode(out, BackendTag.COPY_IN_RESPONSE, overallFormat, columnFormats);
    }
}
