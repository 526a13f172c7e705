package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.FrontendTag;
import io.netty.buffer.ByteBuf;

/**
 * PasswordMessage ({@code 'p'}) answering AuthenticationCleartextPassword (the password itself;
 * for Portcullis clients, their access token) or AuthenticationMD5Password ({@code "md5" + hex}).
 */
public record PasswordMessage(String password) implements FrontendMessage {

    public static PasswordMessage decode(ByteBuf body) {
        String password = Wire.readCString(body, "password");
        Wire.requireEnd(body, "PasswordMessage");
        return new PasswordMessage(password);
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Wire.beginMessage(out, FrontendTag.PASSWORD_MESSAGE);
        Wire.writeCString(out, password);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public String toString() {
        return "PasswordMessage[password=" + PgMessage.NOT_SHOWN + "]";
    }
}
