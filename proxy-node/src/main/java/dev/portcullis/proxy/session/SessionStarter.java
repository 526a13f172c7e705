package dev.portcullis.proxy.session;

import dev.portcullis.api.model.SpoolFullPolicy;
import dev.portcullis.api.model.Ttl;
import dev.portcullis.api.v1.Service;
import dev.portcullis.pgwire.SqlState;
import dev.portcullis.pgwire.message.backend.AuthenticationOk;
import dev.portcullis.pgwire.message.backend.BackendKeyData;
import dev.portcullis.pgwire.message.backend.ParameterStatus;
import dev.portcullis.pgwire.message.backend.ReadyForQuery;
import dev.portcullis.proxy.audit.AuditTap;
import dev.portcullis.proxy.audit.SessionEvents;
import dev.portcullis.proxy.auth.upstream.UpstreamLink;
import dev.portcullis.proxy.auth.upstream.UpstreamLoginException;
import dev.portcullis.proxy.cancel.CancelKeys;
import dev.portcullis.proxy.policy.MessageAuthorizer;
import dev.portcullis.proxy.relay.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * After a positive decision (AUTHORIZING): resolve the Service once into the session's
 * {@link SessionPlan}, connect (CONNECTING) and log in upstream with the Secret's password
 * (UPSTREAM_AUTH), then give the client AuthenticationOk, the upstream's ParameterStatus values, a
 * proxy-minted BackendKeyData and ReadyForQuery, and relay (READY) until either side closes; the
 * session's limits, registration and SESSION_END are kept here.
 */
final class SessionStarter {
    private static final Logger LOG = Logger.getLogger(SessionStarter.class);

    private final ConnectionContext context;
    private final ClientConnection connection;

    SessionStarter(ConnectionContext context, ClientConnection connection) {
        this.context = context;
        this.connection = connection;
    }

