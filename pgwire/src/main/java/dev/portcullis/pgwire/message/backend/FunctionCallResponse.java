package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** FunctionCallResponse ({@code 'V'}): the result of a FunctionCall; {@code null} is SQL NULL. */
public record FunctionCallResponse(byte[] result) implements BackendMessage {

    public FunctionCallResponse {
        result = result == null ? null : result.clone();
    }

    public static FunctionCallResponse decode(ByteBuf body) {
        byte[] result = Wire.readValue(body, "function result");
        Wire.requireEnd(body, "FunctionCallResponse");
        return new FunctionCallResponse(result);
    }

    @Override
    public byte[] result() {
        return result == null ? null : result.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.FUNCTION_CALL_RESPONSE);
        Wire.writeValue(out, result);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FunctionCallResponse that && Arrays.equals(result, that.result);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(result);
    }

    @Override
    public String toString() {
        return "FunctionCallResponse[" + (result == null ? "NULL" : result.length + " bytes") + "]";
    }
}
