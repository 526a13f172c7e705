package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.backend.ErrorResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jboss.logging.Logger;

/**
 * Upstream bytes to the client as they come, undecoded (the hot path of every result set),
 * with backpressure. Only message boundaries are followed, so that if the upstream goes away
 * the client still gets a proper FATAL ErrorResponse rather than a cut stream.
 */
final class UpstreamToClient extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(UpstreamToClient.class);

    private final RelayedSession connection;
    private final Channel client;
    private final RelayCounters counters;
    private final MessageBoundary boundary = new MessageBoundary();
    /** Only for per-message authorization: then every message is split, from the first. */
    private final DenialRewriter denials;

    UpstreamToClient(RelayedSession connection, Channel client, RelayCounters counters, boolean rewriteDenials) {
        this.connection = connection;
        this.client = client;
        this.counters = counters;
        this.denials = rewriteDenials ? new DenialRewriter() : null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        int messages = boundary.consume(buf, tag -> counters.toClientMessage((byte) tag));
        counters.toClient(buf.readableBytes(), messages);
        if (denials == null) {
            client.write(buf, client.voidPromise());
        } else {
            denials.forward(buf, client);
        }
        if (!client.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        client.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // the upstream took what the client sent: read the client again
        client.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * A denied message was replaced upstream by {@link DenialRewriter#sentinel}: its error becomes
     * {@code error}. {@code readyOrdinal} is the ReadyForQuery that closes the denied message's batch.
     */
    void expectDenial(String nonce, long readyOrdinal, ByteBuf error) {
        denials.expect(nonce, readyOrdinal, error);
    }

    /** Ends the session from outside (revocation, limits): FATAL at a message boundary, then close. */
    void terminate(SqlState state, String message, String hint) {
        client.eventLoop().execute(() -> {
            if (!client.isActive()) {
                return;
            }
            connection.markEndedByClient(); // the upstream closing next is expected
            ByteBuf last = boundary.atBoundary()
                    ? ErrorResponse.fatal(state, message, hint).encode(client.alloc()) : Unpooled.EMPTY_BUFFER;
            client.config().setAutoRead(false);
            client.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        });
    }

    /**
     * True while no query is running: every Query, Sync and FunctionCall the client sent has
     * been answered with its ReadyForQuery.
     */
    boolean waitingForClient(long syncPointsSent) {
        return boundary.atBoundary() && boundary.lastWasReadyForQuery() && boundary.readyCount() >= syncPointsSent;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (denials != null) {
            denials.release();
        }
        if (client.isActive()) {
            connection.endReason("the upstream closed the connection");
            ByteBuf last = Unpooled.EMPTY_BUFFER;
            if (boundary.atBoundary() && !connection.endedByClient()) {
                last = ErrorResponse.fatal(SqlState.CONNECTION_FAILURE, "the connection to the upstream database was lost",
                        "reconnect; if it persists, the database may be down").encode(client.alloc());
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