    void start(ChannelHandlerContext ctx) {
        SessionPlan plan;
        try {
            Service service = context.state()
                    .service(connection.service())
                    .orElseThrow(
                            () -> new IllegalStateException("Service " + connection.service() + " no longer exists"));
            plan = SessionPlan.resolve(
                    connection.service(),
                    service,
                    connection.authorization().getConfigName(),
                    connection.settings(),
                    context.config().sessions(),
                    context.state()::secretValue);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // a config the API would refuse today (written before a check existed) fails closed
            refuse(upstreamUnavailable(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, e.getMessage()));
            return;
        } catch (StartupParameters.Refused e) {
            refuse(Refusal.of(e.sqlState(), "startup_parameter", e.getMessage(), e.hint())
                    .audited("STARTUP_PARAMETER_REFUSED"));
            return;
        }
        connection.plan(plan);
        if (!context.audit().accepting() && plan.onSpoolFull() == SpoolFullPolicy.REFUSE) {
            // not audited: the trail is what cannot be kept
            refuse(Refusal.of(
                    SqlState.INSUFFICIENT_RESOURCES,
                    "audit_spool_full",
                    "the audit trail cannot be kept right now, so new sessions are refused",
                    "Kafka is unreachable and this node's audit spool is full; try again later"));
            return;
        }
        String user = connection.authorization().getUserRef().getName();
        int limit = plan.limits().maxConnectionsPerUser();
        if (!context.sessions().tryReserve(connection.service(), user, limit)) {
            refuse(Refusal.of(
                            SqlState.TOO_MANY_CONNECTIONS,
                            "connection_limit",
                            "User " + user + " already has " + limit + " connections to Service " + connection.service()
                                    + " through this proxy node, the limit",
                            "close a connection and try again")
                    .audited("TOO_MANY_CONNECTIONS"));
            return;
        }
        ctx.channel().closeFuture().addListener(closed -> context.sessions().release(connection.service(), user));
        connection.state(SessionState.CONNECTING);
        long began = System.nanoTime();
        context.upstream()
                .connect(ctx.channel().eventLoop(), plan.target(), () -> {
                    if (connection.state() == SessionState.CONNECTING) {
                        connection.state(SessionState.UPSTREAM_AUTH);
                    }
                })
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        SqlState state = f.cause() instanceof UpstreamLoginException e && e.sqlState() != null
                                ? e.sqlState()
                                : SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION;
                        refuse(upstreamUnavailable(
                                state,
                                "cannot connect to the upstream of Service " + connection.service() + ": "
                                        + f.cause().getMessage()));
                        return;
                    }
                    UpstreamLink link = (UpstreamLink) f.getNow();
                    context.metrics()
                            .timer("portcullis.proxy.upstream.connect")
                            .record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
                    if (!ctx.channel().isActive() || connection.state() == SessionState.CLOSING) {
                        link.channel().close();
                        return;
                    }
                    established(ctx, link);
                });
    }

    private static Refusal upstreamUnavailable(SqlState state, String message) {
        return Refusal.of(state, "upstream_unavailable", message, null).audited("UPSTREAM_UNAVAILABLE");
    }

    private void refuse(Refusal refusal) {
        Refusals.refuse(context, connection, refusal);
    }

    private void established(ChannelHandlerContext ctx, UpstreamLink link) {
        SessionPlan plan = connection.plan();
        connection.upstream(link);
        CancelKeys.Key key = context.cancelKeys().mint(link.cancel());
        connection.cancelKey(key);
        ByteBuf hello = ctx.alloc().buffer(256);
        AuthenticationOk.INSTANCE.encode(hello);
        for (Map.Entry<String, String> p : link.parameters()) {
            new ParameterStatus(p.getKey(), p.getValue()).encode(hello);
        }
        new BackendKeyData(
                        key.processId(),
                        ByteBuffer.allocate(4).putInt(key.secretKey()).array())
                .encode(hello);
        new ReadyForQuery(link.status()).encode(hello);

        AuditTap tap = new AuditTap(
                connection, context.audit(), context.config().audit().maxQueryBytes(), plan.redactLiterals());
        MessageAuthorizer authorizer =
                plan.perMessage() ? new MessageAuthorizer(context.policy(), connection.connectRequest()) : null;
        Relay relay = Relay.install(
                ctx,
                link.channel(),
                connection,
                new Relay.Setup(
                        context.config().limits(),
                        context.relayMetrics(),
                        tap,
                        authorizer,
                        plan.limits().idleTimeout(),
                        () -> context.cancels()
                                .clientGone(link.cancel(), ctx.channel().eventLoop())));
        connection.relay(relay);
        connection.state(SessionState.READY);
        live(ctx.channel(), plan, relay);
        context.audit().publish(SessionEvents.started(connection));
        ctx.writeAndFlush(hello);
        context.metrics()
                .counter("portcullis.proxy.upstream.logins", "mechanism", link.authMethod())
                .increment();
        LOG.infof(
                "%s: relaying to %s (upstream %s, %s)",
                connection.describe(), plan.target().describe(), link.tls() ? "TLS" : "plaintext", link.authMethod());
    }

    /** The session is live: registered, ended at its lifetime and its Session's expiry, recorded when it closes. */
    private void live(Channel client, SessionPlan plan, Relay relay) {
        context.sessions().register(connection);
        context.metrics().counter("portcullis.proxy.sessions.total").increment();
        Duration maxLifetime = plan.limits().maxLifetime();
        var lifetime = client.eventLoop()
                .schedule(
                        () -> connection.terminate(
                                SqlState.ADMIN_SHUTDOWN,
                                "terminating connection: the session reached its maximum lifetime ("
                                        + Ttl.format(maxLifetime) + ")"),
                        maxLifetime.toMillis(),
                        TimeUnit.MILLISECONDS);
        var expires = connection.authorization().getSessionExpiresAt();
        long untilExpiry = expires.getSeconds() * 1000 + expires.getNanos() / 1_000_000 - System.currentTimeMillis();
        var expiry = client.eventLoop()
                .schedule(
                        () -> connection.terminate(
                                SqlState.INVALID_PASSWORD,
                                "terminating connection: Session "
                                        + connection
                                                .authorization()
                                                .getSessionRef()
                                                .getName() + " has expired"),
                        Math.max(0, untilExpiry),
                        TimeUnit.MILLISECONDS);
        client.closeFuture().addListener(f -> {
            connection.state(SessionState.CLOSING);
            lifetime.cancel(false);
            expiry.cancel(false);
            context.cancelKeys().release(connection.cancelKey());
            context.sessions().unregister(connection);
            var traffic = relay.traffic();
            context.audit().publish(SessionEvents.ended(connection, traffic, connection.endReason()));
            LOG.infof(
                    "%s: ended after %d ms (%s); %d bytes / %d messages from the client, %d bytes to it",
                    connection.describe(),
                    Duration.between(connection.startedAt(), Instant.now()).toMillis(),
                    connection.endReason(),
                    traffic.bytesFromClient(),
                    traffic.messagesFromClient(),
                    traffic.bytesToClient());
        });
    }
}
