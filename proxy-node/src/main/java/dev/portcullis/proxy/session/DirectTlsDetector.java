package dev.portcullis.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * PostgreSQL 17's direct TLS ({@code sslnegotiation=direct}): the client starts the TLS handshake at
 * once instead of sending an SSLRequest. A TLS record begins with byte 0x16 (handshake), which as the
 * first byte of a startup packet's length would mean a packet of at least 369 MB, so the first byte
 * alone tells them apart, as PostgreSQL's own postmaster does. A handshake gets the client TLS
 * handler in this one's place (the bytes read so far go to it); anything else passes on untouched.
 * Whether the client negotiated ALPN {@code postgresql}, which direct TLS requires, is checked once
 * the handshake is done ({@link ClientHandshakeHandler}).
 */
final class DirectTlsDetector extends ByteToMessageDecoder {
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;

    private final ConnectionContext context;
    private final ClientConnection connection;

    DirectTlsDetector(ConnectionContext context, ClientConnection connection) {
        this.context = context;
        this.connection = connection;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (connection.state() == SessionState.AWAIT_STARTUP && in.getByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD) {
            connection.directTls();
            // replacing a ByteToMessageDecoder hands what it has buffered to its replacement
            ctx.pipeline()
                    .replace(
                            this,
                            ClientConnection.TLS_HANDLER,
                            context.serverTls().newHandler(ctx.alloc()));
        } else {
            ctx.pipeline().remove(this);
        }
    }
}
