package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.PgMessage;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * AuthenticationMD5Password: answer with {@code "md5" + md5hex(md5hex(password + user) + salt)}.
 */
public record AuthenticationMD5Password(byte[] salt) implements Authentication {

    public AuthenticationMD5Password {
        if (salt.length != 4) {
            throw new IllegalArgumentException("an MD5 salt has 4 bytes");
        }
        salt = salt.clone();
    }

    static AuthenticationMD5Password decodeAfterCode(ByteBuf body) {
        byte[] salt = Wire.readBytes(body, 4, "MD5 salt");
        Wire.requireEnd(body, "AuthenticationMD5Password");
        return new AuthenticationMD5Password(salt);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public int code() {
        return AuthenticationCode.MD5_PASSWORD;
    }

    @Override
    public void encode(ByteBuf out) {
        int lengthIndex = Authentication.begin(out, code());
        out.writeBytes(salt);
        Wire.endMessage(out, lengthIndex);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationMD5Password that && Arrays.equals(salt, that.salt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "AuthenticationMD5Password[salt=" + PgMessage.NOT_SHOWN + "]";
    }
}
