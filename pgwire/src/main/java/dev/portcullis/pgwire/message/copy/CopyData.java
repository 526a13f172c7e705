package dev.portcullis.pgwire.message.copy;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * CopyData ({@code 'd'}, both directions): a piece of a COPY data stream.
 *
 * <p>This record copies its bytes and suits tests and small payloads; the proxy relays CopyData
 * as frames or streamed chunks and never decodes it.
 */
public record CopyData(byte[] data) implements FrontendMessage, BackendMessage {

    public CopyData {
        data = data.clone();
    }

    public static CopyData decode(ByteBuf body) {
        return new CopyData(Wire.readRemaining(body));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, FrontendTag.COPY_DATA, data.length);
        out.writeBytes(data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CopyData that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** Sizes only: COPY data is table contents. */
    @Override
    public String toString() {
        return "CopyData[" + data.length + " bytes]";
    }
}
