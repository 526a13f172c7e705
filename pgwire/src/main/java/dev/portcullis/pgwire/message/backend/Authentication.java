package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.BackendMessage;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;

/**
 * The Authentication ({@code 'R'}) family: the server's requests during login and its final
 * AuthenticationOk. The Int32 after the length selects the message.
 */
public sealed interface Authentication extends BackendMessage
        permits AuthenticationOk,
                AuthenticationCleartextPassword,
                AuthenticationMD5Password,
                AuthenticationSASL,
                AuthenticationSASLContinue,
                AuthenticationSASLFinal,
                AuthenticationUnsupported {

    /** The {@code AuthenticationCode} of this message. */
    int code();

    /**
     * Decodes an {@code 'R'} body. Methods Portcullis cannot perform (Kerberos, GSSAPI, SSPI)
     * decode to {@link AuthenticationUnsupported} so the caller can explain the refusal.
     */
    static Authentication decode(ByteBuf body) {
        int code = Wire.readInt32(body, "authentication request code");
        switch (code) {
            case AuthenticationCode.OK:
                Wire.requireEnd(body, "AuthenticationOk");
                return AuthenticationOk.INSTANCE;
            case AuthenticationCode.CLEARTEXT_PASSWORD:
                Wire.requireEnd(body, "AuthenticationCleartextPassword");
                return AuthenticationCleartextPassword.INSTANCE;
            case AuthenticationCode.MD5_PASSWORD:
                return AuthenticationMD5Password.decodeAfterCode(body);
            case AuthenticationCode.SASL:
                return AuthenticationSASL.decodeAfterCode(body);
            case AuthenticationCode.SASL_CONTINUE:
                return new AuthenticationSASLContinue(Wire.readRemaining(body));
            case AuthenticationCode.SASL_FINAL:
                return new AuthenticationSASLFinal(Wire.readRemaining(body));
            default:
                return new AuthenticationUnsupported(code, Wire.readRemaining(body));
        }
    }

    /** Writes header and code; the caller appends the rest and ends the message. */
    static int begin(ByteBuf out, int code) {
        int lengthIndex = Wire.beginMessage(out, BackendTag.AUTHENTICATION);
        out.writeInt(code);
        return lengthIndex;
    }
}
