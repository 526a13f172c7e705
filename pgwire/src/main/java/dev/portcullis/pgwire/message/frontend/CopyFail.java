package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/** CopyFail ({@code 'f'}): the client aborts a COPY FROM STDIN, with the reason. */
public record CopyFail(String message) implements FrontendMessage {

    public static CopyFail decode(ByteBuf body) {
        String message = Wire.readCString(body, "CopyFail message");
        Wire.requireEnd(body, "CopyFail");
        return new CopyFail(message);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.COPY_FAIL);
        Wire.writeCString(out, message);
        Wire.endMessage(out, lengthIndex);
    }
}
