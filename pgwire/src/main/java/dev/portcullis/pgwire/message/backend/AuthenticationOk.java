package dev.portcullis.pgwire.message.backend;

import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.protocol.AuthenticationCode;
import io.netty.buffer.ByteBuf;

/** AuthenticationOk: login succeeded; ParameterStatus, BackendKeyData and ReadyForQuery follow. */
public record AuthenticationOk() implements Authentication {

    public static final AuthenticationOk INSTANCE = new AuthenticationOk();

    @Override
    public int code() {
        return AuthenticationCode.OK;
    }

    @Override
    public void encode(ByteBuf out) {
        Wire.endMessage(out, Authentication.begin(out, code()));
    }
}
