package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * ParameterStatus ({@code 'S'}): the current value of a reported run-time parameter
 * ({@code server_version}, {@code client_encoding}, {@code TimeZone}...), sent after login and
 * whenever one changes.
 */
public record ParameterStatus(String name, String value) implements BackendMessage {

    public static ParameterStatus decode(ByteBuf body) {
        String name = Wire.readCString(body, "parameter name");
        String value = Wire.readCString(body, "parameter value");
        Wire.requireEnd(body, "ParameterStatus");
        return new ParameterStatus(name, value);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.PARAMETER_STATUS);
        Wire.writeCString(out, name);
        Wire.writeCString(out, value);
        Wire.endMessage(out, lengthIndex);
    }
}
