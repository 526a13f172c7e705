package dev.portcullis.proxy.relay;

import dev.portcullis.api.v1.PostgresInfo;
import dev.portcullis.api.v1.PostgresSessionEnd;
import dev.portcullis.pgwire.frame.FrameLimits;
import dev.portcullis.proxy.audit.AccessLogs;
import dev.portcullis.proxy.audit.AuditTap;
import dev.portcullis.proxy.policy.MessageAuthorizer;
import dev.portcullis.proxy.session.ClientConnection;
import dev.portcullis.proxy.session.ConnectionContext;
import dev.portcullis.proxy.session.SessionLimits;
import dev.portcullis.pgwire.SqlState;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Switches a connection from setup to relaying: frames from the client go upstream, bytes from
 * the upstream go to the client, both on the client's event loop; closing either side closes
 * the other, and the session's end is recorded once.
 */
public final class Relay {
    private static final Logger LOG = Logger.getLogger(Relay.class);

    private Relay() {
    }

    public static void install(ChannelHandlerContext handshake, ConnectionContext context, ClientConnection connection,
            SessionLimits limits) {
        Channel client = handshake.channel();
        Channel upstream = connection.upstream().channel();
        var caps = context.config().limits();
        RelayCounters counters = new RelayCounters(context.relayMetrics());
        boolean perMessage = connection.target().perMessage();
        FrameLimits frameLimits = new FrameLimits(caps.messageBytes(), caps.streamThresholdBytes());
        if (perMessage) {
            // a statement is decided whole: nothing of it may reach the upstream before its decision
            frameLimits = frameLimits.wholeUpTo(caps.authorizedStatementBytes(), MessageAuthorizer.DECIDED_TAGS);
        }
        FrontendFrames frames = new FrontendFrames(frameLimits);

        // reader idleness is checked against "no query running" in ClientToUpstream
        client.pipeline().addLast("idle", new IdleStateHandler(limits.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        client.pipeline().addLast("frames", frames);
        boolean redactLiterals = context.state().service(connection.service())
                .map(s -> s.getSpec().getAudit().getRedactLiterals()).orElse(false);
        AuditTap tap = new AuditTap(connection, context.audit(), context.config().audit().maxQueryBytes(), redactLiterals);
        UpstreamToClient toClient = new UpstreamToClient(connection, client, counters, perMessage);
        MessageGate gate = perMessage
                ? new MessageGate(new MessageAuthorizer(context.policy(), connection.connectRequest()), toClient, tap)
                : null;
        client.pipeline().addLast("to-upstream", new ClientToUpstream(connection, upstream, frames, counters, tap,
                toClient, limits.idleTimeout(), gate, caps.authorizedStatementBytes()));
        upstream.pipeline().addLast("to-client", toClient);
        connection.terminator(toClient::terminate);
        var lifetime = client.eventLoop().schedule(() -> connection.terminate(SqlState.ADMIN_SHUTDOWN,
                "terminating connection: the session reached its maximum lifetime ("
                        + dev.portcullis.api.model.Ttl.format(limits.maxLifetime()) + ")"),
                limits.maxLifetime().toMillis(), TimeUnit.MILLISECONDS);
        client.pipeline().remove(handshake.handler());

        context.sessions().register(connection);
        context.metrics().counter("portcullis.proxy.sessions.total").increment();
        var expires = connection.authorization().getSessionExpiresAt();
        long untilExpiry = expires.getSeconds() * 1000 + expires.getNanos() / 1_000_000 - System.currentTimeMillis();
        var expiry = client.eventLoop().schedule(() -> connection.terminate(SqlState.INVALID_PASSWORD,
                "terminating connection: Session " + connection.authorization().getSessionRef().getName() + " has expired"),
                Math.max(0, untilExpiry), TimeUnit.MILLISECONDS);
        client.closeFuture().addListener(f -> {
            lifetime.cancel(false);
            expiry.cancel(false);
            upstream.close();
            context.cancelKeys().release(connection.cancelKey());
            context.sessions().unregister(connection);
            long millis = Duration.between(connection.startedAt(), Instant.now()).toMillis();
            context.audit().publish(AccessLogs.event(connection, PostgresInfo.newBuilder().setType("SESSION_END")
                    .setSessionEnd(PostgresSessionEnd.newBuilder()
                            .setDurationMillis(millis)
                            .setBytesFromClient(counters.bytesFromClient())
                            .setBytesToClient(counters.bytesToClient())
                            .setMessagesFromClient(counters.messagesFromClient())
                            .setMessagesToClient(counters.messagesToClient())
                            .setReason(connection.endReason()))
                    .build()));
            LOG.infof("%s: ended after %d ms (%s); %d bytes / %d messages from the client, %d bytes to it",
                    connection.describe(), millis, connection.endReason(),
                    counters.bytesFromClient(), counters.messagesFromClient(), counters.bytesToClient());
        });
        upstream.config().setAutoRead(true);
        client.config().setAutoRead(true);
    }
}
