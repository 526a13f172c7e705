package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/** Close ({@code 'C'}): drop a prepared statement or portal; answered by CloseComplete. */
public record Close(Target target, String name) implements FrontendMessage {

    public Close {
        Objects.requireNonNull(target, "target");
    }

    public static Close decode(ByteBuf body) {
        Target target = Target.of(Wire.readByte(body, "Close target"), "CLOSE");
        String name = Wire.readCString(body, "Close name");
        Wire.requireEnd(body, "Close");
        return new Close(target, name);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.CLOSE);
        out.writeByte(target.code());
        Wire.writeCString(out, name);
        Wire.endMessage(out, lengthIndex);
    }
}
