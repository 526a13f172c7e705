package dev.portcullis.proxy.relay;

import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.proxy.audit.AuditTap;
import dev.portcullis.proxy.audit.SessionEvents;
import dev.portcullis.proxy.config.ProxyConfig;
import dev.portcullis.proxy.policy.MessageAuthorizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Switches a connection from setup to relaying: frames from the client go upstream, bytes from
 * the upstream go to the client, both on the client's event loop; closing either side closes
 * the other. The session that installs it keeps the handle, to end it and to read its traffic.
 */
public final class Relay {
    /**
     * What a relay runs with, resolved by the session once.
     *
     * @param authorizer per-message authorization, or null when the Service decides at connect only
     * @param cancelRunning cancels the statement the upstream is running (the client vanished mid-query)
     */
    public record Setup(
            ProxyConfig.Limits caps,
            RelayMetrics metrics,
            AuditTap tap,
            MessageAuthorizer authorizer,
            Duration idleTimeout,
            Runnable cancelRunning) {}

    private final UpstreamToClient toClient;
    private final RelayCounters counters;

    private Relay(UpstreamToClient toClient, RelayCounters counters) {
        this.toClient = toClient;
        this.counters = counters;
    }

    /** Replaces the handshake handler; reading starts on both sides. */
    public static Relay install(
            ChannelHandlerContext handshake, Channel upstream, RelayedSession session, Setup setup) {
        Channel client = handshake.channel();
        var caps = setup.caps();
        RelayCounters counters = new RelayCounters(setup.metrics());
        boolean perMessage = setup.authorizer() != null;
        FrameLimits frameLimits = new FrameLimits(caps.messageBytes(), caps.streamThresholdBytes());
        if (perMessage) {
            // a statement is decided whole: nothing of it may reach the upstream before its decision
            frameLimits = frameLimits.wholeUpTo(caps.authorizedStatementBytes(), MessageAuthorizer.DECIDED_TAGS);
        }
        FrontendFrames frames = new FrontendFrames(frameLimits);

        // reader idleness is checked against "no query running" in ClientToUpstream
        client.pipeline()
                .addLast("idle", new IdleStateHandler(setup.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        client.pipeline().addLast("frames", frames);
        ServerProgress progress = new ServerProgress();
        UpstreamToClient toClient = new UpstreamToClient(session, client, counters, progress);
        MessageGate gate = perMessage ? new MessageGate(setup.authorizer(), progress, setup.tap()) : null;
        ClientToUpstream toUpstream = new ClientToUpstream(
                session,
                upstream,
                frames,
                counters,
                setup.tap(),
                toClient,
                progress,
                setup.idleTimeout(),
                gate,
                caps.authorizedStatementBytes(),
                setup.cancelRunning());
        client.pipeline().addLast("to-upstream", toUpstream);
        upstream.pipeline().addLast("to-client", toClient);
        client.pipeline().remove(handshake.handler());
        // the close future, not channelInactive: it completes first, and whatever closed the client
        client.closeFuture().addListener(f -> toUpstream.clientClosed());
        upstream.config().setAutoRead(true);
        client.config().setAutoRead(true);
        return new Relay(toClient, counters);
    }

    /** Ends the session from outside (revocation, limits): FATAL at a message boundary, then close. */
    public void terminate(SqlState state, String message, String hint) {
        toClient.terminate(state, message, hint);
    }

    /** Ends the session once no statement runs, at once if none does (a draining node). */
    public void terminateWhenIdle(SqlState state, String message, String hint) {
        toClient.terminateWhenIdle(state, message, hint);
    }

    /** What has passed each way so far (read on the client's event loop). */
    public SessionEvents.Traffic traffic() {
        return counters;
    }
}
