package dev.portcullis.proxy.relay;

import dev.portcullis.api.model.Ttl;
import dev.portcullis.pgwire.ProtocolException;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.frame.Frame;
import dev.portcullis.pgwire.frame.FrameChunk;
import dev.portcullis.pgwire.frame.FrameEvent;
import dev.portcullis.pgwire.frame.FrameHeader;
import dev.portcullis.pgwire.message.frontend.Terminate;
import dev.portcullis.pgwire.protocol.FrontendTag;
import dev.portcullis.proxy.audit.AuditTap;
import dev.portcullis.proxy.audit.MessagePrefix;
import dev.portcullis.proxy.policy.MessageAuthorizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jboss.logging.Logger;

/**
 * Client frames to the upstream, in order, flushed once per read batch. When the upstream
 * cannot take more, the client is not read (backpressure); nothing is buffered without bound.
 */
final class ClientToUpstream extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(ClientToUpstream.class);

    private final RelayedSession connection;
    private final Channel upstream;
    private final FrontendFrames frames;
    private final RelayCounters counters;
    private final AuditTap tap;
    private final UpstreamToClient toClient;
    private final java.time.Duration idleTimeout;
    /** Per-message authorization, or null when the Service authorizes at connect only. */
    private final MessageGate gate;
    /** What the server has yet to answer. */
    private final ServerProgress progress;
    /** Under per-message authorization, the largest statement decided; larger ones are refused unread. */
    private final int statementLimit;
    /** Cancels the upstream's running statement: for a client gone mid-query. */
    private final Runnable cancelRunning;
    /** The client broke the protocol: the session is ending, nothing more of it is forwarded. */
    private boolean violated;
    /** The client sent Terminate. */
    private boolean saidGoodbye;
    /** The statement being refused unread while its body passes, or null; and its sequence number. */
    private MessagePrefix refusing;

    private long refusingSeq;

    ClientToUpstream(
            RelayedSession connection,
            Channel upstream,
            FrontendFrames frames,
            RelayCounters counters,
            AuditTap tap,
            UpstreamToClient toClient,
            ServerProgress progress,
            java.time.Duration idleTimeout,
            MessageGate gate,
            int statementLimit,
            Runnable cancelRunning) {
        this.progress = progress;
        this.cancelRunning = cancelRunning;
        this.gate = gate;
        this.statementLimit = statementLimit;
        this.tap = tap;
        this.toClient = toClient;
        this.idleTimeout = idleTimeout;
        this.connection = connection;
        this.upstream = upstream;
        this.frames = frames;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        FrameEvent event = (FrameEvent) msg;
        if (violated) {
            event.release(); // nothing after a protocol violation reaches the upstream
            return;
        }
        if (gate != null && gate.deciding()) {
            gate.hold(event);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        process(ctx, event);
    }

    private void process(ChannelHandlerContext ctx, FrameEvent event) {
        int bytes = event.content().readableBytes();
        boolean starts = !(event instanceof FrameChunk);
        byte tag = event.tag();
        counters.fromClient(tag, bytes, starts);
        long seq = starts ? progress.sent(tag) : -1;
        if (event instanceof Frame f && f.tag() == FrontendTag.TERMINATE) {
            saidGoodbye = true;
            connection.markEndedByClient();
            connection.endReason("client terminated the session");
        }
        if (refusing != null) {
            // the body of a statement refused unread: dropped as it comes, none of it goes upstream
            boolean last = refusing.add((FrameChunk) event);
            event.release();
            if (last) {
                MessagePrefix refused = refusing;
                refusing = null;
                forward(ctx, gate.refuseUnread(refused, statementLimit, refusingSeq, ctx.alloc()));
            }
            return;
        }
        if (gate != null && event instanceof Frame f && MessageAuthorizer.decides(f.tag())) {
            ctx.channel().config().setAutoRead(false);
            gate.decide(f, seq, ctx.channel().eventLoop(), ctx.alloc(), bytesToSend -> {
                forward(ctx, bytesToSend);
                upstream.flush();
                for (FrameEvent next; (next = gate.nextHeld()) != null; ) {
                    process(ctx, next);
                }
                if (!gate.deciding()) {
                    upstream.flush();
                    ctx.channel().config().setAutoRead(upstream.isWritable());
                }
            });
            return;
        }
        if (gate != null && event instanceof FrameHeader h && MessageAuthorizer.decides(h.tag())) {
            // too large to decide: refused before any byte of it is written upstream (its header neither)
            refusing = new MessagePrefix(h, tap.maxPrefix());
            refusingSeq = seq;
            event.release();
            return;
        }
        tap.on(event);
        forward(ctx, event.content());
    }

    /** The content is the message's own bytes: forwarding hands the buffer over. */
    private void forward(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf bytes) {
        if (!upstream.isActive()) {
            bytes.release();
            return;
        }
        upstream.write(bytes, upstream.voidPromise());
        if (!upstream.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        upstream.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // the client drained what the upstream sent it: read the upstream again
        upstream.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // silence while a long query runs is not idleness: only a session waiting for its client is
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent && toClient.waitingForClient()) {
            String why = "terminating connection due to idle-session timeout (" + Ttl.format(idleTimeout) + ")";
            connection.endReason(why);
            toClient.terminate(SqlState.IDLE_SESSION_TIMEOUT, why, null);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (gate != null) {
            gate.release(); // frames the decoder handed on after the close
        }
        ctx.fireChannelInactive();
    }

    /** The client is gone: a statement still running is cancelled, then the upstream is left cleanly. */
    void clientClosed() {
        if (gate != null) {
            gate.release();
        }
        if (upstream.isActive()) {
            if (!saidGoodbye && !toClient.waitingForClient()) {
                // gone (or ended by the proxy) mid-statement: the server would run it to its end for no one.
                // After a Terminate it runs on, as it would direct: the client sent it to be run.
                LOG.infof(
                        "%s: the session closed while a statement ran; cancelling it upstream", connection.describe());
                cancelRunning.run();
            }
            if (frames.atBoundary() && !saidGoodbye) {
                // a clean goodbye, so the upstream does not log an unexpected EOF
                upstream.writeAndFlush(Terminate.INSTANCE.encode(upstream.alloc()));
            }
            upstream.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause.getCause() instanceof ProtocolException ? cause.getCause() : cause;
        if (c instanceof ProtocolException p) {
            LOG.infof("%s: protocol violation from the client: %s", connection.describe(), p.getMessage());
            connection.endReason("protocol violation: " + p.getMessage());
            violated = true;
            ctx.channel().config().setAutoRead(false);
            // nothing more of the client is read; the FATAL waits for the upstream's message under way
            toClient.terminate(p.sqlState() == null ? SqlState.PROTOCOL_VIOLATION : p.sqlState(), p.getMessage(), null);
        } else {
            LOG.debugf("%s: client connection error: %s", connection.describe(), c.toString());
            upstream.close();
            ctx.close();
        }
    }
}
