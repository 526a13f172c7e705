package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * AuthenticationSASLFinal: the outcome data of a completed SASL exchange; for SCRAM the
 * server-final-message, whose signature proves the server knew the password too.
 */
public record AuthenticationSASLFinal(byte[] data) implements Authentication {

    public AuthenticationSASLFinal {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int code() {
        return AuthenticationCode.SASL_FINAL;
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Authentication.begin(out, code());
        out.writeBytes(data);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationSASLFinal that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    /** SASL messages are never logged. */
    @Override
    public String toString() {
        return "AuthenticationSASLFinal[data=" + PgMessage.NOT_SHOWN + "]";
    }
}
