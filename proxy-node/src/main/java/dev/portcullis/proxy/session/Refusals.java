package dev.portcullis.proxy.session;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/** Ends a client connection the PostgreSQL way: a FATAL ErrorResponse first, never a bare close. */
public final class Refusals {
    private Refusals() {
    }

    public static void fatal(Channel client, SqlState state, String message, String hint) {
        if (!client.isActive()) {
            return;
        }
        client.config().setAutoRead(false);
        client.writeAndFlush(ErrorResponse.fatal(state, message, hint).encode(client.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
