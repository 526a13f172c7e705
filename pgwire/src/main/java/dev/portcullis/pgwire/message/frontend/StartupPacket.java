package dev.portcullis.pgwire.message.frontend;

import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.codec.Wire;
import dev.portcullis.pgwire.message.FrontendMessage;
import dev.portcullis.pgwire.protocol.StartupCode;
import io.netty.buffer.ByteBuf;

/**
 * The untagged packets a client may open a connection with. They share one layout (Int32 length,
 * Int32 code, rest) and the code tells them apart.
 */
public sealed interface StartupPacket extends FrontendMessage
        permits StartupMessage, SSLRequest, GSSENCRequest, CancelRequest {

    /**
     * Decodes a startup packet from its body: everything after the length field, starting with the
     * code.
     *
     * @throws ProtocolException for malformed packets, with SQLSTATE 0A000 for a protocol version
     *     other than 3.x (as PostgreSQL reports it)
     */
    static StartupPacket decode(ByteBuf body) {
        int code = Wire.readInt32(body, "startup packet code");
        switch (code) {
            case StartupCode.SSL_REQUEST:
                Wire.requireEnd(body, "SSLRequest");
                return SSLRequest.INSTANCE;
            case StartupCode.GSSENC_REQUEST:
                Wire.requireEnd(body, "GSSENCRequest");
                return GSSENCRequest.INSTANCE;
            case StartupCode.CANCEL_REQUEST:
                return CancelRequest.decodeAfterCode(body);
            default:
                if (StartupCode.majorVersion(code) != StartupCode.PROTOCOL_MAJOR) {
                    throw new ProtocolException(
                            SqlState.FEATURE_NOT_SUPPORTED,
                            "unsupported frontend protocol " + StartupCode.versionString(code)
                                    + ": Portcullis supports 3.0 to 3." + StartupCode.PROTOCOL_NEWEST_MINOR);
                }
                return StartupMessage.decodeAfterCode(code, body);
        }
    }
}
