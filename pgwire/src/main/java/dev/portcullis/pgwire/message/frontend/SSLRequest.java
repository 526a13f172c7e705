package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;

/**
 * SSLRequest: the client asks to switch to TLS. The server answers with one unframed byte,
 * {@code 'S'} (start the TLS handshake) or {@code 'N'}. Any byte the client sent after the request
 * and before the handshake is a protocol violation (CVE-2021-23214): it would be plaintext
 * injected into what the server then treats as an encrypted session.
 */
public record SSLRequest() implements StartupPacket {

    public static final SSLRequest INSTANCE = new SSLRequest();

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginUntagged(out);
        out.writeInt(StartupCode.SSL_REQUEST);
        Wire.endMessage(out, lengthIndex);
    }
}
