package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;

/**
 * GSSENCRequest: the client asks for GSSAPI encryption. A server without it answers {@code 'N'}
 * and the client goes on with an SSLRequest or a StartupMessage on the same connection.
 */
public record GSSENCRequest() implements StartupPacket {

    public static final GSSENCRequest INSTANCE = new GSSENCRequest();

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginUntagged(out);
        out.writeInt(StartupCode.GSSENC_REQUEST);
        Wire.endMessage(out, lengthIndex);
    }
}
