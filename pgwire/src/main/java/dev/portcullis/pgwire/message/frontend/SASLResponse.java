package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/** SASLResponse ({@code 'p'}): a later SASL message, for SCRAM the client-final-message. */
public record SASLResponse(byte[] data) implements FrontendMessage {

    public SASLResponse {
        data = data.clone();
    }

    public static SASLResponse decode(ByteBuf body) {
        return new SASLResponse(Wire.readRemaining(body));
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.writeHeader(out, FrontendTag.PASSWORD_MESSAGE, data.length);
        out.writeBytes(data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SASLResponse that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SASLResponse[data=" + PgMessage.NOT_SHOWN + "]";
    }
}
