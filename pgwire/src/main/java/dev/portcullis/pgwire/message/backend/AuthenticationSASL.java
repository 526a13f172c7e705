package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * AuthenticationSASL: the SASL mechanisms the server accepts, most preferred first, e.g.
 * {@code SCRAM-SHA-256-PLUS, SCRAM-SHA-256} over TLS. On the wire a list of strings ended by an
 * empty one.
 */
public record AuthenticationSASL(List<String> mechanisms) implements Authentication {

    public AuthenticationSASL {
        mechanisms = List.copyOf(mechanisms);
        if (mechanisms.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("an empty mechanism name would end the list early");
        }
    }

    static AuthenticationSASL decodeAfterCode(ByteBuf body) {
        List<String> mechanisms = new ArrayList<>();
        while (true) {
            if (!body.isReadable()) {
                throw new ProtocolException(
                        "invalid message format: AuthenticationSASL mechanism list " + "is not terminated");
            }
            String mechanism = Wire.readCString(body, "SASL mechanism name");
            if (mechanism.isEmpty()) {
                break;
            }
            mechanisms.add(mechanism);
        }
        Wire.requireEnd(body, "AuthenticationSASL");
        return new AuthenticationSASL(mechanisms);
    }

    @Override
    public int code() {
        return AuthenticationCode.SASL;
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Authentication.begin(out, code());
        for (String mechanism : mechanisms) {
            Wire.writeCString(out, mechanism);
        }
        out.writeByte(0);
        Wire.endMessage(out, lengthIndex);
    }
}
