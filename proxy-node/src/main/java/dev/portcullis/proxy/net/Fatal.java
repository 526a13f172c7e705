package dev.portcullis.proxy.net;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.ssl.SslHandler;

/**
 * Ends a client connection the PostgreSQL way: a FATAL ErrorResponse first, never a bare close,
 * unless the client's TLS handshake is still unfinished, when no message can reach it. The caller
 * makes sure the stream is at a message boundary (before the relay it always is).
 */
public final class Fatal {
    private Fatal() {}

    public static void send(Channel client, SqlState state, String message, String hint) {
        if (!client.isActive()) {
            return;
        }
        client.config().setAutoRead(false);
        SslHandler tls = client.pipeline().get(SslHandler.class);
        if (tls != null && !tls.handshakeFuture().isDone()) {
            // the ErrorResponse would wait behind the handshake, which no longer reads: the close,
            // and so the startup timeout, would wait for SslHandler's own 10 s handshake timeout
            client.close();
            return;
        }
        client.writeAndFlush(ErrorResponse.fatal(state, message, hint).encode(client.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
