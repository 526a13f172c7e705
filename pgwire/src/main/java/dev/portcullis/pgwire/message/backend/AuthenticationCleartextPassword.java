package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import io.netty.buffer.ByteBuf;

/**
 * AuthenticationCleartextPassword: send the password as is. Portcullis asks its clients for their
 * access token this way, which is why it insists on TLS first.
 */
public record AuthenticationCleartextPassword() implements Authentication {

    public static final AuthenticationCleartextPassword INSTANCE = new AuthenticationCleartextPassword();

    @Override
    public int code() {
        return AuthenticationCode.CLEARTEXT_PASSWORD;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.endMessage(out, Authentication.begin(out, code()));
    }
}
