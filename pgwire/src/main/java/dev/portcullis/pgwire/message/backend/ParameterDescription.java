package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** ParameterDescription ({@code 't'}): the type OIDs of a described statement's parameters. */
public record ParameterDescription(List<Integer> parameterTypes) implements BackendMessage {

    public ParameterDescription {
        parameterTypes = List.copyOf(parameterTypes);
    }

    public static ParameterDescription decode(ByteBuf body) {
        int count = Wire.readCount(body, "parameter count");
        List<Integer> types = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            types.add(Wire.readInt32(body, "parameter type"));
        }
        Wire.requireEnd(body, "ParameterDescription");
        return new ParameterDescription(types);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.PARAMETER_DESCRIPTION);
        Wire.writeCount(out, parameterTypes.size(), "parameter count");
        for (int type : parameterTypes) {
            out.writeInt(type);
        }
        Wire.endMessage(out, lengthIndex);
    }
}
