package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Describe ({@code 'D'}): ask for the parameter and/or row description of a statement or portal.
 */
public record Describe(Target target, String name) implements FrontendMessage {

    public Describe {
        Objects.requireNonNull(target, "target");
    }

    public static Describe decode(ByteBuf body) {
        Target target = Target.of(Wire.readByte(body, "Describe target"), "DESCRIBE");
        String name = Wire.readCString(body, "Describe name");
        Wire.requireEnd(body, "Describe");
        return new Describe(target, name);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.DESCRIBE);
        out.writeByte(target.code());
        Wire.writeCString(out, name);
        Wire.endMessage(out, lengthIndex);
    }
}
