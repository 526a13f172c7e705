package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * CopyOutResponse: COPY TO STDOUT begins; CopyData messages and a CopyDone follow.
 *
 * @param overallFormat 0 textual, 1 binary
 * @param columnFormats one format code per column
 */
public record CopyOutResponse(int overallFormat, List<Integer> columnFormats) implements BackendMessage {

    public CopyOutResponse {
        columnFormats = List.copyOf(columnFormats);
    }

    public static CopyOutResponse decode(ByteBuf body) {
        CopyResponseFormat format = CopyResponseFormat.decode(body, "CopyOutResponse");
        return new CopyOutResponse(format.overallFormat(), format.columnFormats());
    }

    @Override
    public void encode(ByteBuf out) {
        CopyResponseFormat.encode(out, BackendTag.COPY_OUT_RESPONSE, overallFormat, columnFormats);
    }
}
