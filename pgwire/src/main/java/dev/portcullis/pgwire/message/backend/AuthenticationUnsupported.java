package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * An authentication request Portcullis cannot answer: AuthenticationKerberosV5, AuthenticationGSS,
 * AuthenticationGSSContinue, AuthenticationSSPI, or a code newer than this library. Kept as a
 * message (not an error) so the upstream login can say which method the server wanted.
 */
public record AuthenticationUnsupported(int code, byte[] data) implements Authentication {

    public AuthenticationUnsupported {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The documentation's name of the requested method's message. */
    public String name() {
        return AuthenticationCode.name(code);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Authentication.begin(out, code);
        out.writeBytes(data);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationUnsupported that && code == that.code && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return name() + "[data=" + PgMessage.NOT_SHOWN + "]";
    }
}
