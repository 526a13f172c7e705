package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import dev.portcullis.pgwire.protocol.BackendTag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jboss.logging.Logger;

/**
 * Upstream bytes to the client as they come, undecoded (the hot path of every result set),
 * with backpressure. {@link BackendStream} follows them message by message: so that a FATAL the
 * proxy adds lands between messages, and so that the session knows whether a statement runs.
 */
final class UpstreamToClient extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(UpstreamToClient.class);

    private final RelayedSession connection;
    private final Channel client;
    private final ServerProgress progress;
    private final BackendStream stream;
    /** How long a FATAL the proxy adds waits for the upstream's message under way to end. */
    static final int BOUNDARY_WAIT_SECONDS = 10;
    /** What runs when the session is next idle (a drain), or null. */
    private Runnable whenIdle;
    /** The FATAL waiting for a message boundary, or null. */
    private ByteBuf ending;

    UpstreamToClient(RelayedSession connection, Channel client, RelayCounters counters, ServerProgress progress) {
        this.connection = connection;
        this.client = client;
        this.progress = progress;
        this.stream = new BackendStream(progress, counters);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        if (ending != null) {
            // a FATAL waits for the message under way to end: pass up to there, then the FATAL
            int upTo = stream.bytesToBoundary(buf);
            if (upTo < 0) {
                forward(buf);
                return;
            }
            ByteBuf rest = buf;
            forward(buf.readRetainedSlice(upTo));
            rest.release();
            sendEnding();
            return;
        }
        forward(buf);
        if (!client.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
        if (whenIdle != null && waitingForClient()) {
            Runnable r = whenIdle;
            whenIdle = null;
            r.run();
        }
    }

    private void forward(ByteBuf buf) {
        stream.forward(buf, client);
    }

    private void sendEnding() {
        ByteBuf last = ending;
        ending = null;
        client.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        client.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // the upstream took what the client sent: read the client again (unless the session is ending)
        client.config().setAutoRead(ctx.channel().isWritable() && ending == null && !connection.endedByClient());
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Ends the session (revocation, limits, shutdown, a client protocol violation): the FATAL goes at
     * the next message boundary, then the client is closed. Until then the client is not read, and the
     * upstream is, as far as the message under way; one that does not end within
     * {@link #BOUNDARY_WAIT_SECONDS} is cut with a bare close (no message can be added mid-message).
     */
    void terminate(SqlState state, String message, String hint) {
        if (!client.eventLoop().inEventLoop()) {
            client.eventLoop().execute(() -> terminate(state, message, hint));
            return;
        }
        if (!client.isActive() || ending != null) {
            return;
        }
        connection.markEndedByClient(); // the upstream closing next is expected
        client.config().setAutoRead(false);
        ending = ErrorResponse.fatal(state, message, hint).encode(client.alloc());
        if (stream.atBoundary()) {
            sendEnding();
            return;
        }
        client.eventLoop()
                .schedule(
                        () -> {
                            if (ending != null) {
                                ending.release();
                                ending = null;
                                client.close();
                            }
                        },
                        BOUNDARY_WAIT_SECONDS,
                        java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Ends the session once no statement runs (at once if none does): a draining node lets what runs
     * finish. The client may go on sending; its session ends at the first idle moment.
     */
    void terminateWhenIdle(SqlState state, String message, String hint) {
        if (!client.eventLoop().inEventLoop()) {
            client.eventLoop().execute(() -> terminateWhenIdle(state, message, hint));
            return;
        }
        if (waitingForClient()) {
            terminate(state, message, hint);
        } else {
            whenIdle = () -> terminate(state, message, hint);
        }
    }

    /** True while no statement runs: the server has answered all the client sent, to its last byte. */
    boolean waitingForClient() {
        return stream.atBoundary() && progress.awaitingClient();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ending != null) {
            ending.release(); // the upstream ended mid-message: no boundary will come
            ending = null;
        }
        stream.release();
        if (client.isActive()) {
            connection.endReason("the upstream closed the connection");
            ByteBuf last = Unpooled.EMPTY_BUFFER;
            // after the upstream's own FATAL (pg_terminate_backend, a crash) the client has been told
            if (stream.atBoundary() && !connection.endedByClient() && stream.lastTag() != BackendTag.ERROR_RESPONSE) {
                last = ErrorResponse.fatal(
                                SqlState.CONNECTION_FAILURE,
                                "the connection to the upstream database was lost",
                                "reconnect; if it persists, the database may be down")
                        .encode(client.alloc());
            }
            client.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.infof("%s: upstream connection error: %s", connection.describe(), cause.toString());
        ctx.close();
    }
}
