package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;

/**
 * SASLInitialResponse ({@code 'p'}): the chosen mechanism and its first message (for SCRAM the
 * client-first-message), or {@code null} data (length -1) when the mechanism has none.
 */
public record SASLInitialResponse(String mechanism, byte[] data) implements FrontendMessage {

    public SASLInitialResponse {
        Objects.requireNonNull(mechanism, "mechanism");
        data = data == null ? null : data.clone();
    }

    public static SASLInitialResponse decode(ByteBuf body) {
        String mechanism = Wire.readCString(body, "SASL mechanism");
        byte[] data = Wire.readValue(body, "SASL initial response");
        Wire.requireEnd(body, "SASLInitialResponse");
        return new SASLInitialResponse(mechanism, data);
    }

    @Override
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.PASSWORD_MESSAGE);
        Wire.writeCString(out, mechanism);
        Wire.writeValue(out, data);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SASLInitialResponse that
                && mechanism.equals(that.mechanism)
                && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * mechanism.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SASLInitialResponse[mechanism=" + mechanism + ", data=" + PgMessage.NOT_SHOWN + "]";
    }
}
