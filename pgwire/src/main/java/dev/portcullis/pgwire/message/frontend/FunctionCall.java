package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Values;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * FunctionCall ({@code 'F'}): the legacy fast-path interface, still used by pgjdbc's large-object
 * API. It calls a function by OID, bypassing SQL, which is why the proxy audits it. Argument
 * formats follow the same shorthand as Bind; a {@code null} argument is SQL NULL.
 */
public record FunctionCall(int functionOid, List<Integer> argumentFormats, List<byte[]> arguments, int resultFormat)
        implements FrontendMessage {

    public FunctionCall {
        argumentFormats = List.copyOf(argumentFormats);
        arguments = Values.copyOf(arguments);
    }

    public static FunctionCall decode(ByteBuf body) {
        int oid = Wire.readInt32(body, "function OID");
        int formatCount = Wire.readCount(body, "argument format count");
        List<Integer> formats = new ArrayList<>(formatCount);
        for (int i = 0; i < formatCount; i++) {
            formats.add((int) Wire.readInt16(body, "argument format"));
        }
        int count = Wire.readCount(body, "argument count");
        if (formatCount > 1 && formatCount != count) {
            throw new ProtocolException(
                    "function call message has " + formatCount + " argument formats but " + count + " arguments");
        }
        List<byte[]> arguments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            arguments.add(Wire.readValue(body, "argument " + (i + 1)));
        }
        int resultFormat = Wire.readInt16(body, "result format");
        Wire.requireEnd(body, "FunctionCall");
        return new FunctionCall(oid, formats, arguments, resultFormat);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.FUNCTION_CALL);
        out.writeInt(functionOid);
        Wire.writeCount(out, argumentFormats.size(), "argument format count");
        for (int format : argumentFormats) {
            out.writeShort(format);
        }
        Wire.writeCount(out, arguments.size(), "argument count");
        for (byte[] argument : arguments) {
            Wire.writeValue(out, argument);
        }
        out.writeShort(resultFormat);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FunctionCall that
                && functionOid == that.functionOid
                && resultFormat == that.resultFormat
                && argumentFormats.equals(that.argumentFormats)
                && Values.equal(arguments, that.arguments);
    }

    @Override
    public int hashCode() {
        return (functionOid * 31 + resultFormat) * 31 + Values.hash(arguments);
    }

    @Override
    public String toString() {
        return "FunctionCall[functionOid=" + Integer.toUnsignedString(functionOid)
                + ", argumentFormats=" + argumentFormats + ", arguments=" + Values.describe(arguments)
                + ", resultFormat=" + resultFormat + "]";
    }
}
