package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Parse ({@code 'P'}): create a prepared statement ({@code ""} is the unnamed one) from one SQL
 * statement with {@code $n} placeholders. A parameter type OID of 0 leaves the type unspecified.
 * OIDs are unsigned on the wire; values above 2^31-1 appear negative here
 * ({@link Integer#toUnsignedLong(int)} recovers them).
 */
public record Parse(String statement, String query, List<Integer> parameterTypes) implements FrontendMessage {

    public Parse {
        parameterTypes = List.copyOf(parameterTypes);
    }

    public static Parse decode(ByteBuf body) {
        String statement = Wire.readCString(body, "prepared statement name");
        String query = Wire.readCString(body, "query string");
        int count = Wire.readCount(body, "parameter type count");
        List<Integer> types = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            types.add(Wire.readInt32(body, "parameter type"));
        }
        Wire.requireEnd(body, "Parse");
        return new Parse(statement, query, types);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.PARSE);
        Wire.writeCString(out, statement);
        Wire.writeCString(out, query);
        Wire.writeCount(out, parameterTypes.size(), "parameter type count");
        for (int type : parameterTypes) {
            out.writeInt(type);
        }
        Wire.endMessage(out, lengthIndex);
    }
}
