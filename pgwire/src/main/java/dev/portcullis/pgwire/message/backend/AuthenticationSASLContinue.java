package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * AuthenticationSASLContinue: the next SASL challenge; for SCRAM the server-first-message (nonce,
 * salt, iteration count).
 */
public record AuthenticationSASLContinue(byte[] data) implements Authentication {

    public AuthenticationSASLContinue {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int code() {
        return AuthenticationCode.SASL_CONTINUE;
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Authentication.begin(out, code());
        out.writeBytes(data);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationSASLContinue that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** SASL messages are never logged. */
    @Override
    public String toString() {
        return "AuthenticationSASLContinue[data=" + PgMessage.NOT_SHOWN + "]";
    }
}
